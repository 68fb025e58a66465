"""Uploaded files: a clean name, a size limit, and a type taken from the extension that the content
must match (a renamed executable is refused)."""
from __future__ import annotations

import os

from core.services import ServiceError

_OLE, _ZIP = (b"\xd0\xcf\x11\xe0",), (b"PK\x03\x04",)
# extension -> (content type, magic prefixes of the content; empty: text that must be UTF-8)
FILE_TYPES: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".doc": ("application/msword", _OLE),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".odt": ("application/vnd.oasis.opendocument.text", _ZIP),
    ".ods": ("application/vnd.oasis.opendocument.spreadsheet", _ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".txt": ("text/plain", ()),
    ".zip": ("application/zip", _ZIP),
}


def clean_filename(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[-255:]


def check_upload(filename: str, data: bytes, max_bytes: int, allowed: dict[str, str] | None = None,
                 allowed_label: str = "") -> tuple[str, str]:
    """(clean name, content type) of an acceptable upload, or a refusal naming the file and the rule.

    ``allowed`` maps the accepted extensions to labels (default: every type in ``FILE_TYPES``).
    """
    accepted = [ext for ext in (allowed or FILE_TYPES) if ext in FILE_TYPES]
    label = allowed_label or ", ".join(accepted)
    name = clean_filename(filename)
    if not name:
        raise ServiceError("Chưa chọn tệp (no file)")
    extension = os.path.splitext(name)[1].lower()
    if extension not in accepted:
        raise ServiceError(f"Tệp “{name}” có định dạng không được phép; chỉ nhận {label} (file type not allowed)")
    if not data:
        raise ServiceError(f"Tệp “{name}” rỗng (empty file)")
    if len(data) > max_bytes:
        raise ServiceError(f"Tệp “{name}” dung lượng {len(data) / 1048576:.1f} MB, vượt giới hạn "
                           f"{max_bytes / 1048576:g} MB (file too large)")
    content_type, magic = FILE_TYPES[extension]
    if magic and not data.startswith(magic):
        raise ServiceError(f"Nội dung tệp “{name}” không đúng định dạng {extension} (content does not match the type)")
    if not magic:
        try:
            data.decode("utf-8")
        except UnicodeDecodeError:
            raise ServiceError(f"Tệp “{name}” không phải văn bản UTF-8 (content does not match the type)") from None
    return name, content_type

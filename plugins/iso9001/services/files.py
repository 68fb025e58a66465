"""Uploaded files (audit evidence, document versions): allowed types checked against the content, size limits."""
from __future__ import annotations

import os

from core.toolkit import ServiceError

_OLE, _ZIP = (b"\xd0\xcf\x11\xe0",), (b"PK\x03\x04",)
# extension -> (content type, magic prefixes of the content)
ALLOWED: dict[str, tuple[str, tuple[bytes, ...]]] = {
    ".pdf": ("application/pdf", (b"%PDF",)),
    ".doc": ("application/msword", _OLE),
    ".docx": ("application/vnd.openxmlformats-officedocument.wordprocessingml.document", _ZIP),
    ".xls": ("application/vnd.ms-excel", _OLE),
    ".xlsx": ("application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", _ZIP),
    ".png": ("image/png", (b"\x89PNG\r\n\x1a\n",)),
    ".jpg": ("image/jpeg", (b"\xff\xd8\xff",)),
    ".jpeg": ("image/jpeg", (b"\xff\xd8\xff",)),
}
ALLOWED_LABEL = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh PNG hoặc JPEG"


def clean_filename(filename: str) -> str:
    name = os.path.basename((filename or "").replace("\\", "/")).strip()
    return "".join(ch for ch in name if ch.isprintable() and ch not in '"<>|:*?')[-255:]


def check_file(filename: str, data: bytes, max_mb: float) -> tuple[str, str]:
    """(clean name, content type) of an acceptable upload, or a refusal naming the file and the limit."""
    name = clean_filename(filename)
    if not name:
        raise ServiceError("Chưa chọn tệp (no file)")
    extension = os.path.splitext(name)[1].lower()
    if extension not in ALLOWED:
        raise ServiceError(f"Tệp “{name}” có định dạng không được phép; chỉ nhận {ALLOWED_LABEL} "
                           "(file type not allowed)")
    if not data:
        raise ServiceError(f"Tệp “{name}” rỗng (empty file)")
    if len(data) > max_mb * 1024 * 1024:
        raise ServiceError(f"Tệp “{name}” dung lượng {len(data) / 1048576:.1f} MB, vượt giới hạn {max_mb:g} MB "
                           "(file too large)")
    content_type, magic = ALLOWED[extension]
    if not data.startswith(magic):
        raise ServiceError(f"Nội dung tệp “{name}” không đúng định dạng {extension} (content does not match the type)")
    return name, content_type

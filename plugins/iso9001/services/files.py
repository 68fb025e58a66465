"""Uploaded files (audit evidence, document versions): the types ISO records accept, size limits."""
from __future__ import annotations

from core.toolkit import check_upload

ALLOWED = {".pdf": "PDF", ".doc": "Word", ".docx": "Word", ".xls": "Excel", ".xlsx": "Excel", ".png": "PNG",
           ".jpg": "JPEG", ".jpeg": "JPEG"}
ALLOWED_LABEL = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), ảnh PNG hoặc JPEG"


def check_file(filename: str, data: bytes, max_mb: float) -> tuple[str, str]:
    """(clean name, content type) of an acceptable upload, or a refusal naming the file and the limit."""
    return check_upload(filename, data, int(max_mb * 1024 * 1024), ALLOWED, ALLOWED_LABEL)

"""Reading dates the way people write them here: dd/mm/yyyy (ISO yyyy-mm-dd is accepted too)."""
from __future__ import annotations

import re
from datetime import date, datetime

_DMY = re.compile(r"^(\d{1,2})[/.-](\d{1,2})[/.-](\d{4})$")
_ISO = re.compile(r"^(\d{4})-(\d{1,2})-(\d{1,2})$")


def parse_date(value) -> date | None:
    """``None`` for an empty value; a ``date`` for dd/mm/yyyy, yyyy-mm-dd or a spreadsheet date.

    Raises ``ValueError`` with a Vietnamese message for anything else (31/02/2026, "hôm qua", ...).
    """
    if value is None:
        return None
    if isinstance(value, datetime):
        return value.date()
    if isinstance(value, date):
        return value
    text = str(value).strip()
    if not text:
        return None
    match = _DMY.match(text)
    if match:
        day, month, year = (int(g) for g in match.groups())
    else:
        match = _ISO.match(text)
        if not match:
            raise ValueError(f"ngày '{text}' không đúng định dạng dd/mm/yyyy")
        year, month, day = (int(g) for g in match.groups())
    try:
        return date(year, month, day)
    except ValueError:
        raise ValueError(f"ngày '{text}' không tồn tại") from None

"""The columns of a catalogue import and how each cell is read; every problem is a Vietnamese sentence."""
from __future__ import annotations

import re
from datetime import date, datetime

from plugins.onestop.services.catalogue import ProcedureSpec
from plugins.onestop.services.dates import parse_date

COLUMNS = ("national_code", "name", "field_code", "field_name", "time_limit", "limit_kind", "online_time_limit",
           "authority", "fee", "fee_note", "online_level", "online_mode", "supplement_policy", "documents", "steps",
           "published_on")
REQUIRED = ("national_code", "name", "field_code", "time_limit")
LABELS = {"national_code": "mã thủ tục", "name": "tên thủ tục", "field_code": "mã lĩnh vực",
          "field_name": "tên lĩnh vực", "time_limit": "thời hạn giải quyết", "limit_kind": "đơn vị thời hạn",
          "online_time_limit": "thời hạn trực tuyến", "authority": "cơ quan giải quyết", "fee": "phí, lệ phí",
          "fee_note": "ghi chú phí", "online_level": "mức độ trực tuyến", "online_mode": "hình thức trực tuyến",
          "supplement_policy": "cách tính thời hạn khi bổ sung", "documents": "thành phần hồ sơ",
          "steps": "các bước xử lý", "published_on": "ngày công bố"}
ALIASES = {label: key for key, label in LABELS.items()} | {
    "mã": "national_code", "thời hạn": "time_limit", "cơ quan thực hiện": "authority", "lệ phí": "fee",
    "phí": "fee", "mức độ": "online_level", "quy trình": "steps"}
LENGTHS = {"national_code": 40, "name": 500, "field_code": 40, "field_name": 255, "authority": 255, "fee_note": 255}
CHOICES = {
    "limit_kind": {"working": "working", "ngày làm việc": "working", "calendar": "calendar", "ngày": "calendar",
                   "ngày lịch": "calendar", "hours": "hours", "giờ": "hours", "giờ làm việc": "hours"},
    "online_mode": {"": "", "không": "", "partial": "partial", "một phần": "partial", "end_to_end": "end_to_end",
                    "toàn trình": "end_to_end"},
    "supplement_policy": {"pause": "pause", "tạm dừng": "pause", "tạm dừng, tính tiếp": "pause",
                          "restart": "restart", "tính lại": "restart", "tính lại từ đầu": "restart"},
}
DEFAULTS = {"limit_kind": "working", "online_mode": "", "supplement_policy": "pause"}
_INTEGER = re.compile(r"^\d+(?:[.,]0+)?$")
_THOUSANDS = re.compile(r"^\d{1,3}(?:[.,\s]\d{3})+$")
_CONTROL = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")  # never stored (PostgreSQL refuses NUL)


def text(value) -> str:
    if value is None:
        return ""
    if isinstance(value, str):
        value = _CONTROL.sub("", value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, datetime):
        return value.strftime("%d/%m/%Y")
    return " ".join(str(value).split())


def whole(value, label: str, errors: list[str], minimum: int = 0) -> int | None:
    """A whole number ≥ ``minimum`` from a cell (5, 5.0, "5"); ``None`` if empty; an error otherwise."""
    if isinstance(value, bool):
        value = text(value)
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        number = int(value) if float(value).is_integer() else None
    else:
        raw = text(value)
        if not raw:
            return None
        number = int(re.split(r"[.,]", raw)[0]) if _INTEGER.match(raw) else None
    if number is None:
        errors.append(f"{label} “{text(value)}” không phải số nguyên")
        return None
    if number < minimum:
        errors.append(f"{label} phải từ {minimum} trở lên (đang là {number})")
        return None
    return number


def money(value, errors: list[str]) -> float | None:
    if isinstance(value, (int, float)) and not isinstance(value, bool):
        if value < 0 or not float(value).is_integer():
            errors.append(f"phí, lệ phí “{text(value)}” phải là số đồng nguyên, không âm")
            return None
        return float(value)
    raw = re.sub(r"\s*(đồng|đ|vnđ|vnd)\.?$", "", text(value).lower()).strip()
    if raw in ("", "không", "miễn phí", "miễn"):
        return None
    if raw.isdigit():
        return float(raw)
    if _THOUSANDS.match(raw):
        return float(re.sub(r"[.,\s]", "", raw))
    errors.append(f"phí, lệ phí “{text(value)}” không phải số tiền hợp lệ (ví dụ 50.000)")
    return None


def choice(key: str, value, errors: list[str]) -> str:
    raw = text(value).lower()
    if not raw:
        return DEFAULTS[key]
    if raw in CHOICES[key]:
        return CHOICES[key][raw]
    allowed = ", ".join(sorted({k for k in CHOICES[key] if k}))
    errors.append(f"{LABELS[key]} “{text(value)}” không hợp lệ; chọn một trong: {allowed}")
    return DEFAULTS[key]


def level(value, errors: list[str]) -> str:
    raw = re.sub(r"^(mức độ|mức)\s*", "", text(value).lower())
    if not raw:
        return "2"
    if raw in ("1", "2", "3", "4"):
        return raw
    errors.append(f"mức độ trực tuyến “{text(value)}” phải là 1, 2, 3 hoặc 4")
    return "2"


def documents(value, errors: list[str]) -> list[tuple[str, int, int, int]]:
    found = []
    for item in re.split(r"[;\n]", _CONTROL.sub("", value) if isinstance(value, str) else text(value)):
        item = item.strip()
        if not item:
            continue
        parts = [p.strip() for p in item.split("|")]
        if len(parts) != 4 or not parts[0]:
            errors.append(f"giấy tờ “{item}” phải có dạng tên|bản chính|bản sao chứng thực|bản sao")
            continue
        counts = [whole(p or "0", f"số bản của “{parts[0]}”", errors) for p in parts[1:]]
        if None not in counts:
            found.append((parts[0], *counts))
    return found


def steps(value, errors: list[str]) -> list[tuple[str, int]]:
    found = []
    for item in re.split(r"[;\n]", _CONTROL.sub("", str(value or ""))):
        item = item.strip()
        if not item:
            continue
        name, _, share = item.rpartition(":")
        percent = whole(share.strip().rstrip("%"), f"tỷ lệ thời gian của bước “{name or item}”", errors)
        if not name.strip():
            errors.append(f"bước “{item}” phải có dạng tên bước:phần trăm")
        elif percent is not None:
            found.append((name.strip(), percent))
    return found


def parse_row(values: dict) -> tuple[ProcedureSpec, str, list[str]]:
    """(the procedure spec, the field name given, every problem of the row)."""
    errors: list[str] = []
    strings = {key: text(values.get(key)) for key in LENGTHS}
    for key, limit in LENGTHS.items():
        if len(strings[key]) > limit:
            errors.append(f"{LABELS[key]} dài quá {limit} ký tự")
            strings[key] = strings[key][:limit]
    if not strings["field_code"]:
        errors.append("thiếu mã lĩnh vực (field_code)")
    limit = whole(values.get("time_limit"), "thời hạn giải quyết", errors, minimum=1)
    if limit is None and not text(values.get("time_limit")):
        errors.append("thiếu thời hạn giải quyết (time_limit)")
    published: date | None = None
    try:
        published = parse_date(values.get("published_on"))
    except ValueError as exc:
        errors.append(f"ngày công bố: {exc}")
    spec = ProcedureSpec(
        national_code=strings["national_code"], name=strings["name"], field_code=strings["field_code"],
        time_limit=1 if limit is None else limit, limit_kind=choice("limit_kind", values.get("limit_kind"), errors),
        online_time_limit=whole(values.get("online_time_limit"), "thời hạn trực tuyến", errors, minimum=1),
        authority=strings["authority"], fee=money(values.get("fee"), errors), fee_note=strings["fee_note"],
        online_level=level(values.get("online_level"), errors),
        online_mode=choice("online_mode", values.get("online_mode"), errors),
        supplement_policy=choice("supplement_policy", values.get("supplement_policy"), errors),
        documents=documents(values.get("documents"), errors), steps=steps(values.get("steps"), errors),
        published_on=published)
    errors.extend(spec.problems())
    return spec, strings["field_name"], errors

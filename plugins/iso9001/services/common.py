"""Small shared pieces: rules, the office's today, text and date checks, users, unit trees."""
from __future__ import annotations

import calendar
from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.toolkit import ServiceError, UnitTree, User, parse_date, rules_for, settings_of

RULES_MODULE = "plugins.iso9001"


def rule(key: str, on: date):
    """The value of an ISO 9001 rule in force on ``on`` (see ``rules.toml``)."""
    return rules_for(RULES_MODULE).value(key, on=on)


def office_today(session: Session, now: datetime | None = None) -> date:
    moment = now or datetime.now(timezone.utc)
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)  # the runner's clock is UTC
    return moment.astimezone(ZoneInfo(settings_of(session)["app.timezone"])).date()


def utcnow() -> datetime:
    return datetime.now(timezone.utc)


def text(value, label: str, required: bool = False, max_len: int | None = None) -> str:
    value = (value or "").strip() if isinstance(value, str) or value is None else str(value).strip()
    if required and not value:
        raise ServiceError(f"{label} là bắt buộc (required)")
    if max_len and len(value) > max_len:
        raise ServiceError(f"{label} tối đa {max_len} ký tự, đã nhập {len(value)} (too long)")
    return value


def day(value, label: str, required: bool = False) -> date | None:
    parsed = parse_date(value, label)
    if required and parsed is None:
        raise ServiceError(f"{label} là bắt buộc; nhập theo dạng dd/mm/yyyy (required)")
    return parsed


def add_months(start: date, months: int) -> date:
    """``start`` plus calendar months, on the same day or the month's last day (31/01 + 1 → 28/02)."""
    month_index = start.month - 1 + months
    year, month = start.year + month_index // 12, month_index % 12 + 1
    return date(year, month, min(start.day, calendar.monthrange(year, month)[1]))


def active_user(session: Session, user_id, label: str) -> User:
    user = session.get(User, int(user_id)) if str(user_id or "").isdigit() else None
    if user is None or not user.active:
        raise ServiceError(f"{label}: người dùng không tồn tại hoặc đã bị vô hiệu hoá (unknown user)")
    return user


def display_name(user: User | None) -> str:
    return (user.full_name or user.username) if user is not None else "—"


def subtree(session: Session, unit_id: int) -> set[int]:
    return set(UnitTree.load(session).subtree(unit_id))


def ancestors_and_self(session: Session, unit_id: int) -> list[int]:
    return [unit_id, *UnitTree.load(session).ancestors(unit_id)]


def fmt(value: date | None) -> str:
    return f"{value:%d/%m/%Y}" if value else "—"

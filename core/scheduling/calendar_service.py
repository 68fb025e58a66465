"""The calendar as the application sees it: public holidays + overrides from the database, cached.

A process keeps one ``WorkingCalendar`` per overrides signature (count and last change of the
override rows); adding or removing an override changes the signature, so every process rebuilds
on its next look-up.
"""
from __future__ import annotations

import threading
from datetime import date

import holidays
from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.models import CalendarOverride, UnitWorkingHours
from core.scheduling.calendar import WorkingCalendar, WorkingHours, parse_hhmm
from core.services import ServiceError
from core.settings import Settings

_cache: dict[tuple, WorkingCalendar] = {}
_lock = threading.Lock()


def calendar_for(session: Session, settings: Settings | None = None) -> WorkingCalendar:
    signature = tuple(session.execute(
        select(func.count(CalendarOverride.id), func.max(CalendarOverride.updated_at), func.max(CalendarOverride.id))
    ).one())
    years = (settings["calendar.first_year"], settings["calendar.last_year"]) if settings else (2015, 2035)
    key = (signature, years)
    found = _cache.get(key)
    if found is None:
        overrides = dict(session.execute(select(CalendarOverride.day, CalendarOverride.is_working)).all())
        found = WorkingCalendar(overrides, *years)
        with _lock:
            _cache.clear()  # only the newest signature is worth keeping
            _cache[key] = found
    return found


def default_hours(settings: Settings) -> WorkingHours:
    morning, afternoon = settings["calendar.morning"], settings["calendar.afternoon"]
    return WorkingHours((parse_hhmm(morning[0]), parse_hhmm(morning[1])),
                        (parse_hhmm(afternoon[0]), parse_hhmm(afternoon[1])),
                        parse_hhmm(settings["calendar.receipt_cutoff"]))


def hours_for_unit(session: Session, settings: Settings, unit_id: int | None) -> WorkingHours:
    row = session.scalar(select(UnitWorkingHours).where(UnitWorkingHours.unit_id == unit_id)) if unit_id else None
    if row is None:
        return default_hours(settings)
    return WorkingHours((parse_hhmm(row.morning_start), parse_hhmm(row.morning_end)),
                        (parse_hhmm(row.afternoon_start), parse_hhmm(row.afternoon_end)),
                        parse_hhmm(row.receipt_cutoff))


def add_override(session: Session, day: date, is_working: bool, reason: str) -> CalendarOverride:
    """Record a swap or an extra day off; refused when the day already is what it asks."""
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Cần ghi lý do điều chỉnh lịch (a reason is required)")
    if session.scalar(select(CalendarOverride.id).where(CalendarOverride.day == day)) is not None:
        raise ServiceError(f"Ngày {day:%d/%m/%Y} đã có điều chỉnh; xoá điều chỉnh cũ trước (override exists)")
    calendar = calendar_for(session).covering(day)
    if calendar.is_working_day(day) == is_working:
        what = "ngày làm việc" if is_working else "ngày nghỉ"
        raise ServiceError(f"Ngày {day:%d/%m/%Y} vốn đã là {what}; không cần điều chỉnh (already {what})")
    override = CalendarOverride(day=day, is_working=is_working, reason=reason)
    session.add(override)
    session.flush()
    return override


def remove_override(session: Session, day: date) -> None:
    override = session.scalar(select(CalendarOverride).where(CalendarOverride.day == day))
    if override is None:
        raise ServiceError(f"Ngày {day:%d/%m/%Y} không có điều chỉnh nào (no override on that day)")
    session.delete(override)
    session.flush()


def days_off(session: Session, year: int, language: str = "vi") -> list[tuple[date, str]]:
    """Days off of ``year`` (holidays, observed and swapped days, overrides) named in ``language``."""
    calendar = calendar_for(session).covering(date(year, 1, 1))
    names = holidays.Vietnam(years=year, language="vi" if language == "vi" else "en_US")
    reasons = dict(session.execute(select(CalendarOverride.day, CalendarOverride.reason)).all())
    return [(day, names.get(day) or reasons.get(day, "")) for day, _ in calendar.days_off(year)]

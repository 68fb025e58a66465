"""Appointment dates from a procedure's time limit and the core working-day calendar."""
from __future__ import annotations

from datetime import date, datetime, timezone
from zoneinfo import ZoneInfo

from sqlalchemy.orm import Session

from core.toolkit import Settings, calendar_for, hours_for_unit

OFFICE_TZ = ZoneInfo("Asia/Ho_Chi_Minh")


def local(moment: datetime) -> datetime:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=timezone.utc)
    return moment.astimezone(OFFICE_TZ)


def appointment(session: Session, settings: Settings, unit_id: int, received_at: datetime, limit: int,
                limit_kind: str) -> tuple[date, date]:
    """(the day the clock counts from, the appointment date) for a receipt at ``received_at``."""
    when = local(received_at).replace(tzinfo=None)
    calendar = calendar_for(session, settings).covering(when.date())
    hours = hours_for_unit(session, settings, unit_id)
    counts_from = calendar.receipt_day(when, hours)
    if limit_kind == "calendar":
        return counts_from, calendar.add_calendar_days(when.date(), limit)
    if limit_kind == "hours":
        return counts_from, calendar.add_working_hours(when, limit, hours).date()
    return counts_from, calendar.add_working_days(counts_from, limit)


def working_days_between(session: Session, settings: Settings, start: date, end: date) -> int:
    return calendar_for(session, settings).covering(start, end).working_days_between(start, end)


def add_working_days(session: Session, settings: Settings, start: date, days: int) -> date:
    return calendar_for(session, settings).covering(start).add_working_days(start, days)

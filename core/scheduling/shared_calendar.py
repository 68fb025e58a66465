"""The shared calendar: every enabled programme's deadlines (hook ``calendar_events``) plus the core's task deadlines.

Free of Flask: the back-office calendar page and the personal ``.ics`` feed both call ``gather_events``.
"""
from __future__ import annotations

import calendar as pycalendar
from datetime import date, datetime, timedelta
from functools import lru_cache
from typing import Callable, Iterable, Sequence

import holidays
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import CalendarOverride, PlanTask, Unit
from core.plugins import dispatch_for_units
from core.scheduling.calendar_service import calendar_for
from core.scheduling.tasks import tasks_due_between
from core.scheduling.types import CalendarEvent

MAX_RANGE_DAYS = 800  # a feed or a page never asks for more than about two years


def task_events(session: Session, start: date, end: date, unit_ids: Iterable[int],
                task_url: Callable[[PlanTask], str | None] | None = None) -> list[CalendarEvent]:
    """Deadlines of the tasks owned by, or in plans issued by, ``unit_ids`` (open and done, not cancelled)."""
    ids = list(unit_ids)
    if not ids:
        return []
    events = []
    for task in tasks_due_between(session, start, end, ids):
        plan = task.plan
        done = task.status == "done"
        events.append(CalendarEvent(
            title=f"{'✓ ' if done else ''}Hạn nhiệm vụ: {task.title} ({plan.reference})",
            start=task.due_date, unit_id=task.unit_id, url=task_url(task) if task_url else None,
            description=f"Kế hoạch {plan.reference} – {plan.title}. Đơn vị chủ trì: {task.unit.code}. "
                        f"Tiến độ {task.progress}%.",
            uid=f"core-task-{task.id}-due", category="task-done" if done else "task", plugin="core",
            extra={"task_id": task.id, "plan_id": plan.id, "status": task.status}))
    return events


def event_day(event: CalendarEvent) -> date:
    return event.start.date() if isinstance(event.start, datetime) else event.start


def gather_events(session: Session, start: date, end: date, units: Sequence[Unit | int],
                  task_unit_ids: Iterable[int] = (), task_url: Callable[[PlanTask], str | None] | None = None
                  ) -> list[CalendarEvent]:
    """Events between ``start`` and ``end`` (inclusive): the hook for the plugins enabled in ``units``
    (through ``dispatch_for_units``) plus task deadlines of ``task_unit_ids``; sorted by day and title."""
    if end < start:
        raise ValueError("end before start")
    if (end - start).days > MAX_RANGE_DAYS:
        raise ValueError(f"range longer than {MAX_RANGE_DAYS} days")
    events = list(dispatch_for_units(session, "calendar_events", list(units), start=start, end=end)) if units else []
    events = [e for e in events if isinstance(e, CalendarEvent) and start <= event_day(e) <= end]
    events += task_events(session, start, end, task_unit_ids, task_url)
    return sorted(events, key=lambda e: (event_day(e), isinstance(e.start, datetime) and e.start.time(), e.title))


def by_day(events: Iterable[CalendarEvent]) -> dict[date, list[CalendarEvent]]:
    days: dict[date, list[CalendarEvent]] = {}
    for event in events:
        days.setdefault(event_day(event), []).append(event)
    return days


def month_weeks(year: int, month: int) -> list[list[date]]:
    """The weeks (Monday first) that show ``month`` in a grid, including days of the months around it."""
    return pycalendar.Calendar(firstweekday=0).monthdatescalendar(year, month)


def week_of(day: date) -> list[date]:
    monday = day - timedelta(days=day.weekday())
    return [monday + timedelta(days=i) for i in range(7)]


@lru_cache(maxsize=16)
def _holiday_names(years: tuple[int, ...], language: str):
    return holidays.Vietnam(years=years, language="vi" if language == "vi" else "en_US")


def days_off_between(session: Session, start: date, end: date, language: str = "vi") -> dict[date, str]:
    """Non-working days in [start, end] with a name in ``language`` (holiday, override reason; '' for a weekend)."""
    cal = calendar_for(session).covering(start, end)
    names = _holiday_names(tuple(range(start.year, end.year + 1)), language)
    reasons = dict(session.execute(select(CalendarOverride.day, CalendarOverride.reason)
                                   .where(CalendarOverride.day >= start, CalendarOverride.day <= end)).all())
    found = {}
    day = start
    while day <= end:
        if not cal.is_working_day(day):
            found[day] = names.get(day) or reasons.get(day, "")
        day += timedelta(days=1)
    return found


def shift_month(day: date, months: int) -> date:
    index = day.year * 12 + day.month - 1 + months
    return date(index // 12, index % 12 + 1, 1)

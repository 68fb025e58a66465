"""Personal iCalendar feeds: secret, revocable tokens (only their SHA-256 is stored) and the ``.ics`` body.

A user has at most one live token: making a new one revokes the old. Token rows are audited without
their hash. The feed holds what ``core.scheduling.shared_calendar.gather_events`` gathers for the
token owner's units.
"""
from __future__ import annotations

import hashlib
import re
import secrets
from datetime import date, datetime, timedelta, timezone
from typing import Iterable

from icalendar import Calendar, Event
from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import CalendarFeedToken, User
from core.models.base import utcnow
from core.scheduling.types import CalendarEvent

_TOKEN_RE = re.compile(r"^[A-Za-z0-9_-]{20,128}$")


def token_hash(raw: str) -> str:
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()


def active_token(session: Session, user: User) -> CalendarFeedToken | None:
    return session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id,
                                                          CalendarFeedToken.revoked_at.is_(None))
                          .order_by(CalendarFeedToken.id.desc()))


def revoke_tokens(session: Session, user: User) -> int:
    """Revoke every live token of ``user``; returns how many there were."""
    rows = list(session.scalars(select(CalendarFeedToken).where(CalendarFeedToken.user_id == user.id,
                                                                CalendarFeedToken.revoked_at.is_(None))))
    now = utcnow()
    for row in rows:
        row.revoked_at = now
    session.flush()
    return len(rows)


def issue_token(session: Session, user: User) -> str:
    """A new secret for ``user`` (the old one stops working); the caller shows it once, it is not kept."""
    revoke_tokens(session, user)
    raw = secrets.token_urlsafe(32)
    session.add(CalendarFeedToken(user_id=user.id, token_hash=token_hash(raw)))
    session.flush()
    return raw


def user_for_token(session: Session, raw: str) -> User | None:
    """The active user owning the live token ``raw``; ``None`` for an unknown, malformed or revoked one."""
    if not raw or not _TOKEN_RE.match(raw):
        return None
    row = session.scalar(select(CalendarFeedToken).where(CalendarFeedToken.token_hash == token_hash(raw),
                                                         CalendarFeedToken.revoked_at.is_(None)))
    if row is None:
        return None
    user = session.get(User, row.user_id)
    return user if user is not None and user.active else None


def build_ics(events: Iterable[CalendarEvent], name: str, now: datetime | None = None,
              base_url: str = "") -> bytes:
    """An iCalendar (RFC 5545) document of ``events``: all-day entries for dates, timed ones for datetimes."""
    stamp = now or datetime.now(timezone.utc)
    cal = Calendar()
    cal.add("prodid", "-//CCHC Suite//Lich chung//VI")
    cal.add("version", "2.0")
    cal.add("calscale", "GREGORIAN")
    cal.add("method", "PUBLISH")
    cal.add("x-wr-calname", name)
    cal.add("x-wr-timezone", "Asia/Ho_Chi_Minh")
    for item in events:
        event = Event()
        start = item.start
        event.add("uid", f"{item.uid or _fallback_uid(item)}@cchc")
        event.add("dtstamp", stamp)
        event.add("summary", item.title)
        event.add("dtstart", start)
        if item.end is not None:
            event.add("dtend", item.end + timedelta(days=1) if _is_date(item.end) else item.end)
        elif _is_date(start):
            event.add("dtend", start + timedelta(days=1))  # an all-day entry ends the next day (exclusive)
        if item.description:
            event.add("description", item.description)
        if item.url:
            event.add("url", item.url if "://" in item.url else base_url.rstrip("/") + item.url)
        categories = [c for c in (item.plugin, item.category) if c]
        if categories:
            event.add("categories", categories)
        cal.add_component(event)
    return cal.to_ical()


def _is_date(value) -> bool:
    return isinstance(value, date) and not isinstance(value, datetime)


def _fallback_uid(item: CalendarEvent) -> str:
    digest = hashlib.sha1(f"{item.plugin}|{item.title}|{item.start}|{item.unit_id}".encode()).hexdigest()[:16]
    return f"{item.plugin or 'event'}-{digest}"

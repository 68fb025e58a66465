"""The office's own date and time zone (``app.timezone``): the server's clock runs in UTC, and near
midnight UTC the office is already on the next day."""
from __future__ import annotations

from datetime import date, datetime
from zoneinfo import ZoneInfo

from core.settings import Settings


def office_zone(settings: Settings) -> ZoneInfo:
    return ZoneInfo(settings["app.timezone"])


def today_in_office(settings: Settings) -> date:
    return datetime.now(office_zone(settings)).date()

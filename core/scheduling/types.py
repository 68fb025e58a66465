"""Value types plugins exchange with the scheduler and the shared calendar."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TYPE_CHECKING, Any, Callable

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from core.models import Unit
    from core.settings import Settings


@dataclass(frozen=True)
class JobContext:
    """What a job function receives: its session (committed by the runner), the time, its units."""

    session: "Session"
    settings: "Settings"
    now: datetime
    scheduled_for: datetime
    units: "list[Unit]"  # units where the job's plugin is enabled (all units for core jobs)


@dataclass(frozen=True)
class JobSpec:
    """A recurring job. ``schedule`` is a cron expression (``*/15 * * * *``, office time zone) or
    ``@every 10m`` / ``@every 2h`` / ``@every 30s``. ``name`` starts with the plugin's name."""

    name: str
    schedule: str
    func: Callable[[JobContext], Any]
    description: str = ""


@dataclass(frozen=True)
class CalendarEvent:
    """A deadline or event on the shared calendar."""

    title: str
    start: date | datetime
    end: date | datetime | None = None
    unit_id: int | None = None
    url: str | None = None
    description: str = ""
    uid: str = ""  # stable identifier, e.g. "onestop-dossier-42-due"
    category: str = ""
    plugin: str = ""
    extra: dict[str, Any] = field(default_factory=dict)

"""Cross-programme events, delivered to ``handle_event`` of the plugins enabled for the event's unit."""
from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from sqlalchemy.orm import Session

from core.plugins import EnablementSnapshot, registry_of


@dataclass(frozen=True)
class Event:
    kind: str  # "<plugin>.<what happened>", e.g. "onestop.dossier_received"
    unit_id: int
    subject: str = ""  # "<table>:<id>" of the record the event is about
    payload: dict[str, Any] = field(default_factory=dict)


class EventHandlerError(Exception):
    """A plugin's ``handle_event`` failed; the emitting change must be rolled back."""

    def __init__(self, plugin: str, event: Event, cause: BaseException):
        self.plugin, self.event, self.cause = plugin, event, cause
        super().__init__(
            f"Phân hệ {plugin!r} không xử lý được sự kiện {event.kind!r}: {cause} "
            f"(plugin {plugin!r} failed to handle event {event.kind!r}; the change was not saved)"
        )


def emit(session: Session, event: Event) -> None:
    """Deliver ``event`` inside ``session``'s transaction; raise ``EventHandlerError`` on failure.

    The caller's transaction is left for the caller to roll back (the web layer and the CLI do so
    on any exception), so a failing handler undoes the whole change.
    """
    registry = registry_of(session)
    enabled = EnablementSnapshot.of(session).plugins_for([event.unit_id])
    for name in registry.plugins:
        if name not in enabled:
            continue
        try:
            registry.call_one(name, "handle_event", session=session, event=event)
        except Exception as exc:
            raise EventHandlerError(name, event, exc) from exc

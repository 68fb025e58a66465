"""Automatic audit trail: every flush of an ``Audited`` record writes old → new values to the log.

Who acted is read from ``session.info["actor"]`` (an ``Actor``), which the web layer sets per
request and the CLI per command. Rows are written with Core inserts from mapper events, on the
flush's own connection, so that they share the business change's transaction: a rollback removes both.
"""
from __future__ import annotations

import enum
from dataclasses import dataclass
from datetime import date, datetime, timezone
from decimal import Decimal
from typing import Any

from sqlalchemy import event, inspect, insert
from sqlalchemy.orm import Session, object_session

from core.models import AuditLog, Audited
from core.models.base import utcnow

ACTOR_KEY = "actor"


@dataclass(frozen=True)
class Actor:
    user_id: int | None
    name: str


SYSTEM = Actor(None, "system")


def set_actor(session: Session, actor: Actor) -> None:
    session.info[ACTOR_KEY] = actor


def _jsonable(value: Any) -> Any:
    if value is None or type(value) in (str, int, float, bool):
        return value
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    if isinstance(value, enum.Enum):
        return value.value
    if isinstance(value, (str, int, float, bool)):
        return value
    if isinstance(value, dict):  # a JSON column: logged as JSON, not as its Python repr
        return {str(k): _jsonable(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_jsonable(v) for v in value]
    return str(value)


def _column_changes(obj: Audited, action: str) -> dict[str, list[Any]]:
    state = inspect(obj)
    changes: dict[str, list[Any]] = {}
    for attr in state.mapper.column_attrs:
        key = attr.key
        if key in obj.__audit_exclude__:
            continue
        hist = state.attrs[key].history
        if action == "create":
            value = getattr(obj, key)
            if value is not None:
                changes[key] = [None, _jsonable(value)]
        elif action == "delete":
            changes[key] = [_jsonable(state.attrs[key].loaded_value), None]
        elif hist.has_changes():
            old = hist.deleted[0] if hist.deleted else None
            new = hist.added[0] if hist.added else None
            if not _same(old, new):
                changes[key] = [_jsonable(old), _jsonable(new)]
    return changes


def _same(old: Any, new: Any) -> bool:
    # SQLite hands back naive UTC datetimes; re-assigning the aware value (session.merge) is no change.
    if isinstance(old, datetime) and isinstance(new, datetime):
        return old.replace(tzinfo=old.tzinfo or timezone.utc) == new.replace(tzinfo=new.tzinfo or timezone.utc)
    return old == new


def _record_id(obj: Audited) -> str:
    # The identity key is not assigned yet inside after_flush, but the primary key values are.
    return ",".join(str(part) for part in inspect(obj).mapper.primary_key_from_instance(obj))


def _write(connection, obj: Audited, action: str, changes: dict[str, list[Any]]) -> None:
    session = object_session(obj)
    actor: Actor = session.info.get(ACTOR_KEY, SYSTEM) if session is not None else SYSTEM
    connection.execute(insert(AuditLog), [{
        "at": utcnow(), "user_id": actor.user_id, "actor": actor.name, "unit_id": obj.audit_unit_id(),
        "action": action, "table_name": obj.__tablename__, "record_id": _record_id(obj), "changes": changes,
    }])


# Mapper events fire for every row the flush writes, including rows removed as delete-orphans,
# which never show up in session.deleted; they run on the flush's own connection and transaction.
def _after_insert(_mapper, connection, obj) -> None:
    _write(connection, obj, "create", _column_changes(obj, "create"))


def _after_update(_mapper, connection, obj) -> None:
    changes = _column_changes(obj, "update")
    if changes:
        _write(connection, obj, "update", changes)


def _after_delete(_mapper, connection, obj) -> None:
    _write(connection, obj, "delete", _column_changes(obj, "delete"))


def record_transition(session: Session, obj: Audited, transition: str, note: str = "", **details: Any) -> None:
    """Log a workflow transition (e.g. ``received -> in_progress``) on a business record."""
    actor: Actor = session.info.get(ACTOR_KEY, SYSTEM)
    session.flush()
    session.connection().execute(insert(AuditLog), [{
        "at": utcnow(), "user_id": actor.user_id, "actor": actor.name, "unit_id": obj.audit_unit_id(),
        "action": f"transition:{transition}", "table_name": obj.__tablename__,
        "record_id": _record_id(obj),
        "changes": {"note": note, **{k: _jsonable(v) for k, v in details.items()}},
    }])


def install() -> None:
    """Attach the listeners to every ``Audited`` class, present and future (idempotent)."""
    if not event.contains(Audited, "after_insert", _after_insert):
        event.listen(Audited, "after_insert", _after_insert, propagate=True)
        event.listen(Audited, "after_update", _after_update, propagate=True)
        event.listen(Audited, "after_delete", _after_delete, propagate=True)

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

from core.db import bulk_insert
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
    if isinstance(value, (str, int, float, bool)) or value is None:
        return value
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


def log_bulk_create(session: Session, model: type[Audited], unit_id: int | None,
                    records: list[tuple[Any, dict[str, Any]]], chunk: int = 5000) -> None:
    """Audit rows for records written with Core bulk inserts (which bypass the mapper events): one per
    record, with its non-empty values, less the model's ``__audit_exclude__``."""
    actor: Actor = session.info.get(ACTOR_KEY, SYSTEM)
    now, skip = utcnow(), set(model.__audit_exclude__)
    dates = (date, datetime)
    rows = [{"at": now, "user_id": actor.user_id, "actor": actor.name, "unit_id": unit_id, "action": "create",
             "table_name": model.__tablename__, "record_id": str(record_id),
             # inlined _jsonable: this loop runs once per value of every record in the batch
             "changes": {k: [None, v.isoformat() if isinstance(v, dates) else v] for k, v in values.items()
                         if v is not None and v != "" and k not in skip}}
            for record_id, values in records]
    bulk_insert(session.connection(), AuditLog.__table__, rows, chunk)

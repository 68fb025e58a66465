"""Audit entries for records written with Core bulk inserts, which bypass the mapper events.

The database writes them itself, with one ``INSERT … SELECT`` over the rows just written: building
and encoding a JSON payload per record in Python costs more than inserting the records. Each entry
has the same shape as the mapper events' ``create`` entries: ``{column: [null, value]}`` for every
non-empty column, less the model's ``__audit_exclude__``.
"""
from __future__ import annotations

from sqlalchemy import (JSON, Boolean, DateTime, Integer, Numeric, String, case, cast, func, insert, literal,
                        literal_column, null, select, type_coerce)
from sqlalchemy.orm import Session
from sqlalchemy.sql import ColumnElement

from core.audit import ACTOR_KEY, SYSTEM, Actor
from core.models import AuditLog, Audited
from core.models.base import utcnow

# PostgreSQL functions take at most 100 arguments, SQLite's 127: 50 key/value pairs per call.
_PAIRS_PER_CALL = 50


def log_bulk_create(session: Session, model: type[Audited], where: ColumnElement[bool]) -> int:
    """Write a ``create`` entry for every row of ``model`` matching ``where``; return how many.

    ``where`` must select exactly the rows the caller has just inserted (for example by the keys it
    reserved for them): the entries say these rows were created now, by the session's actor.
    """
    table = model.__table__
    dialect = session.get_bind().dialect.name
    actor: Actor = session.info.get(ACTOR_KEY, SYSTEM)
    logged = [column for column in table.columns if column.key not in set(model.__audit_exclude__)]
    changes = (_sqlite_object if dialect == "sqlite" else _postgresql_object)(logged)
    unit = table.c[model.__unit_attribute__] if model.__unit_attribute__ else cast(null(), Integer)
    keys = list(table.primary_key.columns)
    record_id = cast(keys[0], String)
    for column in keys[1:]:
        record_id = record_id + "," + cast(column, String)
    # Cast literals: PostgreSQL reads an untyped parameter in a SELECT list as text.
    rows = select(literal(utcnow(), AuditLog.at.type), cast(literal(actor.user_id), Integer),
                  cast(literal(actor.name), String), unit, cast(literal("create"), String),
                  cast(literal(table.name), String), record_id, type_coerce(changes, JSON)).where(where)
    result = session.execute(insert(AuditLog.__table__).from_select(
        ["at", "user_id", "actor", "unit_id", "action", "table_name", "record_id", "changes"], rows),
        execution_options={"preserve_rowcount": True})
    return result.rowcount


def _is_empty(column) -> ColumnElement[bool]:
    if isinstance(column.type, String):
        return (column.is_(None)) | (column == "")
    return column.is_(None)


def _key(column):
    return literal_column("'" + column.key.replace("'", "''") + "'")


def _sqlite_object(columns) -> ColumnElement:
    # json_patch drops the members whose value is null (RFC 7396), i.e. the empty columns.
    merged = literal_column("'{}'")
    for start in range(0, len(columns), _PAIRS_PER_CALL):
        pairs = []
        for column in columns[start:start + _PAIRS_PER_CALL]:
            value = func.json_array(null(), _sqlite_value(column))
            pairs += [_key(column), case((_is_empty(column), null()), else_=value)]
        merged = func.json_patch(merged, func.json_object(*pairs))
    return merged


def _sqlite_value(column):
    """The value as the mapper events log it: ISO datetimes, true/false, nested JSON, decimals as text."""
    if isinstance(column.type, Numeric):
        return cast(column, String)
    if isinstance(column.type, DateTime):
        iso = func.replace(column, " ", "T")
        return iso + "+00:00" if column.type.timezone else iso  # stored as naive UTC
    if isinstance(column.type, Boolean):
        return func.json(case((column, "true"), else_="false"))
    if isinstance(column.type, JSON):
        return func.json(column)
    return column


def _postgresql_object(columns) -> ColumnElement:
    if len(columns) <= _PAIRS_PER_CALL:  # json keeps the columns' order; jsonb would sort the keys
        return func.json_strip_nulls(func.json_build_object(*_postgresql_pairs(columns, func.json_build_array)))
    merged = None
    for start in range(0, len(columns), _PAIRS_PER_CALL):
        part = func.jsonb_build_object(*_postgresql_pairs(columns[start:start + _PAIRS_PER_CALL], func.jsonb_build_array))
        merged = part if merged is None else merged.op("||")(part)
    return cast(func.jsonb_strip_nulls(merged), JSON)


def _postgresql_pairs(columns, build_array) -> list:
    pairs = []
    for column in columns:
        value = cast(column, String) if isinstance(column.type, Numeric) else column
        pairs += [_key(column), case((_is_empty(column), null()), else_=build_array(null(), value))]
    return pairs

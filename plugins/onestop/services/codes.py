"""Dossier codes ``{unit code}-{yyMMdd}-{NNNN}``: unique and gap-free per unit and day.

The counter row for (unit, day) is incremented with one ``INSERT … ON CONFLICT DO UPDATE …
RETURNING`` statement. It holds the row lock until the receiving transaction ends, so concurrent
clerks queue on it, and a receipt that rolls back takes its number back with it: no gaps.
"""
from __future__ import annotations

from datetime import date

from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from plugins.onestop.models import DossierCounter


def _upsert(session: Session):
    dialect = session.get_bind().dialect.name
    return (postgresql.insert if dialect == "postgresql" else sqlite.insert)(DossierCounter)


def reserve_sequences(session: Session, unit_id: int, day: date, count: int = 1) -> range:
    """Reserve ``count`` consecutive numbers for ``unit_id`` on ``day``; return them."""
    table = DossierCounter.__table__
    statement = _upsert(session).values(unit_id=unit_id, day=day, last=count)
    statement = statement.on_conflict_do_update(
        index_elements=[table.c.unit_id, table.c.day], set_={"last": table.c.last + count}
    ).returning(table.c.last)
    last = session.execute(statement).scalar_one()
    return range(last - count + 1, last + 1)


def code_prefix(unit_code: str, day: date) -> str:
    """The part of the code shared by a unit's dossiers of one day."""
    return f"{unit_code}-{day:%y%m%d}-"


def format_code(unit_code: str, day: date, sequence: int) -> str:
    return f"{code_prefix(unit_code, day)}{sequence:04d}"


__all__ = ["code_prefix", "format_code", "reserve_sequences"]

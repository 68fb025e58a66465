"""log_bulk_create: the database writes the audit entries of rows inserted in bulk."""
from datetime import date, datetime, timezone
from decimal import Decimal

import pytest
from sqlalchemy import JSON, Boolean, Date, DateTime, Integer, Numeric, String, insert, select
from sqlalchemy.orm import DeclarativeBase, mapped_column

from core.audit import Actor, _jsonable
from core.models import AuditLog, Audited
from core.toolkit import log_bulk_create

WIDE = 60  # more than one json_build_object call can take on PostgreSQL (100 arguments)


class _Scratch(DeclarativeBase):
    pass


WideRecord = type("WideRecord", (Audited, _Scratch), {
    "__tablename__": "test_wide_record", "__audit_exclude__": ("secret",),
    "id": mapped_column(Integer, primary_key=True), "unit_id": mapped_column(Integer),
    "secret": mapped_column(String(20)), "flag": mapped_column(Boolean), "data": mapped_column(JSON),
    "fee": mapped_column(Numeric(14, 0)), "day": mapped_column(Date), "at": mapped_column(DateTime(timezone=True)),
    **{f"s{i:02d}": mapped_column(String(40)) for i in range(WIDE)},
})


@pytest.fixture
def wide_table(state):
    WideRecord.__table__.create(state.db.engine)
    yield WideRecord.__table__
    WideRecord.__table__.drop(state.db.engine)


def _row(i: int) -> dict:
    row = {"id": i, "unit_id": 7, "secret": "KHONGLOG", "flag": i % 2 == 0, "data": {"tên": "Hà Nội", "n": [1, 2]},
           "fee": Decimal(150000 + i), "day": date(2026, 2, 12), "at": datetime(2026, 2, 12, 2, 30, i, tzinfo=timezone.utc)}
    row |= {f"s{k:02d}": (f"giá trị {k}" if k % 3 else "") for k in range(WIDE)}
    row["s01"] = None
    return row


def test_entries_hold_every_non_empty_column_as_the_mapper_events_log_it(state, wide_table):
    rows = [_row(i) for i in (1, 2, 3)]
    with state.transaction(Actor(42, "nhapkhoi")) as s:
        s.execute(insert(wide_table), rows)
        assert log_bulk_create(s, WideRecord, wide_table.c.id.in_([1, 2])) == 2  # only the rows asked for
    with state.transaction() as s:
        entries = s.scalars(select(AuditLog).where(AuditLog.table_name == "test_wide_record")
                            .order_by(AuditLog.record_id)).all()
    assert [(e.record_id, e.action, e.unit_id, e.user_id, e.actor) for e in entries] == [
        ("1", "create", 7, 42, "nhapkhoi"), ("2", "create", 7, 42, "nhapkhoi")]
    for entry, row in zip(entries, rows):
        changes = dict(entry.changes)
        assert datetime.fromisoformat(changes.pop("at")[1]) == row["at"]
        expected = {k: [None, _jsonable(v)] for k, v in row.items() if v not in (None, "") and k not in ("secret", "at")}
        assert changes == expected
        assert changes["flag"] == [None, row["flag"]] and changes["data"] == [None, {"tên": "Hà Nội", "n": [1, 2]}]
        assert "s00" not in changes and "s01" not in changes and changes["s02"] == [None, "giá trị 2"]


def test_entries_roll_back_with_the_rows(state, wide_table):
    with pytest.raises(RuntimeError), state.transaction() as s:
        s.execute(insert(wide_table), [_row(1)])
        log_bulk_create(s, WideRecord, wide_table.c.id == 1)
        raise RuntimeError("abort")
    with state.transaction() as s:
        assert s.scalar(select(AuditLog.id).where(AuditLog.table_name == "test_wide_record")) is None

import pytest
from sqlalchemy import delete, select, text, update
from sqlalchemy.exc import DBAPIError

from core.audit import Actor
from core.models import AuditLog, Unit
from core.services.units import create_unit


def _log(state, table, record_id):
    with state.transaction() as s:
        return list(s.scalars(select(AuditLog).where(AuditLog.table_name == table, AuditLog.record_id == str(record_id))
                              .order_by(AuditLog.id)))


def test_create_update_delete_are_logged_with_old_and_new_values(state, user_factory):
    admin = user_factory("auditor")
    actor = Actor(admin.id, admin.username)
    with state.transaction(actor) as s:
        unit = create_unit(s, "P1", "Phòng Một")
    with state.transaction(actor) as s:
        s.get(Unit, unit.id).name = "Phòng Một (mới)"
    with state.transaction(actor) as s:
        s.delete(s.get(Unit, unit.id))
    entries = _log(state, "core_unit", unit.id)
    assert [e.action for e in entries] == ["create", "update", "delete"]
    assert entries[0].changes["code"] == [None, "P1"]
    assert entries[1].changes == {"name": ["Phòng Một", "Phòng Một (mới)"]}
    assert entries[2].changes["name"] == ["Phòng Một (mới)", None]
    assert all(e.user_id == admin.id and e.actor == "auditor" and e.unit_id == unit.id for e in entries)


def test_rolled_back_change_leaves_no_log(state):
    with pytest.raises(RuntimeError):
        with state.transaction() as s:
            create_unit(s, "GONE", "Sẽ bị huỷ")
            raise RuntimeError("abort")
    with state.transaction() as s:
        assert s.scalar(select(Unit).where(Unit.code == "GONE")) is None
        assert s.scalar(select(AuditLog).where(AuditLog.table_name == "core_unit")) is None


def test_password_hashes_never_reach_the_log(state, user_factory):
    user = user_factory("kin")
    entry = _log(state, "core_user", user.id)[0]
    assert "password_hash" not in entry.changes
    assert entry.changes["username"] == [None, "kin"]


@pytest.mark.parametrize("statement", [
    update(AuditLog).values(actor="forged"),
    delete(AuditLog),
])
def test_log_is_append_only_in_the_database(state, statement):
    with state.transaction() as s:
        create_unit(s, "AO", "Append only")
    with pytest.raises(DBAPIError, match="append-only"):
        with state.transaction() as s:
            s.execute(statement)
    with state.transaction() as s:
        assert s.scalar(select(AuditLog.actor).where(AuditLog.table_name == "core_unit")) == "system"


def test_log_cannot_be_truncated_on_postgresql(state):
    if state.db.backend != "postgresql":
        # SQLite has no TRUNCATE statement; its DELETE guard is the test above.
        assert state.db.backend == "sqlite"
        return
    with pytest.raises(DBAPIError, match="append-only"):
        with state.transaction() as s:
            s.execute(text("TRUNCATE core_audit_log"))


def test_records_removed_as_delete_orphans_are_logged(state):
    from datetime import date

    from core.models import Plan, PlanTask
    with state.transaction() as s:
        unit = create_unit(s, "OR", "Phòng có kế hoạch")
        plan = Plan(unit_id=unit.id, number="1", symbol="KH-VP", title="Kế hoạch", year=2026)
        plan.tasks.append(PlanTask(unit_id=unit.id, title="Việc bị bỏ", due_date=date(2026, 3, 2)))
        s.add(plan)
    with state.transaction() as s:
        plan = s.get(Plan, plan.id)
        task_id = plan.tasks[0].id
        plan.tasks.clear()  # delete-orphan: never in session.deleted
    entries = _log(state, "core_plan_task", task_id)
    assert [e.action for e in entries] == ["create", "delete"]
    assert entries[1].changes["title"] == ["Việc bị bỏ", None]


def test_merging_an_unchanged_record_logs_nothing(state):
    with state.transaction() as s:
        unit = create_unit(s, "MG", "Không đổi")
    with state.transaction() as s:
        s.merge(unit)  # carries the timezone-aware created_at back over SQLite's naive one
    assert [e.action for e in _log(state, "core_unit", unit.id)] == ["create"]

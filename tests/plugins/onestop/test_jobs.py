"""The reminders job: due soon and overdue dossiers are notified once; lateness is emitted once per dossier."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import select

import plugins.onestop.jobs as jobs
from core.models import Notification
from plugins.onestop.models import Dossier, DossierAlert
from plugins.onestop.services.workflow import transition
from tests.plugins.onestop.admin_world import received, world  # noqa: F401
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP
MON_2_FEB_2026 = datetime(2026, 2, 2, 2, 0, tzinfo=timezone.utc)
TUE_24_FEB_2026 = datetime(2026, 2, 24, 1, 0, tzinfo=timezone.utc)  # 08:00 in Hà Nội


@pytest.fixture
def people(world, user_factory):
    return {
        "handler": user_factory("xuly", roles=[(world.office, "onestop.handler")]).id,
        "clerk": user_factory("motcua", roles=[(world.office, "onestop.clerk")]).id,
        "clerk2": user_factory("motcua2", roles=[(world.office, "onestop.clerk")]).id,
        "leader": user_factory("lanhdao", roles=[(world.office, "onestop.leader")]).id,
        "foreign_clerk": user_factory("khac", roles=[(world.other, "onestop.clerk")]).id,
    }


@pytest.fixture
def dossiers(world, people, state):
    due_handled = received(state, world.office, world.permit, name="Có người xử lý")        # appointment 26/02/2026
    due_unhandled = received(state, world.office, world.permit, name="Chưa giao")           # appointment 26/02/2026
    late = received(state, world.office, world.permit, name="Quá hạn", now=MON_2_FEB_2026)   # appointment 09/02/2026
    paused = received(state, world.office, world.permit, name="Chờ bổ sung", now=MON_2_FEB_2026)
    later = received(state, world.office, world.renew, name="Còn xa")                        # 10 working days
    foreign = received(state, world.other, world.foreign, name="Sở khác", now=MON_2_FEB_2026)
    with state.transaction() as s:
        for dossier in (due_handled, late):
            transition(s, state.settings, s.get(Dossier, dossier.id), "assign", None, handler_id=people["handler"],
                       now=MON_2_FEB_2026)
        transition(s, state.settings, s.get(Dossier, paused.id), "request_supplement", None, "Thiếu", now=MON_2_FEB_2026,
                   missing_documents=["Bản sao"])
    return {"due_handled": due_handled, "due_unhandled": due_unhandled, "late": late, "paused": paused,
            "later": later, "foreign": foreign}


def inbox(state) -> list[tuple[int, str]]:
    with state.transaction() as s:
        return sorted((n.user_id, n.title) for n in s.scalars(select(Notification)))


@pytest.fixture
def emitted(monkeypatch):
    events = []
    original = jobs.emit

    def record(session, event):
        events.append(event)
        original(session, event)

    monkeypatch.setattr(jobs, "emit", record)
    return events


def test_due_soon_and_overdue_dossiers_are_notified_once_and_lateness_emitted_once(world, people, dossiers, state,
                                                                                    emitted):
    with state.transaction() as s:
        report = jobs.remind(s, state.settings, [world.office.id], TUE_24_FEB_2026)
    assert (report.due_soon, report.overdue, report.late_events) == (2, 1, 1)
    d = dossiers
    assert inbox(state) == sorted([
        (people["handler"], f"Hồ sơ {d['due_handled'].code} đến hạn trả ngày 26/02/2026"),
        (people["clerk"], f"Hồ sơ {d['due_unhandled'].code} đến hạn trả ngày 26/02/2026"),
        (people["clerk2"], f"Hồ sơ {d['due_unhandled'].code} đến hạn trả ngày 26/02/2026"),
        (people["handler"], f"Hồ sơ {d['late'].code} đã quá hạn"),
    ])  # not the leader, not the paused or far-off dossiers, not another unit's
    assert [(e.kind, e.subject, e.payload["code"], e.payload["days_late"]) for e in emitted] == [
        ("onestop.dossier_late", f"onestop_dossier:{d['late'].id}", d["late"].code, 15)]

    with state.transaction() as s:
        again = jobs.remind(s, state.settings, [world.office.id], TUE_24_FEB_2026.replace(hour=5))
    assert (again.due_soon, again.overdue, again.notifications, again.late_events) == (2, 1, 0, 0)
    assert len(emitted) == 1 and len(inbox(state)) == 4


def test_a_dossier_resolved_in_time_or_waiting_for_a_supplement_is_left_alone(world, people, dossiers, state, emitted):
    with state.transaction() as s:
        transition(s, state.settings, s.get(Dossier, dossiers["late"].id), "resolve", None, now=TUE_24_FEB_2026)
        report = jobs.remind(s, state.settings, [world.office.id], TUE_24_FEB_2026)
    assert report.overdue == 0 and emitted == []
    assert all("Chờ bổ sung" not in title for _, title in inbox(state))


def test_the_job_is_registered_and_runs_for_the_units_where_the_plugin_is_enabled(world, people, dossiers, state, cli):
    result = cli("jobs", "run-once", "onestop.reminders")
    assert result.exit_code == 0, result.output
    with state.transaction() as s:
        late = {a.dossier_id for a in s.scalars(select(DossierAlert))}
    # Run today (after February 2026), every running dossier of both units is late; the paused one is not.
    expected = {dossiers[k].id for k in ("due_handled", "due_unhandled", "late", "later", "foreign")}
    assert late == expected
    titles = inbox(state)
    assert (people["foreign_clerk"], f"Hồ sơ {dossiers['foreign'].code} đã quá hạn") in titles
    assert (people["handler"], f"Hồ sơ {dossiers['late'].code} đã quá hạn") in titles
    assert "onestop.reminders" in cli("jobs", "list").output

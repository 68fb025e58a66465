"""The contract hooks of the ISO 9001 plugin: dashboard cards, shared calendar, reform report, metrics,
reminder jobs, events on nonconformities raised and closed; and the per-unit enablement they respect."""
import re
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest
from sqlalchemy import select

import plugins.iso9001 as iso9001
from core.models import Notification
from core.reports import Period, build_report
from core.scheduling.shared_calendar import gather_events
from plugins.iso9001 import jobs
from plugins.iso9001.models import Nonconformity, Programme, Template
from plugins.iso9001.services import nonconformity, programme as programmes, reviews, scope as scopes
from tests.plugins.iso9001 import recorder
from tests.plugins.iso9001.recorder import plugin as recorder_hooks
from tests.plugins.iso9001.world import page, world  # noqa: F401

pytestmark = pytest.mark.cchc_plugins(iso9001, recorder)


@pytest.fixture(autouse=True)
def _fresh_events():
    recorder_hooks.EVENTS.clear()


def card(html: str, title: str) -> str:
    found = re.search(re.escape(title) + r'</div>\s*<div class="h3 mb-1">(?:<a [^>]*>)?([^<]+)', html)
    return found.group(1).strip() if found else ""


def _open_nc_with_overdue_action(state, world, raised_on):
    with state.transaction() as s:
        nc = nonconformity.raise_nc(s, s.merge(world.kt), description="Thiếu sổ", raised_on=raised_on, clause="7.5.3")
        nonconformity.add_action(s, nc, description="Lập sổ", owner_id=world.auditee.id,
                                 due_date=raised_on + timedelta(days=5))
        return nc.id


def test_hook_dashboard_cards_calendar_report_and_metrics(world, state, login):
    today = datetime.now(ZoneInfo("Asia/Ho_Chi_Minh")).date()  # the office's day, as the dashboard counts it
    with state.transaction() as s:
        for unit in (world.kt, world.hc):
            scopes.save_scope(s, s.merge(unit), today, statement="Mọi thủ tục")
        plan = programmes.create_programme(s, s.merge(world.office), year=today.year, number="7", symbol="KH-ISO")
        start = date(today.year, 1, 15)
        audit = programmes.create_audit(s, plan, s.merge(world.kt), template=s.scalar(select(Template)),
                                        lead_auditor_id=world.lead.id, starts_on=start, ends_on=start,
                                        scope_clauses="9.2")
        audit_id = audit.id
    _open_nc_with_overdue_action(state, world, today - timedelta(days=30))

    home = page(login(world.manager), "/admin/")
    assert "Điểm không phù hợp đang xử lý (ISO)" in home and "Hành động khắc phục quá hạn (ISO)" in home
    assert f"Cuộc đánh giá nội bộ năm {today.year}" in home
    assert "1 đơn vị trong phạm vi chưa có cuộc đánh giá" in home  # HCTC
    assert card(home, "Điểm không phù hợp đang xử lý (ISO)") == "1"
    assert card(home, "Hành động khắc phục quá hạn (ISO)") == "1"
    assert card(page(login(world.hc_auditee), "/admin/"), "Điểm không phù hợp đang xử lý (ISO)") == "0"  # HCTC's

    with state.transaction() as s:
        units = [s.merge(world.office), s.merge(world.kt), s.merge(world.hc)]
        events = gather_events(s, date(today.year, 1, 1), date(today.year, 12, 31), units)
        uids = {e.uid for e in events}
        assert f"iso9001-audit-{audit_id}" in uids and any(u.startswith("iso9001-action-") for u in uids)
        assert f"iso9001-review-due-{world.office.id}-{today.year}" in uids
        period = Period(date(today.year, 1, 1), date(today.year, 12, 31))
        report = build_report(s, period, units)
        section = next(sec for sec in report.sections if sec.plugin == "iso9001")
        assert "tại 2 đơn vị trong phạm vi" in section.paragraphs[0] and "phát hiện 1 điểm không phù hợp" in \
            section.paragraphs[1]
        from core.plugins import dispatch_for_units
        metrics = {m.name: m.value for m in dispatch_for_units(s, "report_metrics", units, period=period)}
        assert metrics["iso9001.open_nonconformities"] == 1 and metrics["iso9001.overdue_actions"] == 1


def test_hook_calendar_events_not_for_a_unit_where_the_plugin_is_off(world, state, unit_factory):
    bare = unit_factory("SO-TC", "Sở Tài chính")
    with state.transaction() as s:
        assert gather_events(s, date(2026, 1, 1), date(2026, 12, 31), [s.merge(bare)]) == []


def test_hook_register_jobs_reminds_owners_and_managers_once(world, state):
    today = date(2026, 11, 20)
    nc_id = _open_nc_with_overdue_action(state, world, today - timedelta(days=30))
    with state.transaction() as s:
        specs = [spec for name, found in state.registry.call_each("register_jobs") for spec in found or []]
        assert [spec.name for spec in specs] == ["iso9001.reminders"]
    now = datetime(2026, 11, 20, 1, 0, tzinfo=timezone.utc)
    unit_ids = [world.office.id, world.kt.id, world.hc.id]
    with state.transaction() as s:
        report = jobs.remind(s, unit_ids, now)
    assert report.overdue == 1 and report.warnings >= 1  # no management review held in 2026 by November
    with state.transaction() as s:
        titles = {(n.user_id, n.title) for n in s.scalars(select(Notification))}
        reference = s.get(Nonconformity, nc_id).reference
    assert (world.auditee.id, f"Hành động khắc phục {reference} đã quá hạn") in titles
    assert (world.manager.id, f"Hành động khắc phục {reference} đã quá hạn") in titles
    assert (world.manager.id, "Chưa tổ chức xem xét của lãnh đạo năm 2026") in titles
    with state.transaction() as s:
        again = jobs.remind(s, unit_ids, now)
    assert again.notifications == 0  # once per action and due date


def test_hook_handle_event_receives_nc_raised_and_closed(world, state, unit_factory):
    watched = unit_factory("VP-TD", "Phòng theo dõi", parent=world.office, plugins=("iso9001", "isorecorder"))
    with state.transaction() as s:
        nc = nonconformity.raise_nc(s, s.merge(watched), description="Sai sót", raised_on=date(2026, 3, 2))
        nonconformity.update_analysis(s, nc, root_cause="Thiếu kiểm tra chéo")
        for stage in ("analysis", "action_plan"):
            nonconformity.transition(s, nc, stage, world.manager.id, today=date(2026, 3, 3))
        action = nonconformity.add_action(s, nc, description="Kiểm tra chéo", owner_id=world.auditee.id,
                                          due_date=date(2026, 3, 30))
        nonconformity.transition(s, nc, "open", world.manager.id, today=date(2026, 3, 4))
        nonconformity.report_action(s, action, status="done", result="Đã làm", today=date(2026, 3, 20))
        nonconformity.verify(s, nc, world.lead.id, evaluation="Hiệu lực", effective=True, today=date(2026, 4, 1))
        nonconformity.transition(s, nc, "done", world.manager.id, today=date(2026, 4, 1))
        nc_id = nc.id
    kinds = [(e.kind, e.subject) for e in recorder_hooks.EVENTS]
    assert kinds == [("iso9001.nc_raised", f"iso9001_nonconformity:{nc_id}"),
                     ("iso9001.nc_closed", f"iso9001_nonconformity:{nc_id}")]
    with state.transaction() as s:  # a unit without the recorder: its events do not reach it
        nonconformity.raise_nc(s, s.merge(world.kt), description="Khác", raised_on=date(2026, 3, 2))
    assert len(recorder_hooks.EVENTS) == 2


def test_hook_on_unit_enabled_seeds_one_template_per_organisation(world, state, unit_factory):
    unit_factory("VP-MOI", "Phòng mới", parent=world.office, plugins=("iso9001",))
    with state.transaction() as s:
        owners = list(s.scalars(select(Template.unit_id).order_by(Template.id)))
    assert owners == [world.office.id, world.other.id]


def test_review_reminder_follows_the_rule_month(world, state):
    with state.transaction() as s:
        office = s.merge(world.office)
        assert not reviews.review_missing(s, office, date(2026, 9, 30))  # before October: not yet
        assert reviews.review_missing(s, office, date(2026, 10, 1))
        review = reviews.create_review(s, office, held_on=date(2026, 10, 5), today=date(2026, 10, 5))
        reviews.add_decision(s, review, decision="Duy trì")
        reviews.close_review(s, review, notes="", today=date(2026, 10, 5))
        assert not reviews.review_missing(s, office, date(2026, 10, 6))
        assert s.scalar(select(Programme.id)) is None

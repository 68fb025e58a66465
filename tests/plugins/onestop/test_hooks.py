"""The one-stop contract hooks as the core calls them: shared calendar, reform report, home page, events."""
import html
import re
import sys
import types
from datetime import date, datetime, timedelta, timezone

import pytest
from sqlalchemy import select

import plugins.onestop as onestop
from core.plugins import dispatch_for_units
from core.reports import build_report, quarter
from core.scheduling.jobs import JobRegistry, Runner, sync_states
from core.services.enablement import disable_plugin
from core.toolkit import hookimpl
from plugins.onestop.models import Dossier, DossierAlert, Submission
from plugins.onestop.services.bulk import receive_many
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from plugins.onestop.services.clock import OFFICE_TZ
from plugins.onestop.services.intake import Applicant, IntakeRequest, ReceivedDocument
from plugins.onestop.services.workflow import transition
from tests.plugins.onestop.admin_world import received


def utc(y, m, d, hour=2):  # 02:00 UTC is 09:00 in Hà Nội
    return datetime(y, m, d, hour, 0, tzinfo=timezone.utc)


THU_12_FEB, FRI_13_FEB, THU_26_FEB, FRI_27_FEB = utc(2026, 2, 12), utc(2026, 2, 13), utc(2026, 2, 26), utc(2026, 2, 27)
DOCUMENTS = [("Đơn đề nghị theo mẫu", 1, 0, 0)]

# Another programme listening to the one-stop events: it depends on onestop and only implements handle_event.
HEARD: list[tuple] = []
LISTENER = types.ModuleType("onestop_listener")
LISTENER.MANIFEST = {"name": "listener", "version": "1.0", "label": "Phân hệ nghe sự kiện", "depends": ["onestop"]}
LISTENER_HOOKS = types.ModuleType("onestop_listener.plugin")


@hookimpl
def _handle_event(session, event):
    HEARD.append((event.kind, event.unit_id, event.subject, dict(event.payload)))


LISTENER_HOOKS.handle_event = _handle_event


@pytest.fixture
def cchc_plugins(monkeypatch):
    monkeypatch.setitem(sys.modules, LISTENER.__name__, LISTENER)
    monkeypatch.setitem(sys.modules, LISTENER_HOOKS.__name__, LISTENER_HOOKS)
    HEARD.clear()
    return [onestop, LISTENER]


@pytest.fixture
def world(state, unit_factory, user_factory):
    """The office (2 fields, 3 active procedures), another unit, and a unit whose onestop will be switched off."""
    office = unit_factory("H15.50", "Văn phòng UBND tỉnh", plugins=("onestop", "listener"))
    other = unit_factory("H15.99", "Sở Khác", plugins=("onestop", "listener"))
    off = unit_factory("H15.77", "Sở đã tắt một cửa", plugins=("onestop",))
    with state.transaction() as s:
        permit = {}
        for unit, code in ((office, "1.000001"), (other, "9.000001"), (off, "7.000001")):
            land = get_or_create_field(s, unit.id, "LV01", "Đất đai")
            permit[unit.id] = save_procedure(s, unit.id, ProcedureSpec(code, "Cấp giấy phép khai thác", "LV01", 5,
                                                                       documents=DOCUMENTS), land).id
        build = get_or_create_field(s, office.id, "LV02", "Xây dựng")
        renew = save_procedure(s, office.id, ProcedureSpec("1.000002", "Gia hạn giấy phép", "LV02", 10), build).id
        save_procedure(s, office.id, ProcedureSpec("1.000003", "Cấp lại giấy phép", "LV02", 5), build)
        save_procedure(s, office.id, ProcedureSpec("1.000004", "Thủ tục đã bãi bỏ", "LV02", 5), build).active = False
    handler = user_factory("xuly", roles=[(office, "onestop.handler"), (other, "onestop.handler")]).id
    return types.SimpleNamespace(office=office, other=other, off=off, permit=permit, renew=renew, handler=handler)


def act(state, world, dossier_id, *actions, at=None):
    for action in actions:
        with state.transaction() as s:
            details = {"handler_id": world.handler} if action == "assign" else {}
            note = "Người nộp xin rút hồ sơ" if action == "withdraw" else ""
            transition(s, state.settings, s.get(Dossier, dossier_id), action, None, note, now=at, **details)


def switch_off(state, unit):
    with state.transaction() as s:
        disable_plugin(s, state.registry, "onestop", s.merge(unit))


def text(response) -> str:
    assert response.status_code == 200
    return html.unescape(response.get_data(as_text=True))


def cell(page: str, day: date) -> str:
    return re.search(rf'data-day="{day.isoformat()}">(.*?)</td>', page, re.S).group(1)


def test_calendar_counts_open_appointments_per_unit_and_day(world, state, user_factory, login):
    office, other, off = world.office, world.other, world.off
    for _ in range(2):
        appointment = received(state, office, world.permit[office.id]).appointment_on  # 26/02/2026
    in_progress = received(state, office, world.permit[office.id])
    act(state, world, in_progress.id, "assign", at=FRI_13_FEB)
    later = received(state, office, world.renew).appointment_on
    act(state, world, received(state, office, world.permit[office.id]).id, "assign", "resolve", "return", at=FRI_13_FEB)
    act(state, world, received(state, office, world.permit[office.id]).id, "withdraw", at=FRI_13_FEB)
    received(state, other, world.permit[other.id])
    received(state, off, world.permit[off.id])
    switch_off(state, off)
    assert appointment == date(2026, 2, 26) and later > appointment

    with state.transaction() as s:
        events = dispatch_for_units(s, "calendar_events", [office, other, off], start=date(2026, 2, 1),
                                    end=date(2026, 3, 31))
        assert all(e.plugin == "onestop" for e in events)
        assert sorted((e.start, e.unit_id, e.title, e.uid) for e in events) == sorted([
            (appointment, office.id, "Hẹn trả 3 hồ sơ một cửa", f"onestop-appointments-{office.id}-20260226"),
            (appointment, other.id, "Hẹn trả 1 hồ sơ một cửa", f"onestop-appointments-{other.id}-20260226"),
            (later, office.id, "Hẹn trả 1 hồ sơ một cửa", f"onestop-appointments-{office.id}-{later:%Y%m%d}"),
        ])  # not the returned or withdrawn dossiers, nothing from the unit where onestop is off
        assert dispatch_for_units(s, "calendar_events", [office], start=later, end=later)[0].start == later
        assert dispatch_for_units(s, "calendar_events", [office], start=date(2026, 2, 27),
                                  end=later - timedelta(days=1)) == []
        assert dispatch_for_units(s, "calendar_events", [off], start=date(2026, 2, 1), end=date(2026, 3, 31)) == []

    client = login(user_factory("lich", roles=[(office, "core.staff"), (off, "core.staff")]))
    page = text(client.get("/admin/calendar/?date=2026-02-26"))
    day = cell(page, appointment)
    assert day.count("Hẹn trả") == 1 and "Hẹn trả 3 hồ sơ một cửa" in day  # the other unit is not mine
    assert 'href="/admin/onestop_dossiers/?flt1_appointment_on_equals=2026-02-26"' in day
    assert "Hẹn trả 1 hồ sơ một cửa" in cell(text(client.get(f"/admin/calendar/?date={later}")), later)


def test_report_section_is_built_from_the_periods_dossiers(world, state, user_factory, login):
    office, other, off = world.office, world.other, world.off
    permit = world.permit[office.id]
    received(state, office, permit, now=utc(2025, 12, 15))                    # carried over, still pending: overdue
    early = received(state, office, permit, channel="online")                 # online, resolved early
    act(state, world, early.id, "assign", "resolve", at=FRI_13_FEB)
    on_time = received(state, office, permit)
    act(state, world, on_time.id, "assign", "resolve", at=THU_26_FEB)
    late = received(state, office, permit)
    act(state, world, late.id, "assign", "resolve", "return", at=FRI_27_FEB)
    received(state, office, permit, now=utc(2026, 3, 25))                     # due 01/04: pending within the limit
    received(state, office, permit)                                           # due 26/02: pending overdue
    act(state, world, received(state, office, permit).id, "withdraw", at=FRI_13_FEB)  # received, then closed
    received(state, office, permit, now=utc(2026, 4, 2))                      # next quarter
    received(state, other, world.permit[other.id])
    received(state, off, world.permit[off.id])
    with state.transaction() as s:
        for unit, number, day in ((office, "01", date(2026, 1, 10)), (office, "02", date(2026, 3, 31)),
                                  (office, "03", date(2026, 4, 1)), (other, "01", date(2026, 2, 2)),
                                  (off, "01", date(2026, 2, 2))):
            s.add(Submission(unit_id=unit.id, number=number, submitted_on=day, sender="Sở Tài chính",
                             subject="Đề nghị thẩm định"))
    switch_off(state, off)
    expected = [
        "Đang thực hiện giải quyết thủ tục hành chính theo cơ chế một cửa gồm 2 lĩnh vực với 3 thủ tục hành chính.",
        "Trong kỳ, Bộ phận tiếp nhận và trả kết quả đã tiếp nhận 7 hồ sơ (kỳ trước chuyển sang 1, trực tuyến 1, "
        "trực tiếp và bưu chính 5); đã giải quyết 3 hồ sơ, trong đó đúng hạn và trước hạn 2, quá hạn 1, đạt tỷ lệ "
        "66,7%; đang giải quyết 3 hồ sơ (trong hạn 1, quá hạn 2).",
        "Tiếp nhận 2 tờ trình, kiến nghị và chuyển lãnh đạo Văn phòng xử lý.",
    ]
    with state.transaction() as s:
        [section] = build_report(s, quarter(2026, 1), [office]).sections
        assert (section.title, section.plugin, section.paragraphs) == ("Cơ chế một cửa", "onestop", expected)
        metrics = dispatch_for_units(s, "report_metrics", [office], period=quarter(2026, 1))
        assert {m.name: m.value for m in metrics} == {"onestop.on_time_rate": 66.7, "onestop.received": 7,
                                                      "onestop.resolved_late": 1}
        [both] = build_report(s, quarter(2026, 1), [office, other, off]).sections  # off: nothing from H15.77
        assert both.paragraphs[0].endswith("gồm 3 lĩnh vực với 4 thủ tục hành chính.")
        assert "tiếp nhận 8 hồ sơ (kỳ trước chuyển sang 1, trực tuyến 1, trực tiếp và bưu chính 6)" in both.paragraphs[1]
        assert both.paragraphs[2].startswith("Tiếp nhận 3 tờ trình")
        assert build_report(s, quarter(2026, 1), [off]).sections == []

    client = login(user_factory("baocao", roles=[(office, "core.staff"), (other, "core.staff")]))
    page = text(client.get("/admin/report/", query_string={"year": "2026", "quarter": "1", "unit": str(office.id)}))
    assert "1. Cơ chế một cửa" in page
    assert all(f"<p>{paragraph}</p>" in page for paragraph in expected)


def cards(page: str) -> dict[str, tuple[str, str]]:
    found = re.findall(r'<div class="text-muted small">(.*?)</div>\s*<div class="h3 mb-1">(?:<a href="[^"]*">)?'
                       r'(.*?)(?:</a>)?</div>\s*(?:<div class="small">(.*?)</div>)?', page, re.S)
    return {title: (value, hint) for title, value, hint in found}


def test_dashboard_cards_count_today_overdue_and_the_quarters_on_time_rate(world, state, user_factory, login):
    office, other = world.office, world.other
    today = datetime.now(OFFICE_TZ).date()  # the office's day, which is not always the server's (UTC) day
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    now = datetime.now(timezone.utc)

    def dossier(appointment: date, *actions, unit=office, **values) -> int:
        found = received(state, unit, world.permit[unit.id], now=now)
        act(state, world, found.id, *actions, at=now)
        with state.transaction() as s:
            d = s.get(Dossier, found.id)
            d.appointment_on = appointment
            for key, value in values.items():
                setattr(d, key, value)
        return found.id

    day = timedelta(days=1)
    dossier(today)                                              # due today
    dossier(today, "assign")                                    # due today, in processing
    dossier(today - 3 * day)                                    # overdue
    dossier(today + day)                                        # due later
    dossier(today - 5 * day, "withdraw")                        # closed: neither due nor overdue
    for returned in ((), ("return",)):                         # resolved today, waiting or returned:
        dossier(today + day, "assign", "resolve", *returned)    # early
        dossier(today, "assign", "resolve", *returned)          # on time (no longer "due today")
        dossier(today - day, "assign", "resolve", *returned)    # late (no longer "overdue")
    dossier(quarter_start - 9 * day, "assign", "resolve", receipt_day=quarter_start - 20 * day,
            resolved_on=quarter_start - day)                    # late, but last quarter
    dossier(today, unit=other)                                  # another unit's

    client = login(user_factory("trangchu", roles=[(office, "onestop.clerk")]))
    assert cards(text(client.get("/admin/"))) == {
        "Hồ sơ đến hạn trả hôm nay": ("2", ""), "Hồ sơ quá hạn": ("1", ""),
        "Tỷ lệ đúng hạn quý này": ("66,7%", "6 hồ sơ đã giải quyết")}
    with state.transaction() as s:
        both = dispatch_for_units(s, "dashboard_cards", [office, other], user=None)
        assert [(c.title, c.value, c.level) for c in both] == [
            ("Hồ sơ đến hạn trả hôm nay", 3, "warning"), ("Hồ sơ quá hạn", 1, "danger"),
            ("Tỷ lệ đúng hạn quý này", "66,7%", "success")]
        quiet = dispatch_for_units(s, "dashboard_cards", [other], user=None)
        assert [(c.value, c.level) for c in quiet] == [(1, "warning"), (0, "success"), ("–", "success")]


def test_reception_and_return_are_announced_to_other_programmes(world, state):
    office = world.office
    first = received(state, office, world.permit[office.id])
    late = received(state, office, world.permit[office.id])
    assert HEARD == [
        ("onestop.dossier_received", office.id, f"onestop_dossier:{first.id}",
         {"code": "H15.50-260212-0001", "appointment": "2026-02-26"}),
        ("onestop.dossier_received", office.id, f"onestop_dossier:{late.id}",
         {"code": "H15.50-260212-0002", "appointment": "2026-02-26"})]
    HEARD.clear()
    act(state, world, first.id, "assign", "resolve", at=FRI_13_FEB)
    act(state, world, late.id, "assign", "resolve", at=FRI_27_FEB)
    assert HEARD == []  # only the return is announced
    act(state, world, first.id, "return", at=FRI_13_FEB)
    act(state, world, late.id, "return", at=FRI_27_FEB)
    assert HEARD == [
        ("onestop.dossier_returned", office.id, f"onestop_dossier:{first.id}", {"code": first.code, "late": False}),
        ("onestop.dossier_returned", office.id, f"onestop_dossier:{late.id}", {"code": late.code, "late": True})]


def test_the_reminders_job_announces_lateness_once_per_dossier(world, state):
    office, other, off = world.office, world.other, world.off
    mon_2_feb = utc(2026, 2, 2)
    late = received(state, office, world.permit[office.id], now=mon_2_feb)  # due 09/02/2026
    act(state, world, late.id, "assign", at=mon_2_feb)
    foreign = received(state, other, world.permit[other.id], now=mon_2_feb)
    received(state, office, world.permit[office.id])                        # due 26/02: only reminded
    silent = received(state, off, world.permit[off.id], now=mon_2_feb)     # onestop switched off: no job there
    switch_off(state, off)
    HEARD.clear()

    jobs = JobRegistry.collect(state)
    with state.transaction() as s:
        sync_states(s, jobs, utc(2026, 2, 23, 23), state.settings["app.timezone"])  # 06:00 on Tuesday 24/02
    for clock in (utc(2026, 2, 24, 0), utc(2026, 2, 25, 0)):  # 07:00 on Tuesday, then on Wednesday
        assert Runner(state, jobs, clock=lambda: clock + timedelta(minutes=1)).run_due() == 1
    assert sorted(HEARD) == sorted([
        ("onestop.dossier_late", office.id, f"onestop_dossier:{late.id}",
         {"code": late.code, "appointment": "2026-02-09", "handler_id": world.handler, "days_late": 15}),
        ("onestop.dossier_late", other.id, f"onestop_dossier:{foreign.id}",
         {"code": foreign.code, "appointment": "2026-02-09", "handler_id": None, "days_late": 15})])
    with state.transaction() as s:
        assert set(s.scalars(select(DossierAlert.dossier_id))) == {late.id, foreign.id}
        assert silent.id not in set(s.scalars(select(DossierAlert.dossier_id)))


def test_bulk_intake_announces_one_batch(world, state):
    office = world.office
    moments = [utc(2026, 2, 12), utc(2026, 2, 12, 3), utc(2026, 2, 13)]
    requests = [IntakeRequest(world.permit[office.id], Applicant(f"Người nộp {i}"), "counter",
                              [ReceivedDocument("Đơn đề nghị theo mẫu", 1, 0, 0)]) for i in range(3)]
    with state.transaction() as s:
        ids = receive_many(s, s.merge(office), requests, None, received_at=moments, settings=state.settings)
    assert HEARD == [("onestop.dossiers_received", office.id, "onestop_dossier:bulk",
                      {"count": 3, "first": "H15.50-260212-0001", "last": "H15.50-260213-0001"})]
    with state.transaction() as s:
        assert [s.get(Dossier, i).code for i in ids] == ["H15.50-260212-0001", "H15.50-260212-0002",
                                                         "H15.50-260213-0001"]


def test_an_apology_moves_the_return_day_on_the_calendar(state, world):
    dossier = received(state, world.office, world.permit[world.office.id], now=THU_12_FEB)  # due 26/02
    with state.transaction() as s:
        transition(s, state.settings, s.get(Dossier, dossier.id), "extend", None, "Chờ ý kiến Sở Xây dựng",
                   now=FRI_13_FEB, new_date=date(2026, 3, 6))
    with state.transaction() as s:
        events = dispatch_for_units(s, "calendar_events", [world.office.id], start=date(2026, 2, 1),
                                    end=date(2026, 3, 31))
    assert [(e.start, e.title) for e in events] == [(date(2026, 3, 6), "Hẹn trả 1 hồ sơ một cửa")]

"""Intake and the dossier workflow through the services."""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import select

from core.models import User
from core.services import ServiceError
from core.services.enablement import enable_plugin
from core.services.units import create_unit
from core.services.users import create_user, grant
from plugins.onestop.models import Dossier, Transition
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from plugins.onestop.services.intake import Applicant, IntakeRequest, ReceivedDocument, receive, register_online
from plugins.onestop.services.workflow import transition

THU_12_FEB_2026 = datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội
DOCS = [ReceivedDocument("Đơn đề nghị", 1, 0, 0)]


@pytest.fixture
def counter(service_state):
    with service_state.transaction() as s:
        unit = create_unit(s, "H15.50", "Văn phòng UBND tỉnh")
        grant(s, create_user(s, "xuly", "Matkhau#2026", "Chuyên viên xử lý"), unit, "onestop.handler")
        enable_plugin(s, service_state.registry, "onestop", unit)
        field = get_or_create_field(s, unit.id, "LV01", "Đất đai")
        pause = save_procedure(s, unit.id, ProcedureSpec("1.000001", "Cấp phép A", "LV01", 5,
                                                         documents=[("Đơn đề nghị", 1, 0, 0)]), field)
        restart = save_procedure(s, unit.id, ProcedureSpec("1.000002", "Cấp phép B", "LV01", 5,
                                                           supplement_policy="restart"), field)
    return service_state, unit, pause, restart


def _receive(state, unit, procedure, now=THU_12_FEB_2026, docs=DOCS):
    with state.transaction() as s:
        return receive(s, state.settings, s.merge(unit), IntakeRequest(procedure.id, Applicant("Nguyễn Văn An"),
                                                                         documents=docs), None, now=now)


def test_reception_gives_code_appointment_and_slip_secret(counter):
    state, unit, pause, _ = counter
    first = _receive(state, unit, pause)
    second = _receive(state, unit, pause)
    assert first.code == "H15.50-260212-0001" and second.code == "H15.50-260212-0002"
    assert first.appointment_on == date(2026, 2, 26)  # 5 working days across the Tết 2026 break
    assert len(first.lookup_secret) == 6 and first.status == "received"


def test_incomplete_dossier_is_refused_listing_what_is_missing(counter):
    state, unit, pause, _ = counter
    with pytest.raises(ServiceError, match="còn thiếu: Đơn đề nghị"):
        _receive(state, unit, pause, docs=[])
    with state.transaction() as s:
        assert s.scalar(select(Dossier.id)) is None


def _handler_id(state) -> int:
    with state.transaction() as s:
        return s.scalar(select(User.id).where(User.username == "xuly"))


def _act(state, dossier_id, action, day, note="", **details):
    with state.transaction() as s:
        return transition(s, state.settings, s.get(Dossier, dossier_id), action, None, note,
                          now=datetime(2026, 3, day, 2, 0, tzinfo=timezone.utc), **details)


def test_supplement_pauses_or_restarts_the_clock_from_the_day_it_is_handed_in(counter):
    state, unit, pause, restart = counter
    at = datetime(2026, 3, 2, 2, 0, tzinfo=timezone.utc)  # Monday 02/03/2026
    paused = _receive(state, unit, pause, now=at)
    restarted = _receive(state, unit, restart, now=at, docs=[])
    assert paused.appointment_on == date(2026, 3, 9)
    for dossier in (paused, restarted):
        _act(state, dossier.id, "assign", 2, handler_id=_handler_id(state))
        asked = _act(state, dossier.id, "request_supplement", 3, "Thiếu giấy tờ", missing_documents=["Bản sao sổ đỏ"])
        assert (asked.status, asked.supplement_by, asked.paused_on) == ("supplement_requested", "handler", date(2026, 3, 3))
        handed_in = _act(state, dossier.id, "supplement", 6)  # Friday: the applicant brings it
        assert handed_in.status == "supplement_requested" and handed_in.supplemented_on == date(2026, 3, 6)
        assert handed_in.appointment_on == asked.appointment_on, "the clock stays stopped until it is confirmed"
        done = _act(state, dossier.id, "complete_supplement", 10)  # checked the next Tuesday
        assert (done.status, done.supplement_by, done.paused_on) == ("in_progress", "", None)
    with state.transaction() as s:
        assert s.get(Dossier, paused.id).appointment_on == date(2026, 3, 12)     # +3 working days paused
        assert s.get(Dossier, restarted.id).appointment_on == date(2026, 3, 13)  # 5 working days from 06/03


def test_a_registration_the_counter_asks_to_complete_goes_back_to_waiting(counter):
    state, unit, pause, _ = counter
    with state.transaction() as s:
        registered = register_online(s, s.merge(unit), IntakeRequest(pause.id, Applicant("Trần Thị Bình")))
    asked = _act(state, registered.id, "request_supplement", 3, "Thiếu đơn", missing_documents=["Đơn đề nghị"])
    assert (asked.supplement_by, asked.paused_on) == ("counter", None)  # no appointment yet, no clock
    _act(state, registered.id, "supplement", 4)
    back = _act(state, registered.id, "complete_supplement", 4)
    assert back.status == "registered" and back.code is None


def test_second_supplement_request_and_missing_list_are_refused(counter):
    state, unit, pause, _ = counter
    dossier = _receive(state, unit, pause)
    with pytest.raises(ServiceError, match="liệt kê"):
        _act(state, dossier.id, "request_supplement", 2, "thiếu", missing_documents=[])
    _act(state, dossier.id, "request_supplement", 2, "thiếu", missing_documents=["Bản sao"])
    with pytest.raises(ServiceError, match="người nộp đã bổ sung"):
        _act(state, dossier.id, "complete_supplement", 2)  # nothing handed in yet
    _act(state, dossier.id, "supplement", 3)
    with pytest.raises(ServiceError, match="chưa nhận bổ sung"):
        _act(state, dossier.id, "supplement", 3)
    _act(state, dossier.id, "complete_supplement", 3)
    with pytest.raises(ServiceError, match="một lần"):
        _act(state, dossier.id, "request_supplement", 4, "lần hai", missing_documents=["Khác"])


def test_apology_after_the_appointment_is_refused_and_lateness_uses_the_original_date(counter):
    state, unit, pause, _ = counter
    dossier, handler_id = _receive(state, unit, pause), _handler_id(state)  # appointment 26/02/2026
    with state.transaction() as s:
        d = s.get(Dossier, dossier.id)
        transition(s, state.settings, d, "assign", None, handler_id=handler_id, now=THU_12_FEB_2026)
        with pytest.raises(ServiceError, match="chậm nhất"):
            transition(s, state.settings, d, "extend", None, "Cần xác minh thêm", new_date=date(2026, 3, 5),
                       now=datetime(2026, 2, 27, 2, tzinfo=timezone.utc))
    with state.transaction() as s:
        d = s.get(Dossier, dossier.id)
        transition(s, state.settings, d, "extend", None, "Cần xác minh thêm", new_date=date(2026, 3, 5),
                   now=datetime(2026, 2, 26, 2, tzinfo=timezone.utc))
        transition(s, state.settings, d, "resolve", None, now=datetime(2026, 3, 4, 2, tzinfo=timezone.utc))
        assert d.extended_until == date(2026, 3, 5) and d.resolved_on > d.appointment_on
        actions = [t.action for t in s.scalars(select(Transition).where(Transition.dossier_id == d.id))]
        assert actions == ["receive", "assign", "extend", "resolve"]


def test_online_registration_is_received_later_with_its_code(counter):
    state, unit, pause, _ = counter
    with state.transaction() as s:
        registered = register_online(s, s.merge(unit), IntakeRequest(pause.id, Applicant("Trần Thị Bình", "079201001234")))
        assert registered.code is None and registered.status == "registered"
    with state.transaction() as s:
        d = s.get(Dossier, registered.id)
        receive(s, state.settings, s.merge(unit), IntakeRequest(pause.id, Applicant("Trần Thị Bình"), "online", DOCS),
                None, now=THU_12_FEB_2026, dossier=d)
        assert d.code == "H15.50-260212-0001" and d.channel == "online"


def test_bad_applicant_data_is_refused_in_vietnamese(counter):
    state, unit, pause, _ = counter
    with state.transaction() as s, pytest.raises(ServiceError) as caught:
        register_online(s, s.merge(unit), IntakeRequest(pause.id, Applicant(" ", "12ab", phone="123", email="x@")))
    assert "Họ tên" in str(caught.value) and "12 chữ số" in str(caught.value) and "điện thoại" in str(caught.value)


def test_a_running_period_judges_overdue_as_of_today(counter):
    from plugins.onestop.services import statistics
    state, unit, pause, _ = counter
    _receive(state, unit, pause)  # appointment 26/02/2026
    with state.transaction() as s:
        quarter = statistics.total(statistics.compute(s, date(2026, 1, 1), date(2026, 3, 31), [unit.id],
                                                      today=date(2026, 2, 20)))
        assert (quarter.pending_within, quarter.pending_overdue) == (1, 0)
        later = statistics.total(statistics.compute(s, date(2026, 1, 1), date(2026, 3, 31), [unit.id],
                                                    today=date(2026, 4, 2)))
        assert (later.pending_within, later.pending_overdue) == (0, 1)

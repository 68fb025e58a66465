"""The workflow's rules, checked against a table written by hand from shared/domain/onestop.md.

Every state is reached through the services (never by setting the status), then every action is
tried: the expected ones succeed, every other one is refused with a clear message and changes nothing.
"""
from datetime import date, datetime, timezone

import pytest
from sqlalchemy import func, select

from core.models import User
from core.services import ServiceError
from core.services.users import create_user
from plugins.onestop.models import Dossier, ProcedureStep, Transition
from plugins.onestop.services import statistics
from plugins.onestop.services.intake import Applicant, IntakeRequest, refuse_at_counter, register_online
from plugins.onestop.services.workflow import ACTIONS, allowed_actions, transition
from tests.plugins.onestop.test_workflow import DOCS, THU_12_FEB_2026, _receive, counter  # noqa: F401  (fixture)

LATER = datetime(2026, 2, 13, 2, 0, tzinfo=timezone.utc)  # before the appointment of 26/02/2026
ENDED: set[str] = set()
EXPECTED = {
    "registered": {"refuse", "request_supplement", "withdraw"},
    "received": {"assign", "request_supplement", "withdraw", "extend"},
    "in_progress": {"assign", "request_supplement", "request_payment", "withdraw", "stop", "extend", "resolve"},
    "supplement asked": {"supplement", "withdraw", "stop", "extend"},
    "supplement handed in": {"complete_supplement", "withdraw", "stop", "extend"},
    "awaiting_payment": {"paid", "withdraw", "stop", "extend"},
    "resolved": {"return"},
    "refused": ENDED, "withdrawn": ENDED, "stopped": ENDED, "returned": ENDED,
}
PATHS = {  # how each state is reached from a received dossier ("registered"/"refused" start online)
    "received": [], "in_progress": ["assign"], "supplement asked": ["assign", "request_supplement"],
    "supplement handed in": ["assign", "request_supplement", "supplement"],
    "awaiting_payment": ["assign", "request_payment"], "resolved": ["assign", "resolve"],
    "returned": ["assign", "resolve", "return"], "withdrawn": ["withdraw"], "stopped": ["assign", "stop"],
    "registered": [], "refused": ["refuse"],
}


def _details(action: str, handler_id: int) -> dict:
    return {"assign": {"handler_id": handler_id}, "extend": {"new_date": date(2026, 3, 20)},
            "request_supplement": {"missing_documents": ["Bản sao sổ đỏ"]}}.get(action, {})


def _handler(state) -> int:
    with state.transaction() as s:
        return s.scalar(select(User.id).where(User.username == "xuly"))


def _in_state(state, unit, procedure, name: str) -> int:
    if name in ("registered", "refused"):
        with state.transaction() as s:
            dossier_id = register_online(s, s.merge(unit), IntakeRequest(procedure.id, Applicant("Lê Thị Cúc"))).id
    else:
        dossier_id = _receive(state, unit, procedure).id
    handler_id = _handler(state)
    for action in PATHS[name]:
        with state.transaction() as s:
            transition(s, state.settings, s.get(Dossier, dossier_id), action, None, "lý do", now=LATER,
                       **_details(action, handler_id))
    return dossier_id


def _snapshot(session, dossier_id):
    d = session.get(Dossier, dossier_id)
    count = session.scalar(select(func.count(Transition.id)).where(Transition.dossier_id == dossier_id))
    return d.status, d.supplement_by, d.supplemented_on, d.appointment_on, d.extended_until, d.closed_on, count


@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_each_state_allows_exactly_the_expected_actions(counter, name):  # noqa: F811
    state, unit, pause, _ = counter
    dossier_id, handler_id = _in_state(state, unit, pause, name), _handler(state)
    with state.transaction() as s:
        assert set(allowed_actions(s.get(Dossier, dossier_id))) == EXPECTED[name]
        before = _snapshot(s, dossier_id)
    for action in ACTIONS:
        session = state.db.session_factory()
        state.prepare(session)
        try:
            dossier = session.get(Dossier, dossier_id)
            if action in EXPECTED[name]:
                transition(session, state.settings, dossier, action, None, "lý do", now=LATER,
                           **_details(action, handler_id))
                assert _snapshot(session, dossier_id) != before, action
            else:
                with pytest.raises(ServiceError, match="Không thể") as refused:
                    transition(session, state.settings, dossier, action, None, "lý do", now=LATER,
                               **_details(action, handler_id))
                assert "transition not allowed" in str(refused.value)
                assert _snapshot(session, dossier_id) == before, action
        finally:
            session.rollback()  # each action is tried on the same state
            session.close()


def test_the_counter_refuses_a_walk_in_dossier_in_writing(counter):  # noqa: F811
    state, unit, pause, _ = counter
    request = IntakeRequest(pause.id, Applicant("Võ Văn Đức", "079201001234"), "counter", DOCS)
    with state.transaction() as s, pytest.raises(ServiceError, match="lý do"):
        refuse_at_counter(s, s.merge(unit), request, None, "  ")
    with state.transaction() as s:
        refused = refuse_at_counter(s, s.merge(unit), request, None, "Không thuộc thẩm quyền", now=THU_12_FEB_2026)
        [line] = refused.transitions
        assert (refused.status, refused.code, refused.closed_on) == ("refused", None, date(2026, 2, 12))
        assert (line.action, line.from_status, line.note) == ("refuse", "new", "Không thuộc thẩm quyền")
        summary = statistics.total(statistics.compute(s, date(2026, 2, 1), date(2026, 2, 28), [unit.id]))
    assert summary.received == 0, "a refused dossier was never received"


def test_assignment_follows_the_procedures_steps_and_the_units_handlers(counter):  # noqa: F811
    state, unit, pause, _ = counter
    with state.transaction() as s:
        outsider = create_user(s, "nguoingoai", "Matkhau#2026", "Không có vai trò").id
        handler = s.scalar(select(User.id).where(User.username == "xuly"))
        s.add_all([ProcedureStep(procedure_id=pause.id, unit_id=unit.id, position=0, name="Thẩm định",
                                 share_percent=60, handler_user_id=handler),
                   ProcedureStep(procedure_id=pause.id, unit_id=unit.id, position=1, name="Phê duyệt",
                                 share_percent=40)])
    dossier_id = _receive(state, unit, pause).id
    for details, message in (({"handler_id": outsider}, "vai trò xử lý"), ({"step": 3}, "có 2 bước"),
                             ({"step": 2}, "vai trò xử lý")):  # step 2 has no default handler
        with state.transaction() as s, pytest.raises(ServiceError, match=message):
            transition(s, state.settings, s.get(Dossier, dossier_id), "assign", None, **details)
    with state.transaction() as s:
        dossier = transition(s, state.settings, s.get(Dossier, dossier_id), "assign", None)  # step 1's own handler
        assert (dossier.handler_id, dossier.current_step) == (handler, 1)
        line = s.scalars(select(Transition).where(Transition.dossier_id == dossier_id, Transition.action == "assign")).one()
        assert line.details == {"handler_id": handler, "step": 1} and line.step == 1


def test_payment_and_withdrawal_run_to_their_ends(counter):  # noqa: F811
    state, unit, pause, _ = counter
    paying, leaving = _in_state(state, unit, pause, "awaiting_payment"), _in_state(state, unit, pause, "in_progress")
    with state.transaction() as s:
        assert transition(s, state.settings, s.get(Dossier, paying), "paid", None, now=LATER).status == "in_progress"
        with pytest.raises(ServiceError, match="lý do"):
            transition(s, state.settings, s.get(Dossier, leaving), "withdraw", None, " ", now=LATER)
        gone = transition(s, state.settings, s.get(Dossier, leaving), "withdraw", None, "Người nộp xin rút", now=LATER)
        assert (gone.status, gone.closed_on) == ("withdrawn", date(2026, 2, 13))
        summary = statistics.total(statistics.compute(s, date(2026, 2, 1), date(2026, 2, 28), [unit.id],
                                                      today=date(2026, 2, 20)))
    assert (summary.received, summary.pending, summary.resolved) == (2, 1, 0), "a withdrawn dossier is not pending"


def test_the_rules_read_the_slip_within_one_session(counter):  # noqa: F811
    """Several steps in one transaction (a batch, a job) see each other: once-only and return-to-origin hold."""
    state, unit, pause, _ = counter
    dossier_id = _receive(state, unit, pause).id
    with state.transaction() as s:
        dossier = s.get(Dossier, dossier_id)
        for action in ("request_supplement", "supplement", "complete_supplement"):
            transition(s, state.settings, dossier, action, None, "thiếu", now=LATER, missing_documents=["Bản sao"])
        assert dossier.status == "received", "back to where the counter asked"
        with pytest.raises(ServiceError, match="một lần"):
            transition(s, state.settings, dossier, "request_supplement", None, "lần hai", now=LATER,
                       missing_documents=["Khác"])

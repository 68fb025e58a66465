"""Shared set-up of the one-stop web tests: an office with a small catalogue, dossiers in chosen states."""
from __future__ import annotations

from datetime import date, datetime, timezone

import pytest

from plugins.onestop.models import Dossier
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from plugins.onestop.services.intake import Applicant, IntakeRequest, ReceivedDocument, receive
from plugins.onestop.services.workflow import transition

THU_12_FEB_2026 = datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội; appointment 26/02/2026
APPLICANT = Applicant("Nguyễn Văn An", "001099012345", "12 Tràng Tiền, Hoàn Kiếm, Hà Nội", "0912345678",
                      "an.nguyen@example.vn")
PERSONAL = ("Nguyễn Văn An", "001099012345", "Tràng Tiền", "0912345678", "an.nguyen@example.vn")


class Office:
    def __init__(self, state, unit, online_id: int, counter_id: int):
        self.state, self.unit, self.online_id, self.counter_id = state, unit, online_id, counter_id

    def receive(self, procedure_id: int | None = None, now: datetime = THU_12_FEB_2026, actor_id=None) -> Dossier:
        with self.state.transaction() as s:
            return receive(s, self.state.settings, s.merge(self.unit),
                           IntakeRequest(procedure_id or self.online_id, APPLICANT,
                                         documents=[ReceivedDocument("Đơn đề nghị cấp phép", 1, 0, 0)]),
                           actor_id, now=now)

    def act(self, dossier_id: int, action: str, note: str = "", actor_id=None, now=None, **details) -> Dossier:
        with self.state.transaction() as s:
            return transition(s, self.state.settings, s.get(Dossier, dossier_id), action, actor_id, note,
                              now=now, **details)

    def returned(self, handler_id: int) -> Dossier:
        dossier = self.receive()
        at = datetime(2026, 2, 13, 2, 0, tzinfo=timezone.utc)
        self.act(dossier.id, "assign", handler_id=handler_id, now=at)
        self.act(dossier.id, "resolve", now=at)
        return self.act(dossier.id, "return", now=at)


def build_office(state, unit_factory, code: str = "H15.50") -> Office:
    unit = unit_factory(code, "Văn phòng UBND tỉnh", plugins=("onestop",))
    with state.transaction() as s:
        land = get_or_create_field(s, unit.id, "LV01", "Đất đai")
        trade = get_or_create_field(s, unit.id, "LV02", "Thương mại")
        online = save_procedure(s, unit.id, ProcedureSpec(
            "1.000001", "Cấp giấy phép khai thác đất", "LV01", 5, online_level="3", online_mode="partial",
            authority="UBND tỉnh", fee=50000, documents=[("Đơn đề nghị cấp phép", 1, 0, 0)],
            published_on=date(2025, 7, 1)), land)
        counter = save_procedure(s, unit.id, ProcedureSpec(
            "1.000002", "Đăng ký kinh doanh rượu", "LV02", 10, online_level="2"), trade)
    return Office(state, unit, online.id, counter.id)


@pytest.fixture
def office(state, unit_factory) -> Office:
    return build_office(state, unit_factory)

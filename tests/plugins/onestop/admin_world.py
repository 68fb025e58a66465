"""Fixtures shared by the back-office tests: two units with the plugin, a small catalogue, one client per role."""
import html as html_lib
import re
from datetime import datetime, timezone
from types import SimpleNamespace

import pytest
from sqlalchemy import func, select

from plugins.onestop.models import Dossier, Transition
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from plugins.onestop.services.intake import Applicant, IntakeRequest, ReceivedDocument, receive

THU_12_FEB_2026 = datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội
DOCUMENTS = [("Đơn đề nghị theo mẫu", 1, 0, 0), ("Bản sao giấy tờ pháp lý", 0, 1, 0)]


@pytest.fixture
def world(state, unit_factory):
    office = unit_factory("H15.50", "Văn phòng UBND tỉnh", plugins=("onestop",))
    other = unit_factory("H15.99", "Sở Khác", plugins=("onestop",))
    with state.transaction() as s:
        land = get_or_create_field(s, office.id, "LV01", "Đất đai")
        build = get_or_create_field(s, office.id, "LV02", "Xây dựng")
        permit = save_procedure(s, office.id, ProcedureSpec(
            "1.000001", "Cấp giấy phép khai thác", "LV01", 5, documents=DOCUMENTS,
            steps=[("Thẩm định", 60), ("Phê duyệt", 40)]), land)
        renew = save_procedure(s, office.id, ProcedureSpec("1.000002", "Gia hạn giấy phép xây dựng", "LV02", 10), build)
        foreign_field = get_or_create_field(s, other.id, "LV01", "Đất đai (sở khác)")
        foreign = save_procedure(s, other.id, ProcedureSpec("9.000001", "Thủ tục của sở khác", "LV01", 3), foreign_field)
        ids = SimpleNamespace(permit=permit.id, renew=renew.id, foreign=foreign.id, land=land.id, build=build.id)
    return SimpleNamespace(office=office, other=other, **vars(ids))


@pytest.fixture
def clients(world, client_for, user_factory, login):
    handler = user_factory("xuly", roles=[(world.office, "onestop.handler")], full_name="Trần Xử Lý")
    leader = user_factory("lanhdao", roles=[(world.office, "onestop.leader")], full_name="Lê Lãnh Đạo")
    return SimpleNamespace(
        clerk=client_for("onestop.clerk", world.office, full_name="Nguyễn Một Cửa"),
        handler=login(handler), handler_id=handler.id, leader=login(leader), leader_id=leader.id,
        admin=client_for("onestop.admin", world.office),
        foreign_clerk=client_for("onestop.clerk", world.other),
    )


def received(state, unit, procedure_id, name="Nguyễn Văn An", now=THU_12_FEB_2026, channel="counter"):
    """A dossier received through the service (all documents of the procedure)."""
    with state.transaction() as s:
        from plugins.onestop.models import Procedure
        procedure = s.get(Procedure, procedure_id)
        docs = [ReceivedDocument(d.name, max(d.originals, 1), d.certified_copies, d.copies) for d in procedure.documents]
        dossier = receive(s, state.settings, s.merge(unit), IntakeRequest(procedure_id, Applicant(name), channel, docs),
                          None, now=now)
        return SimpleNamespace(id=dossier.id, code=dossier.code, appointment_on=dossier.appointment_on)


def dossier_state(state, dossier_id):
    with state.transaction() as s:
        d = s.get(Dossier, dossier_id)
        count = s.scalar(select(func.count(Transition.id)).where(Transition.dossier_id == dossier_id))
        return d.status, d.handler_id, d.extended_until, count


def flashes(page: str) -> str:
    found = re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', page, re.S)
    return html_lib.unescape(" ".join(re.sub(r"<[^>]+>", " ", f) for f in found))


def text(response) -> str:
    return html_lib.unescape(response.get_data(as_text=True))


def filter_choices(page: str, label: str) -> list[str]:
    """The choices a list page offers for the filter named ``label`` (Flask-Admin renders them as JSON)."""
    import json
    data = re.search(r'<div id="filter-groups-data" class="d-none">(.*?)</div>', page, re.S).group(1)
    return [name for item in json.loads(data)[label] for _, name in item["options"] or []]

"""The one-stop administrator's pages: the counter's settings per unit, step handlers; the counter's refusal."""
from sqlalchemy import func, select

from core.models import AuditLog
from plugins.onestop.models import CounterSettings, Dossier, Procedure
from tests.plugins.onestop.admin_world import clients, flashes, received, text, world  # noqa: F401
from tests.plugins.onestop.conftest import ONESTOP
from tests.plugins.onestop.test_admin_catalogue import procedure_form
from tests.plugins.onestop.test_admin_dossiers import APPLICANT

pytestmark = ONESTOP
SETTINGS = {"unit_id": "", "counter_name": "Trung tâm Phục vụ hành chính công tỉnh",
            "address": "01 Nguyễn Trung Trực, Rạch Giá", "phone": "0297 3862 111", "email": "motcua@kiengiang.gov.vn",
            "opening_hours": "Sáng 7h00–11h30, chiều 13h30–17h00", "publish_statistics": "y"}


def _settings(world, **changes):
    return {**SETTINGS, "unit_id": str(world.office.id), **changes}


def test_the_admin_names_the_counter_and_every_slip_prints_it(world, clients, state):
    empty = text(clients.admin.get("/admin/onestop_settings/"))
    assert "Chưa có đơn vị nào được cấu hình" in empty
    response = clients.admin.post("/admin/onestop_settings/new/", data=_settings(world))
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        saved = s.scalar(select(CounterSettings))
        assert (saved.unit_id, saved.phone, saved.publish_statistics) == (world.office.id, "0297 3862 111", True)
        assert s.scalar(select(func.count(AuditLog.id)).where(AuditLog.table_name == "onestop_counter_settings",
                                                              AuditLog.action == "create")) == 1
    assert "Trung tâm Phục vụ hành chính công tỉnh" in text(clients.clerk.get("/admin/onestop_settings/"))
    dossier = received(state, world.office, world.permit)
    slip = text(clients.clerk.get(f"/onestop/slip/{dossier.id}"))
    for printed in ("TRUNG TÂM PHỤC VỤ HÀNH CHÍNH CÔNG TỈNH", "01 Nguyễn Trung Trực, Rạch Giá",
                    "điện thoại 0297 3862 111", "Sáng 7h00–11h30, chiều 13h30–17h00"):
        assert printed in slip, printed
    assert "Bộ phận Tiếp nhận và Trả kết quả" not in slip


def test_bad_settings_are_refused_in_vietnamese_and_nothing_is_saved(world, clients, state):
    response = clients.admin.post("/admin/onestop_settings/new/", data=_settings(world, email="khong-phai-thu"))
    assert response.status_code == 200 and "Địa chỉ thư điện tử không hợp lệ" in text(response)
    assert clients.admin.post("/admin/onestop_settings/new/", data=_settings(world)).status_code == 302
    again = clients.admin.post("/admin/onestop_settings/new/", data=_settings(world, counter_name="Bản thứ hai"))
    assert "Đơn vị này đã có cấu hình một cửa" in flashes(text(again))
    foreign = clients.admin.post("/admin/onestop_settings/new/", data=_settings(world, unit_id=str(world.other.id)))
    assert foreign.status_code == 200  # not a unit the admin manages: not a choice
    clerk = clients.clerk.post("/admin/onestop_settings/new/", data=_settings(world, counter_name="Của cán bộ"))
    assert clerk.status_code in (302, 403, 404) and "Của cán bộ" not in text(clients.clerk.get("/admin/onestop_settings/"))
    with state.transaction() as s:
        assert s.scalar(select(func.count(CounterSettings.id))) == 1


def test_a_unit_that_does_not_publish_is_left_off_the_public_statistics(world, clients, client, state):
    received(state, world.office, world.permit)
    received(state, world.other, world.foreign)
    everything = text(client.get("/onestop/statistics?kind=year&year=2026"))
    assert "Văn phòng UBND tỉnh" in everything and "Đất đai (sở khác)" in everything
    clients.admin.post("/admin/onestop_settings/new/", data=_settings(world, publish_statistics=""))
    page = text(client.get("/onestop/statistics?kind=year&year=2026"))
    assert "Đất đai (sở khác)" in page and "Văn phòng UBND tỉnh" not in page
    assert "Cấp giấy phép khai thác" in text(client.get("/onestop/?unit=H15.50")), "the catalogue stays public"


def test_a_step_gets_a_default_handler_of_the_unit(world, clients, state, user_factory):
    outsider = user_factory("nguoingoai", full_name="Người Ngoài Đơn Vị")
    form = text(clients.admin.get("/admin/onestop_procedures/new/"))
    assert "Cán bộ xử lý mặc định" in form and "Trần Xử Lý (xuly)" in form
    assert "nguoingoai" not in form and "Người Ngoài Đơn Vị" not in form, "only the unit's handlers are offered"
    forged = clients.admin.post("/admin/onestop_procedures/new/", data=procedure_form(
        world, national_code="1.008888", **{"steps-0-handler": str(outsider.id)}))
    assert forged.status_code == 302
    with state.transaction() as s:
        steps = s.scalar(select(Procedure).where(Procedure.national_code == "1.008888")).steps
        assert [st.handler_user_id for st in steps] == [None, None], "a forged choice is not saved"
    response = clients.admin.post("/admin/onestop_procedures/new/",
                                  data=procedure_form(world, **{"steps-0-handler": str(clients.handler_id)}))
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        procedure = s.scalar(select(Procedure).where(Procedure.national_code == "1.009999"))
        assert [st.handler_user_id for st in procedure.steps] == [clients.handler_id, None]
        procedure_id = procedure.id
    dossier = received(state, world.office, procedure_id)
    form = text(clients.leader.get(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/assign"))
    assert f'<option value="{clients.handler_id}" selected>' in form  # step 1's default handler is preselected


def test_the_clerk_refuses_a_walk_in_dossier_and_prints_form_03(world, clients, state):
    response = clients.clerk.post("/admin/onestop_receive/", data={
        "procedure": world.permit, **APPLICANT, "decision": "refuse", "refusal_reason": " "})
    assert response.status_code == 200 and "cần ghi rõ lý do" in flashes(text(response))
    response = clients.clerk.post("/admin/onestop_receive/", data={
        "procedure": world.permit, **APPLICANT, "decision": "refuse",
        "refusal_reason": "Hồ sơ không thuộc thẩm quyền giải quyết của Văn phòng"})
    with state.transaction() as s:
        dossier = s.scalar(select(Dossier))
        assert (dossier.status, dossier.code, dossier.applicant_name) == ("refused", None, "Phạm Thị Hoa")
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/onestop/forms/{dossier.id}/03")
    form = text(clients.clerk.get(f"/onestop/forms/{dossier.id}/03"))
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in form and "không thuộc thẩm quyền" in form
    assert "Phạm Thị Hoa" in form
    page = text(clients.clerk.get(f"/admin/onestop_dossiers/dossier/{dossier.id}"))
    assert "Mẫu 03 – Từ chối" in page and "Hồ sơ đã kết thúc" in page

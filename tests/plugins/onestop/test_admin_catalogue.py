"""The catalogue in the back office: fields and procedures with their documents and steps inline."""
from sqlalchemy import func, select

from plugins.onestop.models import Field, Procedure
from tests.plugins.onestop.admin_world import clients, filter_choices, flashes, text, world  # noqa: F401
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP


def procedure_form(world, **overrides):
    data = {
        "unit_id": world.office.id, "field": world.land, "national_code": "1.009999", "name": "Cấp phép thử nghiệm",
        "authority": "UBND tỉnh", "time_limit": "7", "limit_kind": "working", "online_level": "3",
        "online_mode": "partial", "supplement_policy": "pause", "active": "y", "published_on": "26/01/2018",
        "documents-0-position": "0", "documents-0-name": "Tờ khai", "documents-0-originals": "1",
        "documents-0-certified_copies": "0", "documents-0-copies": "0",
        "documents-1-position": "1", "documents-1-name": "Bản sao CCCD", "documents-1-originals": "0",
        "documents-1-certified_copies": "1", "documents-1-copies": "0",
        "steps-0-position": "0", "steps-0-name": "Thẩm định", "steps-0-share_percent": "70",
        "steps-1-position": "1", "steps-1-name": "Phê duyệt", "steps-1-share_percent": "30",
    }
    data.update(overrides)
    return data


def test_the_onestop_admin_creates_a_procedure_with_documents_and_steps(world, clients, state):
    form = text(clients.admin.get("/admin/onestop_procedures/new/"))
    assert "Thành phần hồ sơ" in form and "Các bước xử lý" in form and "H15.50 – Văn phòng UBND tỉnh" in form
    assert "Sở Khác" not in form and "Đất đai (sở khác)" not in form
    response = clients.admin.post("/admin/onestop_procedures/new/", data=procedure_form(world))
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        procedure = s.scalar(select(Procedure).where(Procedure.national_code == "1.009999"))
        assert [(d.name, d.certified_copies, d.unit_id) for d in procedure.documents] == [
            ("Tờ khai", 0, world.office.id), ("Bản sao CCCD", 1, world.office.id)]
        assert [(st.name, st.share_percent) for st in procedure.steps] == [("Thẩm định", 70), ("Phê duyệt", 30)]
        assert procedure.unit_id == world.office.id and procedure.online_mode == "partial"
        assert procedure.published_on.isoformat() == "2018-01-26"


def test_a_procedure_whose_steps_do_not_add_up_is_refused(world, clients, state):
    response = clients.admin.post("/admin/onestop_procedures/new/", data=procedure_form(world, **{"steps-1-share_percent": "20"}))
    assert "tỷ lệ thời gian các bước phải cộng lại bằng 100%" in flashes(text(response))
    with state.transaction() as s:
        assert s.scalar(select(func.count(Procedure.id)).where(Procedure.national_code == "1.009999")) == 0


def test_a_procedure_in_another_units_field_is_refused(world, clients, state):
    with state.transaction() as s:
        foreign_field = s.scalar(select(Field.id).where(Field.unit_id == world.other.id))
    response = clients.admin.post("/admin/onestop_procedures/new/", data=procedure_form(world, field=str(foreign_field)))
    assert response.status_code == 200  # not a choice on the form: refused, nothing saved
    with state.transaction() as s:
        assert s.scalar(select(func.count(Procedure.id)).where(Procedure.national_code == "1.009999")) == 0


def test_fields_are_listed_created_and_a_used_one_is_not_deleted(world, clients, state):
    listing = text(clients.clerk.get("/admin/onestop_fields/"))
    assert "Đất đai" in listing and "Đất đai (sở khác)" not in listing
    assert clients.clerk.get("/admin/onestop_fields/new/").status_code in (302, 403, 404)  # read only for a clerk
    response = clients.admin.post("/admin/onestop_fields/new/", data={"unit_id": world.office.id, "code": "LV09",
                                                                       "name": "Tư pháp"})
    assert response.status_code == 302
    refused = clients.admin.post("/admin/onestop_fields/delete/", data={"id": world.land}, follow_redirects=True)
    assert "còn 1 thủ tục" in flashes(text(refused))
    with state.transaction() as s:
        assert s.get(Field, world.land) is not None
        assert s.scalar(select(Field.name).where(Field.code == "LV09")) == "Tư pháp"


def test_procedures_are_searched_and_filtered_by_field(world, clients):
    found = text(clients.clerk.get("/admin/onestop_procedures/?search=khai+thác"))
    assert "Cấp giấy phép khai thác" in found and "Gia hạn giấy phép xây dựng" not in found
    by_field = text(clients.clerk.get(f"/admin/onestop_procedures/?flt0_field={world.build}"))
    assert "Gia hạn giấy phép xây dựng" in by_field and "Cấp giấy phép khai thác" not in by_field
    assert "Thủ tục của sở khác" not in text(clients.clerk.get("/admin/onestop_procedures/"))
    assert sorted(filter_choices(by_field, "Lĩnh vực")) == ["Xây dựng", "Đất đai"]
    assert clients.clerk.get(f"/admin/onestop_procedures/edit/?id={world.foreign}").status_code in (302, 403, 404)

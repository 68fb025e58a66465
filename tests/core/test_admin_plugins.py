"""The plugin enablement page: enable (with sub-units, with dependencies), confirmed disable, refusals."""
import pytest
from sqlalchemy import select

from core.models import PluginEnablement
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin import plugin as example_hooks

pytestmark = EXAMPLE_PLUGINS


@pytest.fixture
def office(app, unit_factory, user_factory, login):
    root = unit_factory("VP", "Văn phòng")
    child = unit_factory("VP-1", "Phòng 1", parent=root)
    admin = user_factory("quantri", roles=[(root, "core.admin", True)])
    return {"root": root, "child": child, "client": login(admin), "state": app.extensions["cchc"]}


def enabled(office) -> set[tuple[str, str]]:
    codes = {office["root"].id: "VP", office["child"].id: "VP-1"}
    with office["state"].transaction() as s:
        return {(p, codes.get(u, str(u))) for p, u in s.execute(select(PluginEnablement.plugin, PluginEnablement.unit_id))}


def flashes(response) -> str:
    return response.get_data(as_text=True)


def test_page_lists_installed_plugins_for_the_admins_units(office):
    page = office["client"].get("/admin/plugins/").get_data(as_text=True)
    assert "Ví dụ con" in page and "example 1.2.0" in page and "cần: example" in page
    assert "VP-1" in page and 'name="csrf_token"' in page


def test_enable_for_one_unit_then_with_subunits(office):
    client = office["client"]
    done = client.post("/admin/plugins/enable", data={"plugin": "example", "unit": str(office["root"].id)},
                       follow_redirects=True)
    assert "Đã bật: Ví dụ @ VP." in flashes(done)
    assert enabled(office) == {("example", "VP")}
    assert ("on_unit_enabled", "VP") in example_hooks.CALLS
    page = client.get("/admin/plugins/").get_data(as_text=True)
    assert "Đang bật" in page
    client.post("/admin/plugins/enable", data={"plugin": "example_child", "unit": str(office["root"].id),
                                               "with_subunits": "1", "with_dependencies": "1"})
    assert enabled(office) == {("example", "VP"), ("example_child", "VP"), ("example", "VP-1"), ("example_child", "VP-1")}


def test_missing_dependency_asks_before_enabling_it_too(office):
    client, unit = office["client"], str(office["root"].id)
    asked = client.post("/admin/plugins/enable", data={"plugin": "example_child", "unit": unit})
    page = asked.get_data(as_text=True)
    assert asked.status_code == 200 and "cchc-missing-dependencies" in page and "Ví dụ</strong> (example)" in page
    assert enabled(office) == set()
    client.post("/admin/plugins/enable", data={"plugin": "example_child", "unit": unit, "with_dependencies": "1"})
    assert enabled(office) == {("example", "VP"), ("example_child", "VP")}


def test_declining_the_missing_dependency_enables_nothing(office):
    client, unit = office["client"], str(office["root"].id)
    declined = client.post("/admin/plugins/decline", data={"plugin": "example_child", "unit": unit}, follow_redirects=True)
    assert "Chưa bật phân hệ Ví dụ con cho đơn vị VP: phân hệ này cần Ví dụ (example) được bật trước" in flashes(declined)
    assert enabled(office) == set()


def test_disable_asks_for_confirmation_and_keeps_the_data(office):
    from tests.example_plugin.models import ExampleRecord
    client, unit = office["client"], str(office["root"].id)
    client.post("/admin/plugins/enable", data={"plugin": "example", "unit": unit})
    with office["state"].transaction() as s:
        s.add(ExampleRecord(unit_id=office["root"].id, title="giu lai"))
    confirm = client.get("/admin/plugins/disable", query_string={"plugin": "example", "unit": unit})
    assert "Xác nhận tắt" in confirm.get_data(as_text=True) and "được giữ nguyên" in confirm.get_data(as_text=True)
    assert enabled(office) == {("example", "VP")}  # showing the confirmation changed nothing
    done = client.post("/admin/plugins/disable", data={"plugin": "example", "unit": unit}, follow_redirects=True)
    assert "Đã tắt phân hệ Ví dụ cho đơn vị VP" in flashes(done)
    assert enabled(office) == set()
    with office["state"].transaction() as s:
        assert s.scalar(select(ExampleRecord.title)) == "giu lai"


def test_disable_is_refused_while_a_dependant_is_enabled(office):
    client, unit = office["client"], str(office["root"].id)
    client.post("/admin/plugins/enable", data={"plugin": "example_child", "unit": unit, "with_dependencies": "1"})
    warning = client.get("/admin/plugins/disable", query_string={"plugin": "example", "unit": unit})
    assert "Hãy tắt chúng trước" in warning.get_data(as_text=True)
    refused = client.post("/admin/plugins/disable", data={"plugin": "example", "unit": unit}, follow_redirects=True)
    assert "Không thể tắt" in flashes(refused) and "example_child" in flashes(refused)
    assert enabled(office) == {("example", "VP"), ("example_child", "VP")}


def test_a_plugin_refusing_the_unit_is_reported_and_nothing_changes(office, unit_factory):
    refusing = unit_factory("REFUSE", parent=office["root"])
    response = office["client"].post("/admin/plugins/enable", data={"plugin": "example", "unit": str(refusing.id)},
                                     follow_redirects=True)
    assert "Đơn vị REFUSE không được bật phân hệ mẫu" in flashes(response)
    assert enabled(office) == set()


def test_units_outside_scope_and_unknown_plugins_answer_404(office, unit_factory):
    other = unit_factory("KHAC")
    client = office["client"]
    for path in ("/admin/plugins/enable", "/admin/plugins/disable", "/admin/plugins/decline"):
        assert client.post(path, data={"plugin": "example", "unit": str(other.id)}).status_code == 404
        assert client.post(path, data={"plugin": "khong_co", "unit": str(office["root"].id)}).status_code == 404
    assert client.get("/admin/plugins/disable", query_string={"plugin": "example", "unit": "abc"}).status_code == 404
    assert "KHAC" not in client.get("/admin/plugins/").get_data(as_text=True)
    assert enabled(office) == set()


def test_sub_units_beyond_the_admins_reach_are_refused(office, user_factory, login):
    narrow = login(user_factory("qt_hep", roles=[(office["root"], "core.admin")]))  # VP only, not VP-1
    response = narrow.post("/admin/plugins/enable", data={"plugin": "example", "unit": str(office["root"].id),
                                                          "with_subunits": "1"}, follow_redirects=True)
    assert "có đơn vị ngoài phạm vi quản lý của bạn" in flashes(response)
    assert enabled(office) == set()


def test_page_needs_the_permission_and_the_csrf_token(office, client_for):
    staff = client_for("core.staff", office["root"])
    assert staff.get("/admin/plugins/").status_code == 404
    assert staff.post("/admin/plugins/enable", data={"plugin": "example", "unit": str(office["root"].id)}).status_code == 404
    forged = office["client"].post("/admin/plugins/enable", data={"plugin": "example", "unit": str(office["root"].id)},
                                   csrf=False)
    assert forged.status_code == 400 and "CSRF" in forged.get_data(as_text=True)
    assert enabled(office) == set()

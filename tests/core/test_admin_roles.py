"""The roles page: permissions listed, custom roles created from permissions, declared roles protected."""
import pytest
from sqlalchemy import select

from core.models import Permission, Role
from tests.conftest import EXAMPLE_PLUGINS

pytestmark = EXAMPLE_PLUGINS


@pytest.fixture
def root(unit_factory):
    return unit_factory("VP")


@pytest.fixture
def admin(root, user_factory, login):
    return login(user_factory("quantri", roles=[(root, "core.admin", True)]))


def role(app, code):
    with app.extensions["cchc"].transaction() as s:
        found = s.scalar(select(Role).where(Role.code == code))
        return found and (found, sorted(p.code for p in found.permissions))


def permission_ids(app, *codes):
    with app.extensions["cchc"].transaction() as s:
        return [str(s.scalar(select(Permission.id).where(Permission.code == c))) for c in codes]


def test_list_shows_each_role_with_its_permissions_and_origin(admin):
    page = admin.get("/admin/roles/").get_data(as_text=True)
    assert "example.clerk" in page and "example.records.read, example.records.write" in page
    assert "Khai báo bởi example" in page and "Khai báo bởi core" in page


def test_deployment_creates_a_custom_role_from_chosen_permissions(app, admin):
    response = admin.post("/admin/roles/new/", data={
        "code": "vp.thu_ky", "label": "Thư ký văn phòng",
        "permissions": permission_ids(app, "core.units.read", "example.records.read")})
    assert response.status_code == 302
    created, perms = role(app, "vp.thu_ky")
    assert created.plugin == "" and perms == ["core.units.read", "example.records.read"]
    assert "Tự tạo" in admin.get("/admin/roles/").get_data(as_text=True)


@pytest.mark.parametrize("code", ["core.my_role", "example.sneaky"])
def test_custom_role_may_not_take_a_reserved_prefix(app, admin, code):
    response = admin.post("/admin/roles/new/", data={"code": code, "label": "x", "permissions": permission_ids(app, "core.units.read")})
    assert "không được bắt đầu bằng" in response.get_data(as_text=True)
    assert role(app, code) is None


@pytest.mark.parametrize("code", ["core.admin", "example.clerk"])
def test_declared_roles_can_be_neither_deleted_nor_edited(app, admin, code):
    declared, perms = role(app, code)
    deleted = admin.post("/admin/roles/delete/", data={"id": str(declared.id)}, follow_redirects=True)
    assert "không sửa, không xoá được" in deleted.get_data(as_text=True)
    admin.post("/admin/roles/action/", data={"action": "delete", "rowid": str(declared.id)})
    edited = admin.post(f"/admin/roles/edit/?id={declared.id}",
                        data={"code": code, "label": "Đã đổi", "permissions": permission_ids(app, "core.units.read")})
    assert "không sửa, không xoá được" in edited.get_data(as_text=True)
    after, after_perms = role(app, code)
    assert after.label == declared.label and after_perms == perms


def test_custom_role_in_use_is_kept_until_revoked(app, admin, root, unit_factory, user_factory):
    admin.post("/admin/roles/new/", data={"code": "vp.tam", "label": "Tạm", "permissions": permission_ids(app, "core.units.read")})
    custom, _ = role(app, "vp.tam")
    user_factory("dung_tam", roles=[(unit_factory("A", parent=root), "vp.tam")])
    refused = admin.post("/admin/roles/delete/", data={"id": str(custom.id)}, follow_redirects=True)
    assert "đang được gán 1 lần" in refused.get_data(as_text=True) and role(app, "vp.tam")


def test_unused_custom_role_can_be_deleted(app, admin):
    admin.post("/admin/roles/new/", data={"code": "vp.xoa", "label": "Xoá được", "permissions": []})
    custom, _ = role(app, "vp.xoa")
    assert admin.post("/admin/roles/delete/", data={"id": str(custom.id)}).status_code == 302
    assert role(app, "vp.xoa") is None


def test_only_an_organisation_wide_admin_changes_roles(app, unit_factory, user_factory, login):
    a, _b = unit_factory("A"), unit_factory("B")
    unit_admin = login(user_factory("qt_a", roles=[(a, "core.admin", True)]))
    assert "core.staff" in unit_admin.get("/admin/roles/").get_data(as_text=True)  # reading is fine
    unit_admin.post("/admin/roles/new/", data={"code": "a.rieng", "label": "x", "permissions": permission_ids(app, "core.units.read")})
    assert role(app, "a.rieng") is None

"""Cross-unit isolation over HTTP: a unit A admin reaches nothing of unit B through any admin URL."""
from dataclasses import dataclass

import pytest
from sqlalchemy import func, select

from core.models import AuditLog, Membership, Role, Unit, User
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


@dataclass
class Target:
    endpoint: str
    record_id: int
    secret: str      # text that only unit B's record shows
    visible: str     # text of unit A that the same page must show (proves the page rendered data)
    edit_data: dict


@pytest.fixture
def world(app, unit_factory, user_factory):
    state = app.extensions["cchc"]
    a = unit_factory("AOPEN", "Đơn vị Công Khai", plugins=("example",))
    b = unit_factory("BSECRET", "Đơn vị Bí Mật", plugins=("example",))
    outsider = user_factory("bimat_user", full_name="Nguoi Bi Mat", roles=[(b, "core.staff")])
    admin = user_factory("admin_a", roles=[(a, "core.admin"), (a, "example.clerk")])
    with state.transaction() as s:
        s.add_all([ExampleRecord(unit_id=a.id, title="hoso-congkhai-A"), ExampleRecord(unit_id=b.id, title="HOSOMATB")])
    with state.transaction() as s:
        record_b = s.scalar(select(ExampleRecord.id).where(ExampleRecord.unit_id == b.id))
        membership_b = s.scalar(select(Membership.id).where(Membership.unit_id == b.id))
        audit_b = s.scalar(select(AuditLog.id).where(AuditLog.table_name == "example_record",
                                                      AuditLog.record_id == str(record_b)))
        staff_role = s.scalar(select(Role.id).where(Role.code == "core.staff"))
    targets = {
        "example_records": Target("example_records", record_b, "HOSOMATB", "hoso-congkhai-A",
                                  {"title": "HACKED", "amount": "9", "unit_id": str(a.id)}),
        "units": Target("units", b.id, "BSECRET", "AOPEN", {"code": "HACKED", "name": "HACKED", "kind": "x"}),
        "memberships": Target("memberships", membership_b, "bimat_user", "admin_a",
                              {"user": str(admin.id), "unit": str(a.id), "role": str(staff_role)}),
        "audit_log": Target("audit_log", audit_b, "HOSOMATB", "hoso-congkhai-A", {"action": "HACKED"}),
        "users": Target("users", outsider.id, "bimat_user", "admin_a",
                        {"username": "HACKED", "full_name": "HACKED", "locale": "vi", "password": "Hacked#123456"}),
    }
    return {"a": a, "b": b, "admin": admin, "outsider": outsider, "targets": targets, "state": state}


def snapshot(state) -> dict:
    """Everything an attack could change, read fresh from the database."""
    with state.transaction() as s:
        def rows(model, *cols):
            return sorted(tuple(getattr(r, c) for c in cols) for r in s.scalars(select(model)))
        return {
            "records": rows(ExampleRecord, "id", "unit_id", "title", "amount"),
            "units": rows(Unit, "id", "code", "name", "kind", "parent_id", "active"),
            "memberships": rows(Membership, "id", "user_id", "unit_id", "role_id", "include_subunits"),
            "users": rows(User, "id", "username", "full_name", "password_hash", "active", "failed_logins"),
            "audit": s.scalar(select(func.count(AuditLog.id))),
        }


ENDPOINTS = ["example_records", "units", "memberships", "audit_log", "users"]


@pytest.fixture
def attack(world, login):
    return login(world["admin"])


def check_reads(attack, endpoint, target):
    listing = attack.get(f"/admin/{endpoint}/").get_data(as_text=True)
    assert target.visible in listing and target.secret not in listing, "list"
    # search for a part of the secret, so that the echoed search term cannot be mistaken for a row
    searched = attack.get(f"/admin/{endpoint}/", query_string={"search": target.secret[2:-1]})
    assert searched.status_code == 200 and target.secret not in searched.get_data(as_text=True), "search"
    export = attack.get(f"/admin/{endpoint}/export/csv/")
    body = export.get_data(as_text=True)
    assert export.status_code == 200 and target.visible in body and target.secret not in body, "export"
    for page in ("details", "edit"):
        response = attack.get(f"/admin/{endpoint}/{page}/", query_string={"id": target.record_id})
        no_form = endpoint == "audit_log" and page == "edit"  # the log has no edit form at all: it redirects
        assert response.status_code == (302 if no_form else 404), page
        assert target.secret not in response.get_data(as_text=True)


def check_writes(attack, endpoint, target):
    edit = attack.post(f"/admin/{endpoint}/edit/?id={target.record_id}", data=target.edit_data)
    assert edit.status_code == (302 if endpoint == "audit_log" else 404), "edit"
    delete = attack.post(f"/admin/{endpoint}/delete/", data={"id": str(target.record_id)})
    # accounts and log entries are never deleted through the back office: the delete URL just redirects
    assert delete.status_code == (302 if endpoint in ("audit_log", "users") else 404), "delete"
    for action in ("delete", "deactivate", "unlock"):
        attack.post(f"/admin/{endpoint}/action/", data={"action": action, "rowid": str(target.record_id)})


def check_guessed_ids(attack, endpoint):
    for guess in ("999999", "0", "-1", "abc", "1 OR 1=1", "99999999999999999999", "²", "1.0"):
        response = attack.get(f"/admin/{endpoint}/details/", query_string={"id": guess})
        assert response.status_code == 404 and "Traceback" not in response.get_data(as_text=True), guess
        if endpoint != "audit_log":
            assert attack.get(f"/admin/{endpoint}/edit/", query_string={"id": guess}).status_code == 404, guess


@pytest.mark.parametrize("endpoint", ENDPOINTS)
def test_unit_b_is_out_of_reach_through_every_admin_url(world, attack, endpoint):
    target, state = world["targets"][endpoint], world["state"]
    before = snapshot(state)
    check_reads(attack, endpoint, target)
    check_writes(attack, endpoint, target)
    check_guessed_ids(attack, endpoint)
    assert snapshot(state) == before


def test_creating_a_record_in_another_unit_is_refused(world, attack):
    state, b = world["state"], world["b"]
    before = snapshot(state)
    response = attack.post("/admin/example_records/new/", data={"title": "CAIMOI", "amount": "1", "unit_id": str(b.id)})
    assert "không có quyền ghi dữ liệu cho đơn vị này" in response.get_data(as_text=True)
    granted = attack.post("/admin/memberships/new/", data={
        "user": str(world["admin"].id), "unit": str(b.id), "role": "1"})
    assert granted.status_code == 200  # the form is shown again: B is not a valid choice
    assert snapshot(state) == before


def test_moving_own_record_into_another_unit_is_refused(world, attack):
    state = world["state"]
    with state.transaction() as s:
        record_a = s.scalar(select(ExampleRecord).where(ExampleRecord.unit_id == world["a"].id))
    response = attack.post(f"/admin/example_records/edit/?id={record_a.id}",
                           data={"title": "moved", "amount": "0", "unit_id": str(world["b"].id)})
    assert "không có quyền ghi dữ liệu cho đơn vị này" in response.get_data(as_text=True)
    with state.transaction() as s:
        assert s.get(ExampleRecord, record_a.id).unit_id == world["a"].id


def test_read_only_role_sees_but_cannot_open_for_edit(world, user_factory, login):
    reader = user_factory("reader", roles=[(world["a"], "example.clerk"), (world["b"], "example.viewer")])
    client = login(reader)
    record_b = world["targets"]["example_records"].record_id
    assert "HOSOMATB" in client.get("/admin/example_records/").get_data(as_text=True)
    assert client.get(f"/admin/example_records/details/?id={record_b}").status_code == 200
    assert client.get(f"/admin/example_records/edit/?id={record_b}").status_code == 404
    assert client.post("/admin/example_records/delete/", data={"id": str(record_b)}).status_code == 404
    client.post("/admin/example_records/action/", data={"action": "delete", "rowid": str(record_b)})
    with world["state"].transaction() as s:
        assert s.get(ExampleRecord, record_b).title == "HOSOMATB"


def test_subunit_records_need_a_membership_that_covers_subunits(app, unit_factory, user_factory, login):
    state = app.extensions["cchc"]
    parent = unit_factory("PARENT", plugins=("example",))
    child = unit_factory("CHILD", parent=parent, plugins=("example",))
    with state.transaction() as s:
        s.add(ExampleRecord(unit_id=child.id, title="hoso-cap-duoi"))
    narrow = login(user_factory("narrow", roles=[(parent, "example.viewer")]))
    wide = login(user_factory("wide", roles=[(parent, "example.viewer", True)]))
    assert "hoso-cap-duoi" not in narrow.get("/admin/example_records/").get_data(as_text=True)
    assert "hoso-cap-duoi" in wide.get("/admin/example_records/").get_data(as_text=True)


def test_post_without_csrf_token_is_refused_clearly(world, attack):
    state = world["state"]
    with state.transaction() as s:
        record_a = s.scalar(select(ExampleRecord.id).where(ExampleRecord.unit_id == world["a"].id))
    before = snapshot(state)
    response = attack.post("/admin/example_records/delete/", data={"id": str(record_a)}, csrf=False)
    body = response.get_data(as_text=True)
    assert response.status_code == 400
    assert "thiếu mã bảo vệ CSRF" in body and "Traceback" not in body
    assert snapshot(state) == before
    # the same delete with the token goes through: the refusal above was about the token only
    assert attack.post("/admin/example_records/delete/", data={"id": str(record_a)}).status_code == 302
    assert len(snapshot(state)["records"]) == len(before["records"]) - 1


def test_plugin_disabled_for_unit_hides_its_records_but_keeps_them(world, attack, app):
    from core.services.enablement import disable_plugin
    state = world["state"]
    with state.transaction() as s:
        disable_plugin(s, state.registry, "example", s.get(Unit, world["a"].id))
    assert attack.get("/admin/example_records/").status_code == 404
    with state.transaction() as s:
        assert s.scalar(select(func.count(ExampleRecord.id)).where(ExampleRecord.unit_id == world["a"].id)) == 1

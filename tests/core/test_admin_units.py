"""Units (list, tree) and memberships pages: scoped pickers, include_subunits, trees of any depth."""
import re

import pytest
from sqlalchemy import select

from core.models import Membership, Role, Unit
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


def tree_depths(page: str) -> list[tuple[str, int]]:
    nodes = re.findall(r'data-depth="(\d+)".*?<strong>([^<]+)</strong>', page, re.S)
    return [(code, int(depth)) for depth, code in nodes]


def test_tree_page_indents_a_deep_tree_and_shows_only_the_users_units(unit_factory, user_factory, login):
    chain = [unit_factory("L0")]
    for level in range(1, 7):
        chain.append(unit_factory(f"L{level}", parent=chain[-1]))
    unit_factory("L1B", parent=chain[0])
    unit_factory("OTHER")
    everyone = login(user_factory("xem_het", roles=[(chain[0], "core.staff", True)]))
    assert tree_depths(everyone.get("/admin/unit_tree/").get_data(as_text=True)) == [
        ("L0", 0), ("L1", 1), ("L2", 2), ("L3", 3), ("L4", 4), ("L5", 5), ("L6", 6), ("L1B", 1)]
    # seen from the middle: the visible branch starts a new root; nothing above or beside it shows
    middle = login(user_factory("giua", roles=[(chain[3], "core.staff", True)]))
    assert tree_depths(middle.get("/admin/unit_tree/").get_data(as_text=True)) == [
        ("L3", 0), ("L4", 1), ("L5", 2), ("L6", 3)]


def test_tree_page_needs_the_permission(unit_factory, client_for):
    viewer = client_for("example.viewer", unit_factory("A", plugins=("example",)))  # no core.units.read
    assert viewer.get("/admin/unit_tree/").status_code == 404
    assert viewer.get("/admin/example_records/").status_code == 200


def test_unit_admin_creates_and_renames_subunits_only_under_own_units(app, unit_factory, user_factory, login):
    a, b = unit_factory("A"), unit_factory("B")
    client = login(user_factory("qt_a", roles=[(a, "core.admin", True)]))
    created = client.post("/admin/units/new/", data={"code": "A-1", "name": "Phòng 1", "kind": "department",
                                                     "parent": str(a.id), "active": "y"})
    assert created.status_code == 302
    state = app.extensions["cchc"]
    with state.transaction() as s:
        sub = s.scalar(select(Unit).where(Unit.code == "A-1"))
        assert sub.parent_id == a.id
    # saving with an unchanged (unique) code works
    renamed = client.post(f"/admin/units/edit/?id={sub.id}", data={"code": "A-1", "name": "Phòng Một", "kind": "department",
                                                                   "parent": str(a.id), "active": "y"})
    assert renamed.status_code == 302
    refused = client.post("/admin/units/new/", data={"code": "B-1", "name": "x", "kind": "department",
                                                     "parent": str(b.id), "active": "y"})
    assert refused.status_code == 200  # B is not among the offered parents
    with state.transaction() as s:
        assert s.get(Unit, sub.id).name == "Phòng Một"
        assert s.scalar(select(Unit).where(Unit.code == "B-1")) is None


def test_a_unit_cannot_be_moved_under_itself_or_its_subunits(app, unit_factory, user_factory, login):
    top = unit_factory("TOP")
    middle = unit_factory("MID", parent=top)
    bottom = unit_factory("BOT", parent=middle)
    client = login(user_factory("qt", roles=[(top, "core.admin", True)]))
    for new_parent in (middle, bottom):
        response = client.post(f"/admin/units/edit/?id={middle.id}", data={
            "code": "MID", "name": "Giữa", "kind": "department", "parent": str(new_parent.id), "active": "y"})
        assert "không thể là chính nó hoặc đơn vị cấp dưới" in response.get_data(as_text=True)
    with app.extensions["cchc"].transaction() as s:
        assert s.get(Unit, middle.id).parent_id == top.id


@pytest.fixture
def setting(app, unit_factory, user_factory, login):
    a = unit_factory("A", plugins=("example",))
    child = unit_factory("A-CON", parent=a, plugins=("example",))
    b = unit_factory("B", plugins=("example",))
    admin = user_factory("qt_a", roles=[(a, "core.admin", True)])
    placed = user_factory("o_a", roles=[(a, "core.staff")])
    unplaced = user_factory("chua_xep")
    user_factory("o_b", roles=[(b, "core.staff")])
    with app.extensions["cchc"].transaction() as s:
        s.add(ExampleRecord(unit_id=child.id, title="hoso-don-vi-con"))
        clerk = s.scalar(select(Role.id).where(Role.code == "example.clerk"))
    return {"a": a, "child": child, "b": b, "admin": admin, "placed": placed, "unplaced": unplaced,
            "clerk": clerk, "client": login(admin), "state": app.extensions["cchc"]}


def options(page: str, field: str) -> list[str]:
    select_html = re.search(rf'<select[^>]*name="{field}".*?</select>', page, re.S).group(0)
    return re.findall(r"<option[^>]*>([^<]*)</option>", select_html)


def test_membership_pickers_offer_only_scoped_users_and_units(setting):
    page = setting["client"].get("/admin/memberships/new/").get_data(as_text=True)
    users, units = " ".join(options(page, "user")), " ".join(options(page, "unit"))
    assert "o_a" in users and "chua_xep" in users and "o_b" not in users
    assert "A – " in units and "A-CON" in units and "B – " not in units
    assert "Cán bộ mẫu" in options(page, "role")


def test_granting_a_role_with_subunits_gives_access_to_the_subunits(setting, login):
    response = setting["client"].post("/admin/memberships/new/", data={
        "user": str(setting["unplaced"].id), "unit": str(setting["a"].id), "role": str(setting["clerk"]),
        "include_subunits": "y"})
    assert response.status_code == 302
    with setting["state"].transaction() as s:
        granted = s.scalar(select(Membership).where(Membership.user_id == setting["unplaced"].id))
        assert (granted.unit_id, granted.include_subunits) == (setting["a"].id, True)
    grantee = login(setting["unplaced"])
    assert "hoso-don-vi-con" in grantee.get("/admin/example_records/").get_data(as_text=True)


def test_granting_subunits_beyond_the_admins_reach_is_refused(setting, user_factory, login):
    narrow_admin = login(user_factory("qt_hep", roles=[(setting["a"], "core.admin")]))  # unit A only, not A-CON
    response = narrow_admin.post("/admin/memberships/new/", data={
        "user": str(setting["unplaced"].id), "unit": str(setting["a"].id), "role": str(setting["clerk"]),
        "include_subunits": "y"})
    assert "đơn vị cấp dưới ngoài phạm vi" in response.get_data(as_text=True)
    with setting["state"].transaction() as s:
        assert s.scalar(select(Membership).where(Membership.user_id == setting["unplaced"].id)) is None


def test_membership_is_moved_or_revoked_only_within_scope(setting):
    client, state = setting["client"], setting["state"]
    with state.transaction() as s:
        mine = s.scalar(select(Membership).where(Membership.user_id == setting["placed"].id))
    moved = client.post(f"/admin/memberships/edit/?id={mine.id}", data={
        "user": str(setting["placed"].id), "unit": str(setting["b"].id), "role": str(mine.role_id)})
    assert moved.status_code == 200  # B is not a valid choice
    assert client.post("/admin/memberships/delete/", data={"id": str(mine.id)}).status_code == 302
    with state.transaction() as s:
        assert s.get(Membership, mine.id) is None

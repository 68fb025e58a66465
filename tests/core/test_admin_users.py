"""The users page: hashed passwords through the service, no hash ever shown, unlock, deactivate, scoping."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select
from werkzeug.security import check_password_hash

from core.models import AuditLog, User
from core.testing import TEST_PASSWORD

NEW_PASSWORD = "MatKhauMoi#2026"


@pytest.fixture
def office(unit_factory, user_factory, login):
    root = unit_factory("VP", "Văn phòng")
    admin = user_factory("quantri", roles=[(root, "core.admin", True)])
    return {"root": root, "admin": admin, "client": login(admin)}


def fetch(app, username):
    with app.extensions["cchc"].transaction() as s:
        return s.scalar(select(User).where(User.username == username))


def form(**fields):
    data = {"username": "lan", "full_name": "Nguyễn Thị Lan", "email": "lan@example.vn", "locale": "vi",
            "active": "y", "password": NEW_PASSWORD}
    data.update(fields)
    return {k: v for k, v in data.items() if v is not None}


def test_create_hashes_the_password_and_the_new_user_can_log_in(app, office, login):
    response = office["client"].post("/admin/users/new/", data=form())
    assert response.status_code == 302
    user = fetch(app, "lan")
    assert user.full_name == "Nguyễn Thị Lan" and user.active
    assert user.password_hash != NEW_PASSWORD and check_password_hash(user.password_hash, NEW_PASSWORD)
    login(user, NEW_PASSWORD)  # asserts the redirect after a successful login
    with app.extensions["cchc"].transaction() as s:
        entry = s.scalar(select(AuditLog).where(AuditLog.table_name == "core_user", AuditLog.record_id == str(user.id)))
    assert entry.actor == "quantri" and "password_hash" not in entry.changes


def test_short_password_or_duplicate_username_is_refused_with_a_message(app, office):
    short = office["client"].post("/admin/users/new/", data=form(password="abc"))
    assert "Mật khẩu phải có ít nhất 8 ký tự" in short.get_data(as_text=True)
    assert fetch(app, "lan") is None
    duplicate = office["client"].post("/admin/users/new/", data=form(username="quantri"))
    assert "Đã tồn tại" in duplicate.get_data(as_text=True)
    assert fetch(app, "quantri").full_name == "Quantri"


def test_the_hash_is_never_shown_and_a_blank_password_keeps_it(app, office, user_factory, login):
    user = user_factory("hoa")
    client = office["client"]
    pages = [f"/admin/users/edit/?id={user.id}", f"/admin/users/details/?id={user.id}", "/admin/users/",
             "/admin/users/export/csv/"]
    for page in pages:
        body = client.get(page).get_data(as_text=True)
        assert "hoa" in body and user.password_hash not in body and "scrypt:" not in body, page
    client.post(f"/admin/users/edit/?id={user.id}", data=form(username="hoa", full_name="Trần Hoa", password=""))
    changed = fetch(app, "hoa")
    assert changed.full_name == "Trần Hoa" and changed.password_hash == user.password_hash
    client.post(f"/admin/users/edit/?id={user.id}", data=form(username="hoa", password=NEW_PASSWORD))
    assert fetch(app, "hoa").password_hash != user.password_hash
    login(changed, NEW_PASSWORD)


def test_unlock_lifts_a_lock_out(app, office, user_factory, login):
    user = user_factory("khoa")
    with app.extensions["cchc"].transaction() as s:
        locked = s.get(User, user.id)
        locked.locked_until, locked.failed_logins = datetime.now(timezone.utc) + timedelta(minutes=10), 2
    client = office["client"]
    listing = client.get("/admin/users/", query_string={"search": "khoa"}).get_data(as_text=True)
    assert "Đang bị khoá đến" in listing
    refused = app.test_client().post("/login", data={"username": "khoa", "password": TEST_PASSWORD})
    assert refused.status_code == 401
    client.post("/admin/users/action/", data={"action": "unlock", "rowid": str(user.id)})
    unlocked = fetch(app, "khoa")
    assert unlocked.locked_until is None and unlocked.failed_logins == 0
    login(unlocked)


def test_locked_filter_lists_only_locked_accounts(app, office, user_factory):
    locked, free = user_factory("bikhoa"), user_factory("tudo")
    with app.extensions["cchc"].transaction() as s:
        s.get(User, locked.id).locked_until = datetime.now(timezone.utc) + timedelta(minutes=10)
    client = office["client"]
    listing = client.get("/admin/users/").get_data(as_text=True)
    assert "bikhoa" in listing and "tudo" in listing
    index = _filter_index(client, "Đang bị khoá")
    only_locked = client.get(f"/admin/users/?flt0_{index}=1").get_data(as_text=True)
    assert "bikhoa" in only_locked and "tudo" not in only_locked


def _filter_index(client, label: str) -> str:
    import json
    import re
    page = client.get("/admin/users/").get_data(as_text=True)
    groups = json.loads(re.search(r'id="filter-groups-data"[^>]*>(.*?)</div>', page, re.S).group(1))
    return groups[label][0]["arg"]


def test_deactivated_user_cannot_log_in_and_admin_cannot_deactivate_self(app, office, user_factory):
    user = user_factory("nghiviec")
    client = office["client"]
    client.post("/admin/users/action/", data={"action": "deactivate", "rowid": [str(user.id), str(office["admin"].id)]})
    assert fetch(app, "nghiviec").active is False
    assert fetch(app, "quantri").active is True
    refused = app.test_client().post("/login", data={"username": "nghiviec", "password": TEST_PASSWORD})
    assert refused.status_code == 401 and "vô hiệu hoá" in refused.get_data(as_text=True)
    self_edit = client.post(f"/admin/users/edit/?id={office['admin'].id}", data=form(username="quantri", active=None))
    assert "không thể tự vô hiệu hoá" in self_edit.get_data(as_text=True)
    assert fetch(app, "quantri").active is True


def test_unit_admin_sees_own_and_unplaced_users_and_edits_only_those_wholly_in_scope(
        app, unit_factory, user_factory, login):
    a, b = unit_factory("A"), unit_factory("B")
    admin = user_factory("qt_a", roles=[(a, "core.admin")])
    user_factory("o_a", roles=[(a, "core.staff")])
    user_factory("chua_xep")
    user_factory("o_b", roles=[(b, "core.staff")])
    both = user_factory("ca_hai", roles=[(a, "core.staff"), (b, "core.admin")])
    client = login(admin)
    listing = client.get("/admin/users/").get_data(as_text=True)
    assert all(name in listing for name in ("o_a", "chua_xep", "ca_hai")) and "o_b" not in listing
    details = client.get(f"/admin/users/details/?id={both.id}").get_data(as_text=True)
    assert "Cán bộ, công chức @ A" in details and "@ B" not in details  # memberships elsewhere stay hidden
    assert client.get(f"/admin/users/edit/?id={both.id}").status_code == 404
    client.post("/admin/users/action/", data={"action": "deactivate", "rowid": str(both.id)})
    assert fetch(app, "ca_hai").active is True


def test_users_page_needs_the_permission(unit_factory, client_for):
    staff = client_for("core.staff", unit_factory("A"))
    assert staff.get("/admin/users/").status_code == 404
    assert staff.post("/admin/users/new/", data=form()).status_code == 404

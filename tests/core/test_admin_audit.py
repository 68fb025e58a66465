"""The audit log page: filters by record, user and date range; read-only through every path."""
from datetime import datetime, timezone

import pytest
from sqlalchemy import func, insert, select, update

from core.models import AuditLog
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


@pytest.fixture
def office(app, unit_factory, user_factory, login):
    root = unit_factory("VP", plugins=("example",))
    auditor = user_factory("kiemtra", roles=[(root, "core.admin", True)])
    clerk_an = user_factory("an", roles=[(root, "example.clerk")])
    clerk_binh = user_factory("binh", roles=[(root, "example.clerk")])
    state = app.extensions["cchc"]
    with state.transaction() as s:
        first, second = ExampleRecord(unit_id=root.id, title="ban-dau-1"), ExampleRecord(unit_id=root.id, title="ban-dau-2")
        s.add_all([first, second])
    # two users change the records over HTTP, so that the log holds their names and ids
    login(clerk_an).post(f"/admin/example_records/edit/?id={first.id}", data={"title": "sua-boi-an", "amount": "1",
                                                                              "unit_id": str(root.id)})
    login(clerk_binh).post(f"/admin/example_records/edit/?id={second.id}", data={"title": "sua-boi-binh", "amount": "2",
                                                                                 "unit_id": str(root.id)})
    return {"root": root, "client": login(auditor), "first": first, "second": second, "an": clerk_an,
            "binh": clerk_binh, "state": state}


def log_page(office, **filters) -> str:
    query = {f"flt{i}_{key}": value for i, (key, value) in enumerate(filters.items())}
    response = office["client"].get("/admin/audit_log/", query_string=query)
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_the_log_records_who_changed_what(office):
    page = log_page(office)
    assert "ban-dau-1 → sua-boi-an" in page and "ban-dau-2 → sua-boi-binh" in page


def test_filter_by_record_shows_only_that_records_history(office):
    page = log_page(office, table="example_record", record=str(office["first"].id))
    assert "ban-dau-1 → sua-boi-an" in page and "∅ → ban-dau-1" in page
    assert "ban-dau-2" not in page and "sua-boi-binh" not in page


def test_filter_by_user_id_or_name(office):
    by_id = log_page(office, user=str(office["binh"].id))
    assert "sua-boi-binh" in by_id and "sua-boi-an" not in by_id
    by_name = log_page(office, actor="an")
    assert "sua-boi-an" in by_name and "sua-boi-binh" not in by_name


def test_filter_by_date_range_uses_local_days(office):
    state = office["state"]
    with state.transaction() as s:  # 17:30 UTC on 10/01 is already 00:30 on 11/01 in Hà Nội
        s.execute(insert(AuditLog), [
            {"at": datetime(2025, 1, 10, 3, 0, tzinfo=timezone.utc), "actor": "x", "unit_id": office["root"].id,
             "action": "update", "table_name": "example_record", "record_id": "9", "changes": {"title": ["a", "ngay-10"]}},
            {"at": datetime(2025, 1, 10, 17, 30, tzinfo=timezone.utc), "actor": "x", "unit_id": office["root"].id,
             "action": "update", "table_name": "example_record", "record_id": "9", "changes": {"title": ["a", "ngay-11"]}},
            {"at": datetime(2025, 1, 20, 1, 0, tzinfo=timezone.utc), "actor": "x", "unit_id": office["root"].id,
             "action": "update", "table_name": "example_record", "record_id": "9", "changes": {"title": ["a", "ngay-20"]}},
        ])
    only_10th = log_page(office, **{"from": "10/01/2025", "to": "10/01/2025"})
    assert "ngay-10" in only_10th and "ngay-11" not in only_10th and "ngay-20" not in only_10th
    from_11th = log_page(office, **{"from": "11/01/2025", "to": "19/01/2025"})
    assert "ngay-11" in from_11th and "ngay-10" not in from_11th and "ngay-20" not in from_11th
    assert "11/01/2025 00:30" in from_11th  # shown in local time, dd/mm/yyyy
    assert "sua-boi-an" not in from_11th  # today's changes fall outside


def test_bad_filter_values_are_reported_not_crashed(office):
    page = log_page(office, **{"from": "2025-13-45", "user": "abc"})
    assert "không hợp lệ bộ lọc: 2025-13-45" in page and "không hợp lệ bộ lọc: abc" in page
    assert "sua-boi-an" in page  # the invalid filters are dropped, the list still shows


def test_nothing_can_create_edit_or_delete_entries(office):
    client, state = office["client"], office["state"]
    with state.transaction() as s:
        count = s.scalar(select(func.count(AuditLog.id)))
        entry = s.scalar(select(AuditLog).order_by(AuditLog.id.desc()).limit(1))
    page = client.get("/admin/audit_log/").get_data(as_text=True)
    assert "/admin/audit_log/new/" not in page and "/admin/audit_log/edit/" not in page
    assert "/admin/audit_log/delete/" not in page
    client.post("/admin/audit_log/new/", data={"action": "create", "table_name": "x", "record_id": "1"})
    client.post(f"/admin/audit_log/edit/?id={entry.id}", data={"action": "HACKED"})
    client.post("/admin/audit_log/delete/", data={"id": str(entry.id)})
    client.post("/admin/audit_log/action/", data={"action": "delete", "rowid": str(entry.id)})
    with state.transaction() as s:
        assert s.scalar(select(func.count(AuditLog.id))) == count
        assert s.get(AuditLog, entry.id).action == entry.action
    with pytest.raises(Exception):  # the database itself refuses changes (append-only triggers)
        with state.transaction() as s:
            s.execute(update(AuditLog).where(AuditLog.id == entry.id).values(action="HACKED"))


def test_entries_without_a_unit_are_for_organisation_wide_auditors_only(app, office, unit_factory, user_factory, login):
    other = unit_factory("KHAC")
    unit_auditor = login(user_factory("kt_khac", roles=[(other, "core.admin")]))
    own = unit_auditor.get("/admin/audit_log/", query_string={"flt0_table": "core_user"}).get_data(as_text=True)
    assert "kt_khac" not in own and "kiemtra" not in own  # user accounts are logged with no unit
    # the office auditor no longer covers every unit either, now that KHAC exists beside VP
    assert "kiemtra" not in log_page(office, table="core_user")
    root_of_all = unit_factory("TINH")
    with office["state"].transaction() as s:
        from core.models import Unit
        for code in ("VP", "KHAC"):
            s.scalar(select(Unit).where(Unit.code == code)).parent_id = root_of_all.id
    province = login(user_factory("kt_tinh", roles=[(root_of_all, "core.admin", True)]))
    everything = province.get("/admin/audit_log/", query_string={"flt0_table": "core_user"}).get_data(as_text=True)
    assert "kt_khac" in everything and "kiemtra" in everything

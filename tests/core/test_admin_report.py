"""The administrative reform report page and ``core.reports.build_report``."""
from datetime import date

import pytest

from core.reports import Period, build_report, quarter, quarter_of
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin import plugin as example_hooks
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


@pytest.mark.parametrize("day, expected", [
    (date(2026, 1, 1), (date(2026, 1, 1), date(2026, 3, 31), "Quý 1/2026")),
    (date(2024, 5, 31), (date(2024, 4, 1), date(2024, 6, 30), "Quý 2/2024")),
    (date(2026, 9, 30), (date(2026, 7, 1), date(2026, 9, 30), "Quý 3/2026")),
    (date(2025, 12, 31), (date(2025, 10, 1), date(2025, 12, 31), "Quý 4/2025")),
])
def test_quarter_of_a_day(day, expected):
    period = quarter_of(day)
    assert (period.start, period.end, period.label) == expected


def test_quarter_number_is_checked():
    with pytest.raises(ValueError, match="Quý phải từ 1 đến 4"):
        quarter(2026, 5)


@pytest.fixture
def units(app, unit_factory):
    with_plugin = unit_factory("CO", plugins=("example",))
    without = unit_factory("KHONG")
    with app.extensions["cchc"].transaction() as s:
        s.add_all([ExampleRecord(unit_id=with_plugin.id, title=f"r{i}") for i in range(3)])
    return with_plugin, without


def test_build_report_asks_only_plugins_enabled_for_the_units(db_session, units):
    with_plugin, without = units
    report = build_report(db_session, quarter(2026, 1), [with_plugin, without])
    assert [s.title for s in report.sections] == ["Hồ sơ mẫu"]
    assert report.sections[0].paragraphs == ["Có 3 hồ sơ mẫu."]
    assert ("report_sections", ["CO"]) in example_hooks.CALLS  # the unit without the plugin was not passed
    assert build_report(db_session, quarter(2026, 1), [without]).sections == []


def test_report_page_shows_the_sections_for_the_current_quarter(units, user_factory, login):
    with_plugin, without = units
    client = login(user_factory("xem", roles=[(with_plugin, "core.staff"), (without, "core.staff")]))
    page = client.get("/admin/report/").get_data(as_text=True)
    current = quarter_of(date.today())
    assert f"{current.label} ({current.start:%d/%m/%Y} – {current.end:%d/%m/%Y})" in page
    assert "1. Hồ sơ mẫu" in page and "Có 3 hồ sơ mẫu." in page


def test_report_page_for_a_chosen_period_and_unit(units, user_factory, login):
    with_plugin, without = units
    client = login(user_factory("xem", roles=[(with_plugin, "core.staff"), (without, "core.staff")]))
    page = client.get("/admin/report/", query_string={"year": "2025", "quarter": "2", "unit": str(without.id)})
    body = page.get_data(as_text=True)
    assert "Quý 2/2025 (01/04/2025 – 30/06/2025)" in body
    assert "Phạm vi: KHONG" in body and "Chưa có nội dung báo cáo cho kỳ này" in body


def test_report_page_ignores_units_outside_the_users_scope(units, unit_factory, user_factory, login):
    with_plugin, _ = units
    foreign = unit_factory("NGOAI", plugins=("example",))
    client = login(user_factory("xem", roles=[(with_plugin, "core.staff")]))
    body = client.get("/admin/report/", query_string={"unit": str(foreign.id)}).get_data(as_text=True)
    assert "Phạm vi: CO" in body and "NGOAI" not in body


def test_invalid_period_falls_back_to_the_current_quarter_with_a_message(units, user_factory, login):
    client = login(user_factory("xem", roles=[(units[0], "core.staff")]))
    body = client.get("/admin/report/", query_string={"year": "2025", "quarter": "7"}).get_data(as_text=True)
    assert "Kỳ báo cáo không hợp lệ" in body and quarter_of(date.today()).label in body


def test_report_page_needs_the_permission(units, client_for):
    viewer = client_for("example.viewer", units[0])
    assert viewer.get("/admin/report/").status_code == 404


def test_period_rejects_an_end_before_its_start():
    with pytest.raises(ValueError):
        Period(date(2026, 2, 1), date(2026, 1, 1))

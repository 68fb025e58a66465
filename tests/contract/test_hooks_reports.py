"""Per-unit hooks dispatched by ``core.plugins.dispatch_for_units``: reports, metrics, dashboard cards."""
import re
from datetime import date

import pytest
from sqlalchemy import select

from core.models import Unit, User
from core.plugins import dispatch_for_units
from core.reports import DashboardCard, Metric, Period, ReportSection
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin import plugin as example_hooks
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS

PERIOD = Period(date(2026, 1, 1), date(2026, 6, 30), "6 tháng đầu năm 2026")
CARD_HINT = "trong các đơn vị của bạn"


@pytest.fixture
def units(state, unit_factory):
    """A and C have ``example`` enabled, B does not; 2, 5 and 1 records respectively."""
    made = {"A": unit_factory("A", plugins=("example",)), "B": unit_factory("B"),
            "C": unit_factory("C", plugins=("example",))}
    with state.transaction() as s:
        for code, n in (("A", 2), ("B", 5), ("C", 1)):
            s.add_all(ExampleRecord(unit_id=made[code].id, title=f"{code}{i}") for i in range(n))
    return made


def load(session, *codes: str) -> list[Unit]:
    return list(session.scalars(select(Unit).where(Unit.code.in_(codes)).order_by(Unit.code)))


def seen_units(hook: str) -> list:
    return [arg for name, arg in example_hooks.CALLS if name == hook]


def test_hook_report_sections_only_enabled_units(state, units):
    with state.transaction() as s:
        sections = dispatch_for_units(s, "report_sections", load(s, "A", "B", "C"), period=PERIOD)
        assert seen_units("report_sections") == [["A", "C"]]  # the plugin never sees B
        assert [type(x) for x in sections] == [ReportSection]
        assert sections[0].plugin == "example" and sections[0].paragraphs == ["Có 3 hồ sơ mẫu."]
        assert dispatch_for_units(s, "report_sections", load(s, "B"), period=PERIOD) == []
        assert seen_units("report_sections") == [["A", "C"]]  # not called at all for B alone


def test_hook_report_metrics_only_enabled_units(state, units):
    with state.transaction() as s:
        metrics = dispatch_for_units(s, "report_metrics", load(s, "A", "B"), period=PERIOD)
        assert metrics == [Metric(name="example.records", label="Số hồ sơ mẫu", value=2)]
        by_id = dispatch_for_units(s, "report_metrics", [units["C"].id, units["B"].id], period=PERIOD)
        assert [m.value for m in by_id] == [1]  # unit ids work as well as Unit objects
        assert dispatch_for_units(s, "report_metrics", load(s, "B"), period=PERIOD) == []


def test_hook_dashboard_cards_dispatch_per_unit(state, units, user_factory):
    user = user_factory(roles=[(units["A"], "example.clerk"), (units["B"], "example.clerk")])
    with state.transaction() as s:
        cards = dispatch_for_units(s, "dashboard_cards", load(s, "A", "B"), user=s.get(User, user.id))
        assert cards == [DashboardCard(title="Hồ sơ mẫu", value=2, hint=CARD_HINT)]
        assert dispatch_for_units(s, "dashboard_cards", load(s, "B"), user=s.get(User, user.id)) == []


def test_hook_dashboard_cards_on_the_home_page(units, client_for):
    in_a = client_for("example.viewer", units["A"]).get("/admin/")
    assert in_a.status_code == 200 and CARD_HINT in in_a.get_data(as_text=True)
    in_b = client_for("example.viewer", units["B"]).get("/admin/")
    assert in_b.status_code == 200 and CARD_HINT not in in_b.get_data(as_text=True)
    assert seen_units("dashboard_cards") == []  # the example plugin does not record this hook


def test_hook_dashboard_cards_count_only_the_users_enabled_units(units, user_factory, login):
    both = login(user_factory(roles=[(units["A"], "example.viewer"), (units["C"], "example.viewer"),
                                     (units["B"], "example.viewer")]))
    text = " ".join(re.sub(r"<[^>]+>", " ", both.get("/admin/").get_data(as_text=True)).split())
    assert f"Hồ sơ mẫu 3 {CARD_HINT}" in text  # A's 2 + C's 1, never B's 5

"""The ``calendar_events`` hook: dispatched per unit, gathered on the shared calendar page and in the .ics feed."""
import re
from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import select

from core.models import Unit
from core.plugins import dispatch_for_units
from core.scheduling.plans import create_plan
from core.scheduling.shared_calendar import gather_events
from core.scheduling.tasks import add_task
from core.scheduling.types import CalendarEvent
from core.services.enablement import disable_plugin
from tests.conftest import EXAMPLE_PLUGINS

pytestmark = EXAMPLE_PLUGINS
START, END = date(2026, 3, 1), date(2026, 5, 31)


@pytest.fixture
def units(unit_factory):
    """A and C have ``example`` enabled, B does not."""
    return {"A": unit_factory("A", plugins=("example",)), "B": unit_factory("B"),
            "C": unit_factory("C", plugins=("example",))}


def load(session, *codes):
    return list(session.scalars(select(Unit).where(Unit.code.in_(codes)).order_by(Unit.code)))


def test_hook_calendar_events_dispatched_only_for_enabled_units(state, units):
    with state.transaction() as s:
        events = dispatch_for_units(s, "calendar_events", load(s, "A", "B", "C"), start=START, end=END)
        assert all(isinstance(e, CalendarEvent) for e in events)
        assert sorted((e.start, e.unit_id) for e in events) == sorted(
            (date(2026, m, 15), units[code].id) for m in (3, 4, 5) for code in ("A", "C"))
        assert {e.uid for e in events} >= {f"example-report-{units['A'].id}-202603"}
        assert dispatch_for_units(s, "calendar_events", load(s, "B"), start=START, end=END) == []
        by_id = dispatch_for_units(s, "calendar_events", [units["B"].id, units["C"].id], start=START, end=START)
        assert by_id == []  # nothing on 1 March: the plugin honours the range


def test_hook_calendar_events_gathered_with_core_task_deadlines(state, units):
    with state.transaction() as s:
        plan = create_plan(s, s.get(Unit, units["B"].id), number="3", symbol="KH-B", title="Kế hoạch", year=2026)
        add_task(s, plan, title="Báo cáo của B", due_date="15/04/2026")
        events = gather_events(s, START, END, load(s, "A", "B"), task_unit_ids=[units["B"].id])
        titles = [(e.start, e.plugin, e.title) for e in events]  # by day, then title
        assert titles == [(date(2026, 3, 15), "example", "Hạn báo cáo mẫu – A"),
                          (date(2026, 4, 15), "example", "Hạn báo cáo mẫu – A"),
                          (date(2026, 4, 15), "core", "Hạn nhiệm vụ: Báo cáo của B (3/KH-B)"),
                          (date(2026, 5, 15), "example", "Hạn báo cáo mẫu – A")]
        assert gather_events(s, START, END, [], task_unit_ids=[]) == []
        with pytest.raises(ValueError):
            gather_events(s, END, START, load(s, "A"))


def test_hook_calendar_events_on_the_calendar_page(units, client_for):
    in_a = client_for("core.staff", units["A"]).get("/admin/calendar/?date=2026-04-01").get_data(as_text=True)
    assert "Hạn báo cáo mẫu – A" in in_a and "– C" not in in_a
    in_b = client_for("core.staff", units["B"]).get("/admin/calendar/?date=2026-04-01").get_data(as_text=True)
    assert "Hạn báo cáo mẫu" not in in_b


def test_hook_calendar_events_in_the_personal_feed_and_gone_when_disabled(app, state, units, client_for):
    client = client_for("core.staff", units["A"])
    page = client.post("/admin/calendar_feed/new").get_data(as_text=True)
    url = re.search(r'value="(http://[^"]+\.ics)"', page).group(1)
    feed = icalendar.Calendar.from_ical(app.test_client().get(url).data)
    example = [e for e in feed.walk("VEVENT") if "example" in str(e.get("CATEGORIES").to_ical())]
    today = date.today()
    assert example and all(today - timedelta(days=31) <= e.decoded("DTSTART") <= today + timedelta(days=366)
                           for e in example)
    assert {str(e["SUMMARY"]) for e in example} == {"Hạn báo cáo mẫu – A"}
    with state.transaction() as s:
        disable_plugin(s, state.registry, "example", s.get(Unit, units["A"].id))
    feed = icalendar.Calendar.from_ical(app.test_client().get(url).data)
    assert feed.walk("VEVENT") == []

"""The shared calendar page: month and week views of every enabled programme's events and the task deadlines."""
import re

import pytest

from core.models import Unit
from core.scheduling.plans import create_plan, transition_plan
from core.scheduling.tasks import add_task
from core.services.enablement import disable_plugin
from tests.conftest import EXAMPLE_PLUGINS

pytestmark = EXAMPLE_PLUGINS


@pytest.fixture
def world(state, unit_factory, user_factory, login):
    """A and B have the example plugin, C does not; the user belongs to A and C, never to B."""
    a = unit_factory("A", plugins=("example",))
    b = unit_factory("B", plugins=("example",))
    c = unit_factory("C")
    with state.transaction() as s:
        ids = {}
        for unit, title in ((a, "Nộp báo cáo quý I của A"), (b, "NHIEMVU-CUA-B"), (c, "Tổng hợp số liệu của C")):
            plan = create_plan(s, s.get(Unit, unit.id), number="5", symbol=f"KH-{unit.code}", title="Kế hoạch 2026",
                               year=2026, issue_date="05/01/2026")
            transition_plan(s, plan, "issued")
            ids[unit.code] = add_task(s, plan, title=title, due_date="10/03/2026").id
    user = user_factory("lich", roles=[(a, "core.staff"), (c, "core.staff")])
    return {"a": a, "b": b, "c": c, "tasks": ids, "client": login(user)}


def cell(html: str, day: str) -> str:
    match = re.search(rf'data-day="{day}">(.*?)</td>', html, re.S)
    assert match, f"no cell for {day}"
    return match.group(1)


def test_month_view_gathers_enabled_programmes_and_task_deadlines_of_my_units(world):
    html = world["client"].get("/admin/calendar/?date=2026-03-01").get_data(as_text=True)
    assert "Tháng 3/2026" in html
    fifteenth = cell(html, "2026-03-15")
    assert "Hạn báo cáo mẫu – A" in fifteenth                     # the example plugin, enabled for A
    assert "– B" not in html and "Hạn báo cáo mẫu – C" not in html  # B is not mine; C has no example plugin
    tenth = cell(html, "2026-03-10")
    assert "Hạn nhiệm vụ: Nộp báo cáo quý I của A (5/KH-A)" in tenth
    assert "Tổng hợp số liệu của C" in tenth and "NHIEMVU-CUA-B" not in html
    assert f'href="/admin/plans/task/{world["tasks"]["A"]}"' in tenth
    assert 'class="cchc-empty' not in html


def test_month_view_marks_tet_and_holidays(world):
    html = world["client"].get("/admin/calendar/?date=17/02/2026").get_data(as_text=True)
    assert "Tết" in cell(html, "2026-02-17")
    assert re.search(r'class="[^"]*\boff\b[^"]*" data-day="2026-02-20"', html)   # Friday of the Tết break
    assert not re.search(r'class="[^"]*\boff\b[^"]*" data-day="2026-02-23"', html)


def test_week_view_and_navigation(world):
    html = world["client"].get("/admin/calendar/?view=week&date=2026-03-12").get_data(as_text=True)
    assert "Tuần 09/03/2026 – 15/03/2026" in html and 'data-mode="week"' in html
    assert "Hạn báo cáo mẫu – A" in cell(html, "2026-03-15") and "Nộp báo cáo quý I" in cell(html, "2026-03-10")
    assert "date=2026-03-05" in html and "date=2026-03-19" in html   # previous and next week
    later = world["client"].get("/admin/calendar/?view=week&date=2026-03-19").get_data(as_text=True)
    assert "Không có thời hạn hay sự kiện nào" in later


def test_unit_filter_and_disabling_the_plugin(world, state):
    client = world["client"]
    only_c = client.get(f"/admin/calendar/?date=2026-03-01&unit={world['c'].id}").get_data(as_text=True)
    assert "Hạn báo cáo mẫu" not in only_c and "Tổng hợp số liệu của C" in only_c
    not_mine = client.get(f"/admin/calendar/?date=2026-03-01&unit={world['b'].id}").get_data(as_text=True)
    assert "NHIEMVU-CUA-B" not in not_mine and "– B" not in not_mine   # an unknown unit falls back to mine
    with state.transaction() as s:
        disable_plugin(s, state.registry, "example", s.get(Unit, world["a"].id))
    html = client.get("/admin/calendar/?date=2026-03-01").get_data(as_text=True)
    assert "Hạn báo cáo mẫu" not in html and "Nộp báo cáo quý I của A" in html


def test_bad_date_is_a_clear_message_and_today_is_shown(world):
    html = world["client"].get("/admin/calendar/?date=31/02/2026").get_data(as_text=True)
    assert "&#39;31/02/2026&#39; không phải ngày hợp lệ" in html and "đang hiển thị hôm nay" in html


def test_access_needs_a_login_and_a_unit(app, world, user_factory, login):
    anonymous = app.test_client().get("/admin/calendar/")
    assert anonymous.status_code == 302 and "/login" in anonymous.location
    nobody = login(user_factory("khongdonvi"))
    assert nobody.get("/admin/calendar/").status_code == 404
    menu = world["client"].get("/admin/").get_data(as_text=True)
    assert "Kế hoạch &amp; lịch" in menu and 'href="/admin/calendar/"' in menu

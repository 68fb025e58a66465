"""The personal iCalendar feed: a secret, hashed, revocable token; every enabled programme for the owner's units."""
import hashlib
import re
from datetime import date, timedelta

import icalendar
import pytest
from sqlalchemy import select

from core.models import AuditLog, CalendarFeedToken, Unit
from core.scheduling.feed_tokens import issue_token, revoke_tokens, user_for_token
from core.scheduling.plans import create_plan, transition_plan
from core.scheduling.tasks import add_task
from tests.conftest import EXAMPLE_PLUGINS

pytestmark = EXAMPLE_PLUGINS
FEED_RE = re.compile(r'value="(http://[^"]+/calendar/([A-Za-z0-9_-]+)\.ics)"')


@pytest.fixture
def world(state, unit_factory, user_factory, login):
    """The user belongs to A (example enabled) and C (not enabled); B (enabled) is someone else's."""
    a, b, c = unit_factory("A", plugins=("example",)), unit_factory("B", plugins=("example",)), unit_factory("C")
    due = date.today() + timedelta(days=20)
    with state.transaction() as s:
        for unit, title in ((a, "Việc của A"), (b, "VIEC-CUA-B"), (c, "Việc của C")):
            plan = create_plan(s, s.get(Unit, unit.id), number="7", symbol=f"KH-{unit.code}", title="Kế hoạch",
                               year=due.year, issue_date=date(due.year, 1, 1))
            transition_plan(s, plan, "issued")
            add_task(s, plan, title=title, due_date=due)
    user = user_factory("lichcanhan", roles=[(a, "core.staff"), (c, "core.staff")])
    return {"a": a, "b": b, "c": c, "user": user, "client": login(user), "due": due}


def subscribe(client) -> tuple[str, str]:
    page = client.post("/admin/calendar_feed/new").get_data(as_text=True)
    url, token = FEED_RE.search(page).groups()
    return url, token


def events_of(app, url) -> list:
    response = app.test_client().get(url)   # no login: the token is the key
    assert response.status_code == 200 and response.mimetype == "text/calendar"
    return icalendar.Calendar.from_ical(response.data).walk("VEVENT")


def test_feed_parses_and_holds_enabled_programmes_for_my_units_only(app, world):
    url, _ = subscribe(world["client"])
    events = events_of(app, url)
    summaries = [str(e["SUMMARY"]) for e in events]
    example = [e for e in events if str(e["SUMMARY"]).startswith("Hạn báo cáo mẫu")]
    assert example and {str(e["SUMMARY"]) for e in example} == {"Hạn báo cáo mẫu – A"}
    assert all(e.decoded("DTSTART").day == 15 for e in example)
    assert len({str(e["UID"]) for e in events}) == len(events)                 # stable, unique ids
    tasks = {s for s in summaries if s.startswith("Hạn nhiệm vụ")}
    assert tasks == {"Hạn nhiệm vụ: Việc của A (7/KH-A)", "Hạn nhiệm vụ: Việc của C (7/KH-C)"}
    task_event = next(e for e in events if "Việc của A" in str(e["SUMMARY"]))
    assert task_event.decoded("DTSTART") == world["due"] and "/admin/plans/task/" in str(task_event["URL"])
    assert not any("B" in s.split("–")[-1] or "VIEC-CUA-B" in s for s in summaries)


def test_only_the_hash_is_stored_and_the_token_is_audited_without_it(world, state):
    _, token = subscribe(world["client"])
    with state.transaction() as s:
        row = s.scalar(select(CalendarFeedToken))
        assert row.token_hash == hashlib.sha256(token.encode()).hexdigest() and token not in row.token_hash
        entry = s.scalar(select(AuditLog).where(AuditLog.table_name == "core_calendar_feed_token"))
        assert entry.action == "create" and "token_hash" not in entry.changes
        assert token not in str(entry.changes)


def test_revoked_replaced_unknown_or_malformed_tokens_answer_404(app, world, state):
    client = world["client"]
    first_url, _ = subscribe(client)
    second_url, _ = subscribe(client)                                         # a new link replaces the old
    anonymous = app.test_client()
    assert anonymous.get(first_url).status_code == 404
    assert anonymous.get(second_url).status_code == 200
    confirm = client.get("/admin/calendar_feed/revoke").get_data(as_text=True)
    assert "Xác nhận thu hồi" in confirm
    client.post("/admin/calendar_feed/revoke")
    response = anonymous.get(second_url)
    assert response.status_code == 404 and "BEGIN:VCALENDAR" not in response.get_data(as_text=True)
    for bad in ("x" * 43, "short", "a" * 300, "..%2F..%2Fetc"):
        assert anonymous.get(f"/calendar/{bad}.ics").status_code == 404
    page = client.get("/admin/calendar_feed/").get_data(as_text=True)
    assert "chưa có đường dẫn lịch cá nhân nào đang hoạt động" in page
    with state.transaction() as s:
        assert s.scalar(select(CalendarFeedToken).where(CalendarFeedToken.revoked_at.is_(None))) is None


def test_a_deactivated_user_and_a_lost_membership_show_nothing(app, world, state):
    url, token = subscribe(world["client"])
    from core.models import Membership, User
    with state.transaction() as s:
        for m in s.scalars(select(Membership).where(Membership.user_id == world["user"].id)):
            s.delete(m)
    events = events_of(app, url)
    assert events == []
    with state.transaction() as s:
        s.get(User, world["user"].id).active = False
        assert user_for_token(s, token) is None
    assert app.test_client().get(url).status_code == 404


def test_token_services(world, state):
    from core.models import User
    with state.transaction() as s:
        user = s.get(User, world["user"].id)
        raw = issue_token(s, user)
        assert user_for_token(s, raw).id == user.id and user_for_token(s, raw + "x") is None
        assert revoke_tokens(s, user) == 1 and user_for_token(s, raw) is None
        assert revoke_tokens(s, user) == 0

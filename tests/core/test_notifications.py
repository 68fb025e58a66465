"""In-app notifications: the service, the bell in the navbar, the page, and their protections."""
import re

import pytest
from sqlalchemy import select

from core import toolkit
from core.models import Notification
from core.notifications import list_for_user, mark_read, notify, unread_count
from core.services import ServiceError

BELL = re.compile(r'id="cchc-unread-count"[^>]*>(\d+)<')


def bell(client) -> int:
    page = client.get("/admin/").get_data(as_text=True)
    match = BELL.search(page)
    assert match, "the navbar has no bell"
    return int(match.group(1))


def give(state, user, *titles, **fields) -> list[int]:
    with state.transaction() as s:
        return [notify(s, user.id, title, body=f"Nội dung {title}", link=fields.get("link", ""),
                       dedupe_key=f"test:{title}").id for title in titles]


def test_notify_is_idempotent_per_user_and_key(state, user_factory):
    lan, minh = user_factory("lan"), user_factory("minh")
    with state.transaction() as s:
        first = notify(s, lan.id, "Có hồ sơ mới", dedupe_key="dossier:1")
        assert first is not None and notify(s, lan.id, "Có hồ sơ mới (lần 2)", dedupe_key="dossier:1") is None
        assert notify(s, minh.id, "Có hồ sơ mới", dedupe_key="dossier:1") is not None  # the key is per user
        assert toolkit.notify is notify and notify(s, lan.id, "Không khoá") and notify(s, lan.id, "Không khoá")
    with state.transaction() as s:
        assert unread_count(s, lan.id) == 3 and unread_count(s, minh.id) == 1
        assert [n.title for n in s.scalars(select(Notification).where(Notification.dedupe_key == "dossier:1")
                                           .where(Notification.user_id == lan.id))] == ["Có hồ sơ mới"]


def test_bad_input_is_refused_clearly_and_nothing_is_saved(state, user_factory):
    lan = user_factory("lan")
    with state.transaction() as s:
        for call, message in ((lambda: notify(s, lan.id, "  "), "cần có tiêu đề"),
                              (lambda: notify(s, 999999, "Xin chào"), "Không có người dùng"),
                              (lambda: notify(s, lan.id, "X", dedupe_key="k" * 201), "Khoá chống trùng"),
                              (lambda: mark_read(s, lan.id, "everything"), "không hợp lệ")):
            with pytest.raises(ServiceError, match=message):
                call()
        assert unread_count(s, lan.id) == 0 and mark_read(s, lan.id, []) == 0


def test_listing_is_paginated_newest_first(state, user_factory):
    lan = user_factory("lan")
    give(state, lan, *[f"Thông báo {i:02d}" for i in range(25)])
    with state.transaction() as s:
        first, second = list_for_user(s, lan.id, page=1), list_for_user(s, lan.id, page=2)
        assert (first.total, first.pages, len(first.items), len(second.items)) == (25, 2, 20, 5)
        assert first.items[0].title == "Thông báo 24" and second.items[-1].title == "Thông báo 00"
        assert first.has_next and not second.has_next and list_for_user(s, lan.id, page=9).items == []
        mark_read(s, lan.id, [first.items[0].id])
        assert list_for_user(s, lan.id, unread_only=True).total == 24


def test_bell_counts_and_mark_read_single_and_all_over_http(state, user_factory, login):
    lan = user_factory("lan")
    ids = give(state, lan, "Sắp đến hạn: Báo cáo quý", "Quá hạn: Rà soát", "Có văn bản mới",
               link="/admin/plan_tasks/edit/?id=7")
    client = login(lan)
    assert bell(client) == 3
    assert client.get("/admin/notifications/count").get_json() == {"unread": 3}
    page = client.get("/admin/notifications/").get_data(as_text=True)
    assert "Quá hạn: Rà soát" in page and "3 chưa đọc" in page
    assert re.search(r"\d{2}/\d{2}/\d{4} \d{2}:\d{2}", page)  # dd/mm/yyyy HH:MM, office time

    response = client.post(f"/admin/notifications/{ids[0]}/read")
    assert response.status_code == 302 and bell(client) == 2
    # "Open" marks read and follows the notification's own link; a foreign site is never a target.
    response = client.post(f"/admin/notifications/{ids[1]}/read", data={"next": "/admin/plan_tasks/edit/?id=7"})
    assert response.headers["Location"].endswith("/admin/plan_tasks/edit/?id=7") and bell(client) == 1
    response = client.post(f"/admin/notifications/{ids[2]}/read", data={"next": "https://evil.example/x"})
    assert "evil" not in response.headers["Location"]

    give(state, lan, "Một", "Hai")
    assert bell(client) == 2
    response = client.post("/admin/notifications/read-all", follow_redirects=True)
    assert "Đã đánh dấu 2 thông báo là đã đọc" in response.get_data(as_text=True)
    assert bell(client) == 0


def test_another_users_notifications_can_be_neither_seen_nor_marked(state, user_factory, login):
    lan, minh = user_factory("lan"), user_factory("minh")
    [secret] = give(state, minh, "Bí mật của Minh")
    give(state, lan, "Của Lan")
    client = login(lan)
    assert "Bí mật của Minh" not in client.get("/admin/notifications/").get_data(as_text=True)
    assert client.post(f"/admin/notifications/{secret}/read").status_code == 404
    assert client.post("/admin/notifications/999999/read").status_code == 404
    client.post("/admin/notifications/read-all")
    with state.transaction() as s:
        assert unread_count(s, minh.id) == 1 and unread_count(s, lan.id) == 0
        assert mark_read(s, lan.id, [secret]) == 0 and unread_count(s, minh.id) == 1
    assert bell(login(minh)) == 1


def test_posts_without_csrf_are_refused_and_anonymous_users_are_sent_to_login(state, user_factory, login, client):
    lan = user_factory("lan")
    [one] = give(state, lan, "Cần đọc")
    lan_client = login(lan)
    assert lan_client.post(f"/admin/notifications/{one}/read", csrf=False).status_code == 400
    assert lan_client.post("/admin/notifications/read-all", csrf=False).status_code == 400
    assert bell(lan_client) == 1
    for url in ("/admin/notifications/", "/admin/notifications/count"):
        response = client.get(url)
        assert response.status_code == 302 and "/login" in response.headers["Location"]

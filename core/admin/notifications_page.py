"""The user's own notifications: the bell in the navbar, the list, mark as read (one or all).

Every user sees only their own rows; another user's notification id answers 404, as if it did not
exist. The logic is in ``core.notifications``; this module only adapts it to HTTP.
"""
from __future__ import annotations

from urllib.parse import urlsplit

from flask import Flask, abort, flash, jsonify, redirect, request, url_for
from flask_admin import Admin, BaseView, expose
from flask_login import current_user

from core import notifications
from core.admin.base import local_datetime
from core.app import current_state

ENDPOINT = "notifications"


def _session():
    return current_state().db.session()


def _safe_next(target: str | None) -> str | None:
    # Only paths of this site: a notification link must not become an open redirect.
    if not target:
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not target.startswith("/") or target.startswith("//"):
        return None
    return target


class NotificationsPage(BaseView):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def is_visible(self) -> bool:
        return False  # reached from the bell, not from the menu

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        page = request.args.get("page", "1")
        unread_only = request.args.get("unread") == "1"
        listing = notifications.list_for_user(_session(), current_user.id, page=int(page) if page.isdigit() else 1,
                                              unread_only=unread_only)
        return self.render("admin/cchc_notifications.html", listing=listing, unread_only=unread_only,
                           unread=notifications.unread_count(_session(), current_user.id), when=local_datetime)

    @expose("/count")
    def count(self):
        return jsonify(unread=notifications.unread_count(_session(), current_user.id))

    @expose("/<int:notification_id>/read", methods=["POST"])
    def read(self, notification_id: int):
        session = _session()
        row = notifications.get_for_user(session, current_user.id, notification_id)
        if row is None:
            abort(404)
        notifications.mark_read(session, current_user.id, [row.id])
        target = _safe_next(request.form.get("next"))
        session.commit()
        return redirect(target or url_for(".index"))

    @expose("/read-all", methods=["POST"])
    def read_all(self):
        session = _session()
        changed = notifications.mark_read(session, current_user.id, "all")
        session.commit()
        flash(f"Đã đánh dấu {changed} thông báo là đã đọc." if changed else "Không còn thông báo chưa đọc.", "success")
        return redirect(url_for(".index"))


def init_app(app: Flask, admin: Admin) -> None:
    """Add the page and give every template ``cchc_unread_count()`` for the bell."""
    admin.add_view(NotificationsPage(name="Thông báo", endpoint=ENDPOINT, url="/admin/notifications"))

    @app.context_processor
    def _bell():
        def cchc_unread_count() -> int:
            # A callable, so that only pages that draw the bell pay for the query.
            if not current_user.is_authenticated:
                return 0
            return notifications.unread_count(_session(), current_user.id)
        return {"cchc_unread_count": cchc_unread_count}

"""The back office (Flask-Admin): core pages under "System", one menu category per plugin."""
from __future__ import annotations

from flask import Flask, redirect, url_for
from flask_admin import Admin
from flask_admin.theme import Bootstrap4Theme

from core.admin.dashboard import DashboardView

SYSTEM_CATEGORY = "Hệ thống"


def init_admin(app: Flask, state) -> Admin:
    admin = Admin(
        app,
        name="CCHC Suite",
        index_view=DashboardView(name="Trang chủ", url="/admin", endpoint="admin"),
        theme=Bootstrap4Theme(base_template="admin/cchc_base.html", fluid=True),
    )
    from core.admin.core_views import core_views
    for view in core_views(state.db.session):
        view.category = view.category or SYSTEM_CATEGORY
        admin.add_view(view)
    from core.admin.scheduling_views import scheduling_views  # plans, shared calendar, .ics feed page
    admin.add_views(*scheduling_views(state.db.session))
    from core.admin.notifications_page import init_app as init_notifications
    init_notifications(app, admin)  # the navbar bell and the notifications page
    for plugin, views in state.registry.call_each("register_admin_views", session=state.db.session):
        label = state.registry.get(plugin).label
        for view in views or []:
            view.plugin = plugin
            view.category = label
            admin.add_view(view)

    @app.route("/")
    def home():
        return redirect(url_for("admin.index"))

    return admin

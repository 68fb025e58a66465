"""The home page: cards from every plugin enabled for the user's units."""
from __future__ import annotations

from flask import redirect, request, url_for
from flask_admin import AdminIndexView, expose
from flask_login import current_user
from sqlalchemy import select

from core.app import access_context, current_state
from core.models import Unit
from core.plugins import dispatch_for_units


class DashboardView(AdminIndexView):
    def is_accessible(self) -> bool:
        return current_user.is_authenticated

    def inaccessible_callback(self, name, **kwargs):
        return redirect(url_for("auth.login", next=request.full_path))

    @expose("/")
    def index(self):
        state = current_state()
        session = state.db.session()
        unit_ids = sorted(access_context().member_units)
        units = list(session.scalars(select(Unit).where(Unit.id.in_(unit_ids)).order_by(Unit.code))) if unit_ids else []
        cards = dispatch_for_units(session, "dashboard_cards", units, user=current_user._get_current_object())
        return self.render("admin/cchc_dashboard.html", cards=cards)

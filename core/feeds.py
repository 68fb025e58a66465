"""The personal iCalendar feed at ``/calendar/<token>.ics``: no login, the secret token is the key.

An unknown, malformed or revoked token answers 404 and reveals nothing. The feed holds the events of
every programme enabled for the token owner's units (hook ``calendar_events``) and the deadlines of
the tasks in the units where the owner may read plans, from a month back to a year ahead.
"""
from __future__ import annotations

from datetime import timedelta

from flask import Blueprint, Flask, Response, abort, current_app, url_for

from core.access import AccessContext
from core.office_time import today_in_office
from core.scheduling.feed_tokens import build_ics, user_for_token
from core.scheduling.shared_calendar import gather_events

bp = Blueprint("core_feeds", __name__)
DAYS_BACK, DAYS_AHEAD = 31, 366


@bp.route("/calendar/<token>.ics")
def calendar_feed(token: str):
    state = current_app.extensions["cchc"]
    session = state.db.session()
    user = user_for_token(session, token)
    if user is None:
        abort(404)
    access = AccessContext.for_user(session, user)
    today = today_in_office(state.settings)
    events = gather_events(
        session, today - timedelta(days=DAYS_BACK), today + timedelta(days=DAYS_AHEAD), sorted(access.member_units),
        access.units_with("core.plans.read"),
        task_url=lambda task: url_for("plans.task_view", task_id=task.id, _external=True))
    body = build_ics(events, f"CCHC – {user.full_name or user.username}")
    return Response(body, mimetype="text/calendar", headers={
        "Content-Disposition": 'inline; filename="cchc.ics"',
        "Cache-Control": "private, no-store",
        "X-Robots-Tag": "noindex",
    })


def init_app(app: Flask) -> None:
    app.register_blueprint(bp)

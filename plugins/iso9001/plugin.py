"""Hook implementations of the ISO 9001 plugin: thin, everything real is in services and reports."""
from __future__ import annotations

from datetime import date

from core.toolkit import JobSpec, hookimpl
from plugins.iso9001 import demo, reports


@hookimpl
def register_admin_views(session):
    from plugins.iso9001.admin import admin_views
    return admin_views(session)


@hookimpl
def register_blueprints(app):
    from plugins.iso9001.views import public_blueprint
    return [public_blueprint()]


@hookimpl
def register_jobs():
    from plugins.iso9001.jobs import remind_job
    return [JobSpec("iso9001.reminders", "0 7 * * 1-5", remind_job,
                    "Nhắc hạn hành động khắc phục, xem xét của lãnh đạo, đánh giá nội bộ và công bố lại (7:00)")]


@hookimpl
def on_unit_enabled(session, unit):
    from plugins.iso9001.services.templates import ensure_default_template
    ensure_default_template(session, unit)  # the checklist from the clause tree, once per organisation


@hookimpl
def demo_data(session, units):
    demo.build(session, units)


@hookimpl
def calendar_events(session, start: date, end: date, units):
    return reports.calendar_events(session, start, end, [u.id for u in units])


@hookimpl
def report_sections(session, period, units):
    return reports.report_sections(session, period, [u.id for u in units])


@hookimpl
def report_metrics(session, period, units):
    return reports.report_metrics(session, period, [u.id for u in units])


@hookimpl
def dashboard_cards(session, user, units):
    return reports.dashboard_cards(session, [u.id for u in units])

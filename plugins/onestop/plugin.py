"""Hook implementations of the one-stop plugin: thin, everything real is in services."""
from __future__ import annotations

from datetime import date

from core.toolkit import JobSpec, hookimpl, settings_of
from plugins.onestop import demo, reports


@hookimpl
def register_admin_views(session):
    from plugins.onestop.admin import admin_views
    return admin_views(session)


@hookimpl
def register_blueprints(app):
    from plugins.onestop.views import public_blueprint
    return [public_blueprint()]


@hookimpl
def register_cli(cli):
    from plugins.onestop.cli import onestop
    cli.add_command(onestop)


@hookimpl
def register_jobs():
    from plugins.onestop.jobs import remind_due_and_overdue
    return [JobSpec("onestop.reminders", "0 7 * * 1-5", remind_due_and_overdue,
                    "Nhắc hồ sơ sắp đến hạn và quá hạn (7:00 các ngày làm việc)")]


@hookimpl
def demo_data(session, units):
    demo.build(session, settings_of(session), units)


@hookimpl
def calendar_events(session, start: date, end: date, units):
    return reports.appointment_events(session, start, end, [u.id for u in units])


@hookimpl
def report_sections(session, period, units):
    return reports.report_sections(session, period, [u.id for u in units])


@hookimpl
def report_metrics(session, period, units):
    return reports.report_metrics(session, period, [u.id for u in units])


@hookimpl
def dashboard_cards(session, user, units):
    return reports.dashboard_cards(session, [u.id for u in units])


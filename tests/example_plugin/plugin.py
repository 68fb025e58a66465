"""Hook implementations of the example plugin. ``CALLS`` records every call for the tests."""
import click
from flask import Blueprint
from sqlalchemy import func, select

from datetime import date

from core.toolkit import (CalendarEvent, DashboardCard, JobSpec, Metric, ReportSection, ScopedModelView,
                          ServiceError, hookimpl)

from .models import ExampleRecord

CALLS: list[tuple[str, object]] = []


class ExampleRecordView(ScopedModelView):
    permission = "example.records.read"
    write_permission = "example.records.write"
    column_list = ("title", "amount", "unit_id")
    column_searchable_list = ("title",)
    form_columns = ("title", "amount", "unit_id")


@hookimpl
def register_admin_views(session):
    return [ExampleRecordView(ExampleRecord, session, name="Hồ sơ mẫu", endpoint="example_records")]


@hookimpl
def register_blueprints(app):
    bp = Blueprint("example_public", __name__, url_prefix="/example")

    @bp.route("/ping")
    def ping():
        return {"plugin": "example", "ok": True}

    return [bp]


@hookimpl
def register_cli(cli):
    @cli.group(name="example", help="Lệnh của phân hệ mẫu.")
    def group():
        pass

    @group.command(help="Đếm hồ sơ mẫu.")
    def count():
        click.echo("example records: ok")


@hookimpl
def demo_data(session, units):
    CALLS.append(("demo_data", sorted(units)))
    for code, unit in units.items():
        exists = session.scalar(select(ExampleRecord.id).where(ExampleRecord.unit_id == unit.id))
        if exists is None:
            session.add(ExampleRecord(unit_id=unit.id, title=f"Hồ sơ mẫu {code}", amount=1))


@hookimpl
def on_unit_enabled(session, unit):
    CALLS.append(("on_unit_enabled", unit.code))
    if unit.code == "REFUSE":
        raise ServiceError("Đơn vị REFUSE không được bật phân hệ mẫu")


@hookimpl
def on_unit_disabled(session, unit):
    CALLS.append(("on_unit_disabled", unit.code))


@hookimpl
def handle_event(session, event):
    CALLS.append(("handle_event", event.kind))
    if event.payload.get("fail"):
        raise RuntimeError("example handler failed on purpose")
    if event.payload.get("title"):
        session.add(ExampleRecord(unit_id=event.unit_id, title=event.payload["title"], amount=0))


@hookimpl
def report_sections(session, period, units):
    ids = [u.id for u in units]
    count = session.scalar(select(func.count(ExampleRecord.id)).where(ExampleRecord.unit_id.in_(ids)))
    CALLS.append(("report_sections", sorted(u.code for u in units)))
    return [ReportSection(title="Hồ sơ mẫu", paragraphs=[f"Có {count} hồ sơ mẫu."], plugin="example")]


@hookimpl
def report_metrics(session, period, units):
    ids = [u.id for u in units]
    count = session.scalar(select(func.count(ExampleRecord.id)).where(ExampleRecord.unit_id.in_(ids)))
    return [Metric(name="example.records", label="Số hồ sơ mẫu", value=count)]


@hookimpl
def dashboard_cards(session, user, units):
    ids = [u.id for u in units]
    count = session.scalar(select(func.count(ExampleRecord.id)).where(ExampleRecord.unit_id.in_(ids)))
    return [DashboardCard(title="Hồ sơ mẫu", value=count, hint="trong các đơn vị của bạn")]


def tick(ctx):
    """Writes one record per enabled unit and scheduled minute: duplicates would show in tests."""
    for unit in ctx.units:
        ctx.session.add(ExampleRecord(unit_id=unit.id, title=f"tick {ctx.scheduled_for:%Y-%m-%dT%H:%M}", amount=0))


def flaky(ctx):
    CALLS.append(("flaky", ctx.scheduled_for))
    if ctx.session.scalar(select(ExampleRecord.id).where(ExampleRecord.title == "make-flaky-fail")):
        raise RuntimeError("flaky job failed on purpose")
    ctx.session.add(ExampleRecord(unit_id=ctx.units[0].id, title="flaky ran", amount=0))


@hookimpl
def register_jobs():
    return [
        JobSpec("example.tick", "* * * * *", tick, "Ghi một hồ sơ mỗi phút"),
        JobSpec("example.flaky", "@every 1h", flaky, "Tác vụ có thể lỗi"),
    ]


@hookimpl
def calendar_events(session, start, end, units):
    """A monthly report deadline on the 15th for each enabled unit."""
    events = []
    month = date(start.year, start.month, 1)
    while month <= end:
        day = month.replace(day=15)
        if start <= day <= end:
            events.extend(CalendarEvent(title=f"Hạn báo cáo mẫu – {u.code}", start=day, unit_id=u.id,
                                        uid=f"example-report-{u.id}-{day:%Y%m}", plugin="example") for u in units)
        month = date(month.year + (month.month == 12), month.month % 12 + 1, 1)
    return events

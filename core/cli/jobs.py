"""``cchc jobs``: the runner process, the list of jobs, one-off runs and schedule changes."""
from __future__ import annotations

import time
from datetime import datetime, timezone

import click

from core.cli import cli, handle_errors, state_of
from core.i18n import format_date
from core.models import JobState
from core.scheduling.core_jobs import core_jobs
from core.scheduling.jobs import JobRegistry, Runner, set_schedule, sync_states


def _registry(state) -> JobRegistry:
    return JobRegistry.collect(state, core_jobs())


def _clock(start: datetime | None, speed: float, epoch: float | None):
    if start is None:
        return None
    start = start.replace(tzinfo=timezone.utc) if start.tzinfo is None else start
    epoch = epoch if epoch is not None else time.time()
    return lambda: datetime.fromtimestamp(start.timestamp() + (time.time() - epoch) * speed, timezone.utc)


@cli.group(help="Tác vụ định kỳ (recurring jobs).")
def jobs():
    pass


@jobs.command("run", help="Chạy tiến trình thực thi tác vụ (có thể chạy nhiều tiến trình cùng lúc).")
@click.option("--poll", default=5.0, show_default=True, help="Số giây chờ khi không có tác vụ đến hạn.")
@click.option("--stop-after", type=float, default=None, help="Dừng sau số giây này (mặc định: chạy mãi).")
@click.option("--clock-start", type=click.DateTime(), default=None, hidden=True,
              help="Simulated clock for tests: UTC start time.")
@click.option("--clock-speed", type=float, default=1.0, hidden=True, help="Simulated seconds per real second.")
@click.option("--clock-epoch", type=float, default=None, hidden=True, help="Real UNIX time the simulation starts at.")
@click.pass_context
@handle_errors
def run(ctx, poll, stop_after, clock_start, clock_speed, clock_epoch):
    state = state_of(ctx)
    runner = Runner(state, _registry(state), clock=_clock(clock_start, clock_speed, clock_epoch))
    click.echo(f"Bắt đầu chạy tác vụ ({len(runner.jobs.jobs)} tác vụ) – runner {runner.name}")
    runner.serve_forever(poll_seconds=poll, stop_after=stop_after)


@jobs.command("list", help="Liệt kê tác vụ: lịch, lần chạy kế tiếp, lần chạy trước, trạng thái, lỗi.")
@click.pass_context
@handle_errors
def list_jobs(ctx):
    state = state_of(ctx)
    registry = _registry(state)
    with state.transaction() as session:
        sync_states(session, registry, datetime.now(timezone.utc), state.settings["app.timezone"])
        rows = {row.name: row for row in session.query(JobState)}
        if not registry.jobs:
            click.echo("Chưa có tác vụ nào được đăng ký (no jobs registered).")
        for name in sorted(registry.jobs):
            row = rows[name]
            click.echo(f"{name}  [{row.schedule}]  kế tiếp: {format_date(row.next_run_at)}  "
                       f"trước: {format_date(row.last_run_at) or '-'}  trạng thái: {row.last_status}"
                       + (f"  lỗi: {row.last_error}" if row.last_error else ""))


@jobs.command("run-once", help="Chạy ngay một tác vụ, ngoài lịch.")
@click.argument("name")
@click.pass_context
@handle_errors
def run_once(ctx, name):
    state = state_of(ctx)
    Runner(state, _registry(state)).run_once(name)
    click.echo(f"Đã chạy {name} (done).")


@jobs.command("schedule", help="Đổi lịch chạy của một tác vụ (cron 5 trường hoặc '@every 10m').")
@click.argument("name")
@click.argument("schedule")
@click.pass_context
@handle_errors
def schedule(ctx, name, schedule):
    state = state_of(ctx)
    registry = _registry(state)
    registry.get(name)
    now = datetime.now(timezone.utc)
    with state.transaction() as session:
        sync_states(session, registry, now, state.settings["app.timezone"])
        row = set_schedule(session, name, schedule, now, state.settings["app.timezone"])
        click.echo(f"Đã đặt lịch {name}: {row.schedule}; lần chạy kế tiếp {format_date(row.next_run_at)}.")

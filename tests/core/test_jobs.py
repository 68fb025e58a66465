"""Recurring jobs: registration, the runner's bookkeeping, failures and retries, the CLI."""
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import func, select

from core.models import JobRun, JobState
from core.scheduling.jobs import JobRegistry, Runner, next_occurrence, sync_states, validate_schedule
from core.services import ServiceError
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS
T0 = datetime(2026, 3, 2, 1, 0, 30, tzinfo=timezone.utc)  # 08:00:30 in Hà Nội


class FakeClock:
    def __init__(self, now):
        self.now = now

    def __call__(self):
        return self.now


def _runner(state, clock):
    registry = JobRegistry.collect(state)
    with state.transaction() as s:
        sync_states(s, registry, clock(), "Asia/Ho_Chi_Minh")
    return Runner(state, registry, clock=clock, name="test")


def test_schedules_parse_or_are_refused_clearly():
    assert next_occurrence("*/15 * * * *", T0) == datetime(2026, 3, 2, 1, 15, tzinfo=timezone.utc)
    assert next_occurrence("0 8 * * 1-5", T0) == datetime(2026, 3, 3, 1, 0, tzinfo=timezone.utc)  # office time
    assert next_occurrence("@every 10m", T0) == T0 + timedelta(minutes=10)
    for bad in ("61 * * * *", "every day", "@every 0m", ""):
        with pytest.raises(ServiceError, match="không hợp lệ|lớn hơn 0"):
            validate_schedule(bad)


def test_runner_runs_each_due_minute_once_for_enabled_units_only(state, unit_factory):
    on = unit_factory("ON", plugins=("example",))
    unit_factory("OFF")
    clock = FakeClock(T0)
    runner = _runner(state, clock)
    clock.now = T0 + timedelta(minutes=5)
    assert runner.run_due() >= 5
    assert runner.run_due() == 0
    with state.transaction() as s:
        titles = list(s.scalars(select(ExampleRecord.title).where(ExampleRecord.title.like("tick %"))))
        assert sorted(titles) == [f"tick 2026-03-02T01:0{m}" for m in range(1, 6)]
        assert {r for r in s.scalars(select(ExampleRecord.unit_id))} == {on.id}
        assert s.scalar(select(func.count(JobRun.id)).where(JobRun.job == "example.tick")) == 5


def test_failing_job_is_recorded_rolled_back_and_retried(state, unit_factory):
    unit = unit_factory("F", plugins=("example",))
    with state.transaction() as s:
        s.add(ExampleRecord(unit_id=unit.id, title="make-flaky-fail"))
    clock = FakeClock(T0)
    runner = _runner(state, clock)
    clock.now = T0 + timedelta(hours=1, seconds=1)
    runner.run_due()
    with state.transaction() as s:
        row = s.get(JobState, "example.flaky")
        assert row.last_status == "failed" and "failed on purpose" in row.last_error and row.failures == 1
        assert s.scalar(select(ExampleRecord.id).where(ExampleRecord.title == "flaky ran")) is None
        retry_at = row.next_run_at.replace(tzinfo=timezone.utc) if row.next_run_at.tzinfo is None else row.next_run_at
        assert retry_at <= clock.now + timedelta(minutes=5)
        s.execute(ExampleRecord.__table__.delete().where(ExampleRecord.title == "make-flaky-fail"))
    clock.now += timedelta(minutes=6)
    runner.run_due()
    with state.transaction() as s:
        assert s.get(JobState, "example.flaky").last_status == "ok"
        assert s.scalar(select(ExampleRecord.id).where(ExampleRecord.title == "flaky ran")) is not None


def test_cli_lists_runs_once_and_reschedules(cli, state, unit_factory):
    unit_factory("C", plugins=("example",))
    listing = cli("jobs", "list")
    assert listing.exit_code == 0 and "example.tick" in listing.output and "[* * * * *]" in listing.output
    assert cli("jobs", "run-once", "example.tick").exit_code == 0
    with state.transaction() as s:
        assert s.scalar(select(func.count(ExampleRecord.id)).where(ExampleRecord.title.like("tick %"))) == 1
    bad = cli("jobs", "schedule", "example.tick", "*/99 * * *")
    assert bad.exit_code == 1 and "không hợp lệ" in bad.output
    with state.transaction() as s:
        assert s.get(JobState, "example.tick").schedule == "* * * * *"
    assert cli("jobs", "schedule", "example.tick", "@every 2h").exit_code == 0
    with state.transaction() as s:
        assert s.get(JobState, "example.tick").schedule == "@every 2h"
    assert cli("jobs", "run-once", "nope").exit_code == 1

"""Recurring jobs: state in the database, several runners, each due occurrence run exactly once.

A runner claims the earliest due job row with ``SELECT … FOR UPDATE SKIP LOCKED`` (PostgreSQL; on
SQLite the ``BEGIN IMMEDIATE`` write lock serialises runners) and runs the job *in that same
transaction*, together with the bookkeeping: the occurrence row (unique per job and scheduled time)
and the advanced ``next_run_at``. Success commits all of it at once; a failure or a crash rolls it
all back, so the occurrence is neither lost nor doubled. Failures are then recorded in a separate
transaction and retried after ``RETRY_DELAY``.
"""
from __future__ import annotations

import logging
import os
import re
import socket
import time as time_module
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Callable, Iterable
from zoneinfo import ZoneInfo

from croniter import croniter
from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models import JobRun, JobState, PluginEnablement, Unit
from core.scheduling.types import JobContext, JobSpec
from core.services import ServiceError

log = logging.getLogger("cchc.jobs")
RETRY_DELAY = timedelta(minutes=5)
EVERY = re.compile(r"^@every\s+(\d+)\s*([smh])$")
UNITS = {"s": "seconds", "m": "minutes", "h": "hours"}


def as_utc(moment: datetime) -> datetime:
    # SQLite hands back naive datetimes; everything is stored in UTC.
    return moment.replace(tzinfo=timezone.utc) if moment.tzinfo is None else moment.astimezone(timezone.utc)


def validate_schedule(schedule: str) -> str:
    schedule = (schedule or "").strip()
    match = EVERY.match(schedule)
    if match:
        if int(match.group(1)) <= 0:
            raise ServiceError(f"Chu kỳ {schedule!r} phải lớn hơn 0 (interval must be positive)")
        return schedule
    if not croniter.is_valid(schedule):
        raise ServiceError(
            f"Biểu thức lịch chạy {schedule!r} không hợp lệ: dùng cron 5 trường (ví dụ '*/15 * * * *') "
            f"hoặc '@every 10m' (cron expression does not parse)"
        )
    return schedule


def next_occurrence(schedule: str, after: datetime, tz: str = "Asia/Ho_Chi_Minh") -> datetime:
    """The first occurrence strictly after ``after`` (UTC in, UTC out; cron is read in office time)."""
    after = as_utc(after)
    match = EVERY.match(schedule.strip())
    if match:
        return after + timedelta(**{UNITS[match.group(2)]: int(match.group(1))})
    local = after.astimezone(ZoneInfo(tz))
    return croniter(schedule, local).get_next(datetime).astimezone(timezone.utc)


@dataclass(frozen=True)
class RegisteredJob:
    spec: JobSpec
    plugin: str | None  # None for the core's own jobs


class JobRegistry:
    def __init__(self, jobs: Iterable[RegisteredJob]):
        self.jobs = {job.spec.name: job for job in jobs}
        for name, job in self.jobs.items():
            try:
                validate_schedule(job.spec.schedule)
            except ServiceError as exc:
                raise ServiceError(f"Tác vụ {name} ({job.plugin or 'core'}): {exc}") from None

    @classmethod
    def collect(cls, state, core_jobs: Iterable[JobSpec] = ()) -> "JobRegistry":
        found = [RegisteredJob(spec, None) for spec in core_jobs]
        for plugin, specs in state.registry.call_each("register_jobs"):
            found.extend(RegisteredJob(spec, plugin) for spec in specs or [])
        return cls(found)

    def get(self, name: str) -> RegisteredJob:
        if name not in self.jobs:
            raise ServiceError(f"Không có tác vụ {name!r}; có: {', '.join(sorted(self.jobs)) or '(none)'} (unknown job)")
        return self.jobs[name]


def sync_states(session: Session, jobs: JobRegistry, now: datetime, tz: str) -> None:
    """Create state rows for new jobs; a schedule set by an operator (``cchc jobs schedule``) is kept.

    Runners start together, so the insert skips rows another runner created a moment ago.
    """
    rows = [{"name": name, "schedule": job.spec.schedule, "last_status": "never", "last_error": "", "runs": 0,
             "failures": 0, "next_run_at": next_occurrence(job.spec.schedule, now - timedelta(seconds=1), tz)}
            for name, job in jobs.jobs.items()]
    if rows:
        dialect = session.get_bind().dialect.name
        upsert = (postgresql.insert if dialect == "postgresql" else sqlite.insert)(JobState)
        session.execute(upsert.on_conflict_do_nothing(index_elements=["name"]), rows)


def set_schedule(session: Session, name: str, schedule: str, now: datetime, tz: str) -> JobState:
    schedule = validate_schedule(schedule)
    state = session.get(JobState, name)
    if state is None:
        raise ServiceError(f"Không có tác vụ {name!r} (unknown job)")
    state.schedule = schedule
    state.next_run_at = next_occurrence(schedule, now, tz)
    return state


def _units_for(session: Session, plugin: str | None) -> list[Unit]:
    query = select(Unit).order_by(Unit.code)
    if plugin is not None:
        query = query.join(PluginEnablement, PluginEnablement.unit_id == Unit.id).where(PluginEnablement.plugin == plugin)
    return list(session.scalars(query))


class Runner:
    def __init__(self, state, jobs: JobRegistry, clock: Callable[[], datetime] | None = None, name: str | None = None):
        self.state, self.jobs = state, jobs
        self.clock = clock or (lambda: datetime.now(timezone.utc))
        self.name = name or f"{socket.gethostname()}:{os.getpid()}"
        self.tz = state.settings["app.timezone"]

    def run_due(self) -> int:
        """Run due occurrences until none is left; return how many ran (successfully or not)."""
        count = 0
        while self.run_next():
            count += 1
        return count

    def run_next(self) -> bool:
        now = self.clock()
        session = self.state.prepare(self.state.db.session_factory())
        try:
            row = session.scalar(
                select(JobState).where(JobState.next_run_at <= now, JobState.name.in_(self.jobs.jobs))
                .order_by(JobState.next_run_at).limit(1).with_for_update(skip_locked=True)
            )
            if row is None:
                session.rollback()
                return False
            name, scheduled_for = row.name, as_utc(row.next_run_at)
            try:
                self._execute(session, row, scheduled_for, now)
                session.commit()
            except Exception as exc:  # any job failure is recorded, never fatal to the runner
                session.rollback()
                log.exception("job %s failed", name)
                self._record_failure(name, scheduled_for, now, exc)
            return True
        finally:
            session.close()

    def run_once(self, name: str) -> None:
        """Run ``name`` now, outside its schedule (``cchc jobs run-once``); errors propagate."""
        job = self.jobs.get(name)
        now = self.clock()
        with self.state.transaction() as session:
            sync_states(session, self.jobs, now, self.tz)
        with self.state.transaction() as session:
            row = session.get(JobState, name, with_for_update=True)
            self._execute(session, row, now, now, advance=False, job=job)

    def _execute(self, session, row: JobState, scheduled_for: datetime, now: datetime, advance: bool = True,
                 job: RegisteredJob | None = None) -> None:
        job = job or self.jobs.jobs[row.name]
        context = JobContext(session, self.state.settings, now, scheduled_for, _units_for(session, job.plugin))
        result = job.spec.func(context)
        # A job that did its work but met partial failures (an unreachable mail server, say) returns
        # them in ``errors``: they are shown on the job without rolling its work back.
        warning = "; ".join(getattr(result, "errors", None) or [])[:2000]
        session.add(JobRun(job=row.name, scheduled_for=scheduled_for, runner=self.name,
                           status="warning" if warning else "ok", error=warning))
        row.last_run_at, row.last_status, row.last_error = now, "warning" if warning else "ok", warning
        row.runs = (row.runs or 0) + 1
        if advance:
            row.next_run_at = next_occurrence(row.schedule, scheduled_for, self.tz)
        session.flush()

    def _record_failure(self, name: str, scheduled_for: datetime, now: datetime, exc: Exception) -> None:
        with self.state.transaction() as session:
            row = session.get(JobState, name, with_for_update=True)
            row.last_run_at, row.last_status = now, "failed"
            row.last_error = f"{type(exc).__name__}: {exc}"[:2000]
            row.failures = (row.failures or 0) + 1
            row.next_run_at = min(next_occurrence(row.schedule, scheduled_for, self.tz), now + RETRY_DELAY)

    def serve_forever(self, poll_seconds: float = 5.0, stop_after: float | None = None) -> None:
        with self.state.transaction() as session:
            sync_states(session, self.jobs, self.clock(), self.tz)
        started = time_module.monotonic()
        while stop_after is None or time_module.monotonic() - started < stop_after:
            if self.run_due() == 0:
                time_module.sleep(poll_seconds)

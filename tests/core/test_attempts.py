"""Attempt limits are counted in the database: every worker shares one budget per client."""
from datetime import datetime, timezone

from sqlalchemy import func, select

from core.attempts import KEEP_SECONDS, attempt_allowed, forget_old_attempts
from core.models import AttemptWindow
from core.scheduling.core_jobs import core_jobs
from core.scheduling.types import JobContext
from core.state import CoreState

MINUTE_START = 1_800_000_000.0  # a timestamp on a whole minute


def _attempts(state, client, count, limit=3, now=MINUTE_START):
    answers = []
    for _ in range(count):
        with state.transaction() as s:
            answers.append(attempt_allowed(s, client, limit, 60, now=now))
    return answers


def test_a_client_gets_its_limit_per_window_and_others_are_untouched(state):
    assert _attempts(state, "lookup:203.0.113.7", 5) == [True, True, True, False, False]
    assert _attempts(state, "lookup:198.51.100.4", 1) == [True]
    assert _attempts(state, "rate:203.0.113.7", 1) == [True], "each bucket has its own budget"
    assert _attempts(state, "lookup:203.0.113.7", 1, now=MINUTE_START + 59) == [False]
    assert _attempts(state, "lookup:203.0.113.7", 1, now=MINUTE_START + 60) == [True], "a new window"


def test_two_engines_on_one_database_share_the_budget(state):
    other_worker = CoreState.build(state.settings, state.registry)  # its own engine and pool, as a worker has
    assert other_worker.db.engine is not state.db.engine
    answers = []
    try:
        for worker in (state, other_worker, state, other_worker):
            with worker.transaction() as s:
                answers.append(attempt_allowed(s, "lookup:203.0.113.7", 3, 60, now=MINUTE_START))
    finally:
        other_worker.db.dispose()
    assert answers == [True, True, True, False]


def test_client_addresses_are_not_stored(state):
    _attempts(state, "lookup:203.0.113.7", 1)
    with state.transaction() as s:
        [key] = s.scalars(select(AttemptWindow.key)).all()
    assert "203.0.113.7" not in key and len(key) == 64


def test_the_hourly_job_forgets_old_windows(state):
    _attempts(state, "lookup:old", 1, now=MINUTE_START - KEEP_SECONDS - 60)
    _attempts(state, "lookup:recent", 1, now=MINUTE_START - 60)
    [job] = [spec for spec in core_jobs() if spec.name == "core.forget_attempts"]
    now = datetime.fromtimestamp(MINUTE_START, timezone.utc)
    with state.transaction() as s:
        assert job.func(JobContext(s, state.settings, now, now, [])) == 1
    with state.transaction() as s:
        assert s.scalar(select(func.count()).select_from(AttemptWindow)) == 1
        assert forget_old_attempts(s, MINUTE_START) == 0

"""Limits on guesses (a dossier code and its second factor, say) per client, across all workers.

Each attempt adds one to the counter of the client's current window with a single upsert, so every
gunicorn worker and every host sharing the database counts against the same budget. Windows are
fixed (e.g. each clock minute): a client gets at most ``limit`` attempts in one and, straddling two,
at most twice that in any 60 seconds. Refused attempts count too, so a client that keeps guessing
stays refused until a window passes in which it stopped.
"""
from __future__ import annotations

import hashlib
import time

from sqlalchemy import delete
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.models.attempts import AttemptWindow

# Counters of windows that started longer ago than this are deleted by the core.forget_attempts job.
KEEP_SECONDS = 3600


def attempt_allowed(session: Session, client: str, limit: int, window_seconds: int = 60,
                    now: float | None = None) -> bool:
    """Count one attempt of ``client`` (any string: a bucket and an address) and say whether it is
    within ``limit`` for the current window. The caller commits ``session``; the count holds a row
    lock until then, so keep that transaction short."""
    window_seconds = max(1, int(window_seconds))
    now = time.time() if now is None else now
    key = hashlib.sha256(f"{window_seconds}|{client}".encode()).hexdigest()
    table = AttemptWindow.__table__
    upsert = (postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert)(table)
    statement = upsert.values(key=key, window_start=int(now // window_seconds) * window_seconds, hits=1)
    statement = statement.on_conflict_do_update(index_elements=[table.c.key, table.c.window_start],
                                                set_={"hits": table.c.hits + 1}).returning(table.c.hits)
    return session.execute(statement).scalar_one() <= max(0, int(limit))


def forget_old_attempts(session: Session, now: float | None = None) -> int:
    """Delete the counters of windows that started over ``KEEP_SECONDS`` ago; return how many."""
    oldest_kept = int((time.time() if now is None else now) - KEEP_SECONDS)
    result = session.execute(delete(AttemptWindow).where(AttemptWindow.window_start < oldest_kept),
                             execution_options={"preserve_rowcount": True})
    return result.rowcount


def forget_attempts_job(context) -> int:
    return forget_old_attempts(context.session, context.now.timestamp())

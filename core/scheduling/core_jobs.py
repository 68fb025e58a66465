"""The core's own recurring jobs (the plugins' come from the ``register_jobs`` hook)."""
from __future__ import annotations

from core.scheduling.types import JobSpec


def core_jobs() -> list[JobSpec]:
    from core.scheduling import reminders  # imported here: it pulls in the mail and calendar services
    return list(reminders.JOBS)

"""The core's own recurring jobs (the plugins' come from the ``register_jobs`` hook)."""
from __future__ import annotations

from core.scheduling.types import JobSpec


def core_jobs() -> list[JobSpec]:
    from core.attempts import forget_attempts_job
    from core.scheduling import reminders  # imported here: it pulls in the mail and calendar services
    return [*reminders.JOBS, JobSpec("core.forget_attempts", "@every 1h", forget_attempts_job,
                                     "Xoá bộ đếm số lần tra cứu đã quá một giờ")]

"""register_jobs: every installed plugin's jobs are collected; they run for its enabled units only."""
import types
from datetime import datetime, timedelta, timezone

import pytest
from sqlalchemy import select

from core.plugins import PluginRegistry
from core.scheduling.jobs import JobRegistry, Runner, sync_states
from core.services import ServiceError
from core.toolkit import JobSpec, hookimpl
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


def test_hook_register_jobs_collects_plugin_jobs_and_runs_them_per_enabled_unit(state, unit_factory):
    enabled = unit_factory("JOBS-ON", plugins=("example",))
    unit_factory("JOBS-OFF")
    registry = JobRegistry.collect(state)
    assert registry.get("example.tick").plugin == "example"
    assert registry.get("example.flaky").spec.schedule == "@every 1h"
    start = datetime(2026, 5, 4, 2, 0, 10, tzinfo=timezone.utc)
    with state.transaction() as s:
        sync_states(s, registry, start, "Asia/Ho_Chi_Minh")
    Runner(state, registry, clock=lambda: start + timedelta(minutes=1)).run_due()
    with state.transaction() as s:
        owners = set(s.scalars(select(ExampleRecord.unit_id).where(ExampleRecord.title.like("tick %"))))
    assert owners == {enabled.id}


def test_hook_register_jobs_with_a_bad_schedule_is_refused_by_name(state):
    hooks = types.ModuleType("badjobs.plugin")

    @hookimpl
    def register_jobs():
        return [JobSpec("badjobs.nightly", "every night", lambda ctx: None)]

    hooks.register_jobs = register_jobs
    package = types.ModuleType("badjobs")
    package.MANIFEST = {"name": "badjobs", "version": "1.0", "label": "Bad jobs"}
    import sys
    sys.modules["badjobs"], sys.modules["badjobs.plugin"] = package, hooks
    try:
        fake_state = types.SimpleNamespace(registry=PluginRegistry([package]))
        with pytest.raises(ServiceError, match="badjobs.nightly.*every night"):
            JobRegistry.collect(fake_state)
    finally:
        del sys.modules["badjobs"], sys.modules["badjobs.plugin"]

"""Two `cchc jobs run` processes over several simulated minutes run every due occurrence exactly once."""
import os
import subprocess
import sys
import time
from datetime import timedelta

from sqlalchemy import func, select

from core.models import JobRun
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS
ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
BOOT = ("import sys; from tests import example_plugin, example_child; from core.cli import cli; "
        "cli.main(args=sys.argv[1:], obj={'plugin_modules': [example_plugin, example_child]}, prog_name='cchc')")


def test_two_runners_share_the_schedule_without_doubles_or_gaps(state, unit_factory):
    unit_factory("A", plugins=("example",))
    unit_factory("B", plugins=("example",))
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(CCHC_SECRET_KEY="test", CCHC_DATABASE_URL=state.settings["database.url"], PYTHONPATH=ROOT)
    epoch = time.time() + 3  # both runners start their simulated clocks at the same real moment
    args = ["jobs", "run", "--poll", "0.05", "--stop-after", "12", "--clock-start", "2026-03-02T01:00:30",
            "--clock-speed", "30", "--clock-epoch", str(epoch)]
    runners = [subprocess.Popen([sys.executable, "-c", BOOT, *args], cwd=ROOT, env=env,
                                stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(2)]
    outputs = [r.communicate(timeout=120) for r in runners]
    for runner, (out, err) in zip(runners, outputs):
        assert runner.returncode == 0, err
    with state.transaction() as s:
        minutes = list(s.scalars(select(JobRun.scheduled_for).where(JobRun.job == "example.tick").order_by(JobRun.scheduled_for)))
        ticks = s.execute(select(ExampleRecord.title, ExampleRecord.unit_id, func.count())
                          .where(ExampleRecord.title.like("tick %"))
                          .group_by(ExampleRecord.title, ExampleRecord.unit_id)).all()
        runner_names = set(s.scalars(select(JobRun.runner).where(JobRun.job == "example.tick")))
    assert len(minutes) >= 4, outputs
    expected = [minutes[0] + timedelta(minutes=i) for i in range(len(minutes))]
    assert minutes == expected  # no gap, no double (one run row per occurrence)
    assert all(count == 1 for _, _, count in ticks)  # the job's own effect: once per unit and minute
    assert len(ticks) == 2 * len(minutes)
    assert runner_names, "no runner recorded its runs"
    print(f"{len(minutes)} occurrences, runners: {sorted(runner_names)}")

"""Application start-up with all plugins vs importing Flask alone, each in a fresh Python process.

Every sample is the wall-clock time of a new interpreter doing one thing, measured from the parent;
the median of N repeats is printed with ratios. Asserts nothing about time.

* ``python``: the interpreter alone (``-c pass``), the floor every process pays;
* ``import flask``: the baseline the issue asks for;
* ``create_app``: ``core.app.create_app`` with every installed plugin (entry points) plus the
  example plugins of the test suite, on a migrated temporary SQLite database.

Usage: ``python bench/startup.py [--repeat N] [--no-examples]``.
"""
from __future__ import annotations

import argparse
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

SETTINGS = """
from core.settings import load_settings
settings = load_settings(environ={{}}, overrides={{"app": {{"secret_key": "bench"}}, "database": {{"url": {url!r}}}}})
"""
MODULES = """
from core.plugins import discover_modules
modules = discover_modules()
if {examples}:
    from tests import example_child, example_plugin
    modules += [example_plugin, example_child]
"""
CREATE_APP = SETTINGS + MODULES + """
from core.app import create_app
app = create_app(settings, plugin_modules=modules)
assert app.extensions["cchc"].registry.plugins is not None
"""
MIGRATE = SETTINGS + MODULES + """
from core import migrate
from core.plugins import PluginRegistry
from core.state import CoreState
state = CoreState.build(settings, PluginRegistry(modules))
migrate.upgrade(state.db, state.registry)
print(", ".join(state.registry.plugins) or "(none)")
state.db.dispose()
"""


def run_python(code: str) -> subprocess.CompletedProcess:
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    return subprocess.run([sys.executable, "-c", code], cwd=ROOT, env=env, capture_output=True, text=True)


def sample(code: str) -> float:
    start = time.perf_counter()
    done = run_python(code)
    elapsed = time.perf_counter() - start
    if done.returncode != 0:
        raise SystemExit(f"benchmark child failed:\n{done.stderr}")
    return elapsed


def run(repeat: int = 7, examples: bool = True) -> tuple[dict[str, float], str]:
    with tempfile.TemporaryDirectory(prefix="cchc-bench-") as tmp:
        url = f"sqlite:///{Path(tmp) / 'startup.sqlite3'}"
        migrated = run_python(MIGRATE.format(url=url, examples=examples))
        if migrated.returncode != 0:
            raise SystemExit(f"could not prepare the database:\n{migrated.stderr}")
        cases = {"python": "pass", "import flask": "import flask",
                 "create_app": CREATE_APP.format(url=url, examples=examples)}
        for code in cases.values():  # warm the OS file cache and the bytecode caches once
            sample(code)
        times: dict[str, list[float]] = {name: [] for name in cases}
        for _ in range(repeat):  # interleaved, so that drifting machine load hits every case alike
            for name, code in cases.items():
                times[name].append(sample(code))
    return {name: statistics.median(values) for name, values in times.items()}, migrated.stdout.strip()


def report(medians: dict[str, float], plugins: str, repeat: int) -> None:
    python, flask, app = medians["python"], medians["import flask"], medians["create_app"]
    print(f"Start-up in a fresh process: median of {repeat}; plugins: {plugins}")
    for name, value in medians.items():
        print(f"  {name:<14} {value * 1000:>8.1f} ms")
    print(f"  create_app / import flask: {app / flask:.2f}x "
          f"(above the bare interpreter: {(app - python) / max(flask - python, 1e-9):.2f}x)")


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=7)
    parser.add_argument("--no-examples", action="store_true", help="installed plugins only")
    args = parser.parse_args(argv)
    medians, plugins = run(args.repeat, not args.no_examples)
    report(medians, plugins, args.repeat)


if __name__ == "__main__":
    main()

"""Run every benchmark in bench/, each in its own process; they print numbers and ratios, never assert.

The issue's two comparisons come first (hook dispatch vs raw pluggy, start-up vs importing Flask);
any other ``bench/*.py`` follows. Exits non-zero only if a benchmark itself crashed.
Usage: ``python bench/run_all.py`` (``make bench``).
"""
from __future__ import annotations

import platform
import subprocess
import sys
import time
from pathlib import Path

BENCH = Path(__file__).resolve().parent
FIRST = ("hook_dispatch.py", "startup.py")


def scripts() -> list[Path]:
    others = sorted(p.name for p in BENCH.glob("*.py") if p.name not in (*FIRST, Path(__file__).name)
                    and not p.name.startswith("_"))
    return [BENCH / name for name in (*FIRST, *others) if (BENCH / name).is_file()]


def main() -> int:
    print(f"CCHC Suite benchmarks – Python {platform.python_version()} on {platform.platform()}")
    failed = []
    for script in scripts():
        print(f"\n== {script.name} ==", flush=True)
        start = time.perf_counter()
        done = subprocess.run([sys.executable, str(script)], cwd=BENCH.parent)
        print(f"({script.name} took {time.perf_counter() - start:.1f} s)", flush=True)
        if done.returncode != 0:
            failed.append(script.name)
    if failed:
        print(f"\nbenchmarks that crashed: {', '.join(failed)}", file=sys.stderr)
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())

"""Due dates for 1,000,000 (date, days) pairs: the precomputed calendar vs a naive day-by-day loop.

Prints rates and ratios measured in this run, plus the memory the calendar's tables take.
Run: .venv/bin/python bench/due_dates.py [--pairs N]
"""
from __future__ import annotations

import argparse
import time
import tracemalloc
from datetime import date, timedelta

import numpy as np

from core.scheduling.calendar import WorkingCalendar


def naive_add_working_days(start: date, days: int, days_off: set[date]) -> date:
    """The loop every hand-written system starts with: walk forward one day at a time."""
    current, counted = start, 0
    while counted < days:
        current += timedelta(days=1)
        if current not in days_off:  # every non-working day: weekends, holidays, swaps, overrides
            counted += 1
    return current


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pairs", type=int, default=1_000_000)
    args = parser.parse_args()
    rng = np.random.default_rng(2026)
    starts = rng.integers(date(2018, 1, 1).toordinal(), date(2030, 12, 1).toordinal(), args.pairs)
    days = rng.integers(1, 46, args.pairs)  # one-stop limits run from 1 to 45 working days

    tracemalloc.start()
    began = time.perf_counter()
    calendar = WorkingCalendar()
    build = time.perf_counter() - began
    _, table_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    table_bytes = calendar.rank.nbytes + calendar.working.nbytes + calendar.is_working_array.nbytes

    days_off = {date.fromordinal(int(o) + calendar.base) for o in np.flatnonzero(~calendar.is_working_array)}
    start_dates = [date.fromordinal(int(s)) for s in starts]
    day_counts = [int(d) for d in days]

    began = time.perf_counter()
    naive = [naive_add_working_days(s, d, days_off) for s, d in zip(start_dates, day_counts)]
    naive_s = time.perf_counter() - began

    began = time.perf_counter()
    single = [calendar.add_working_days(s, d) for s, d in zip(start_dates, day_counts)]
    single_s = time.perf_counter() - began

    began = time.perf_counter()
    bulk = calendar.add_working_days_many(starts, days)
    bulk_s = time.perf_counter() - began

    assert single == naive, "the calendar disagrees with the naive loop"
    assert [date.fromordinal(int(o)) for o in bulk[:1000]] == naive[:1000]

    n = args.pairs
    print(f"pairs: {n:,}; calendar tables built in {build * 1000:.1f} ms, "
          f"{table_bytes / 1024:.0f} KiB of arrays (peak while building {table_peak / 1024 / 1024:.1f} MiB)")
    print(f"naive day-by-day loop : {n / naive_s:>14,.0f} due dates/s  (baseline, {naive_s:.2f} s)")
    print(f"calendar, one by one  : {n / single_s:>14,.0f} due dates/s  ({naive_s / single_s:.1f}x the loop)")
    print(f"calendar, vectorised  : {n / bulk_s:>14,.0f} due dates/s  ({naive_s / bulk_s:.1f}x the loop; target >= 20x)")


if __name__ == "__main__":
    main()

"""The one-stop counter at 1,000,000 dossiers: intake, statistics and the list page, as ratios.

- bulk intake of 100,000 dossiers through the service vs a raw SQLAlchemy Core insert of the same rows;
- a quarter's statistics through the service vs one hand-written SQL GROUP BY over the same table;
- the back-office dossier list page for a unit holding 1,000,000 dossiers vs one holding 1,000.
Run: .venv/bin/python bench/onestop_scale.py [--db sqlite|postgresql] [--rows N] [--intake N]
"""
from __future__ import annotations

import argparse
import statistics as stats
import tempfile
import time
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import create_engine, insert, text

import plugins.onestop as onestop
from core import migrate
from core.app import create_app
from core.audit import Actor
from core.plugins import PluginRegistry
from core.services.enablement import enable_plugin
from core.services.units import create_unit
from core.services.users import create_user, grant
from core.state import CoreState
from core.testing import CchcClient, test_settings, with_search_path
from plugins.onestop.models import Dossier
from plugins.onestop.services import statistics
from plugins.onestop.services.bulk import receive_many
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from plugins.onestop.services.intake import Applicant, IntakeRequest

PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
PASSWORD = "Bench#2026pw"


def database_url(backend: str) -> str:
    if backend == "sqlite":
        return f"sqlite:///{tempfile.mkdtemp(prefix='cchc-bench-')}/bench.sqlite3"
    engine = create_engine(PG_URL.replace("postgresql://", "postgresql+psycopg://"), isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text("DROP SCHEMA IF EXISTS bench_onestop CASCADE"))
        conn.execute(text("CREATE SCHEMA bench_onestop"))
    return with_search_path(PG_URL, "bench_onestop")


def timed(fn, repeat: int = 1) -> float:
    times = []
    for _ in range(repeat):
        start = time.perf_counter()
        fn()
        times.append(time.perf_counter() - start)
    return stats.median(times)


def setup(state: CoreState):
    with state.transaction() as s:
        big = create_unit(s, "BIG", "Trung tâm Phục vụ hành chính công")
        small = create_unit(s, "SMALL", "Bộ phận một cửa cấp xã")
        procedures = {}
        for unit in (big, small):
            enable_plugin(s, state.registry, "onestop", unit)
            field = get_or_create_field(s, unit.id, "LV01", "Đất đai")
            procedures[unit.code] = [save_procedure(s, unit.id, ProcedureSpec(f"1.{i:06d}", f"Thủ tục {i}", "LV01",
                                                                              5 + i % 10), field) for i in range(20)]
            user = create_user(s, f"clerk_{unit.code.lower()}", PASSWORD, min_length=8)
            grant(s, user, unit, "onestop.clerk")
        return big, small, procedures


def generated_rows(unit, procedures, count: int, start: int = 0):
    base = date(2018, 1, 1)
    for i in range(start, start + count):
        day = base + timedelta(days=(i * 3000) // max(count, 1) % 3200)
        procedure = procedures[i % len(procedures)]
        appointment = day + timedelta(days=7)
        resolved = day + timedelta(days=(i % 9)) if i % 10 else None
        yield {"unit_id": unit.id, "code": f"{unit.code}-{day:%y%m%d}-G{i:07d}", "receipt_day": day, "sequence": 100000 + i,
               "lookup_secret": "ABCDEF", "procedure_id": procedure.id, "field_id": procedure.field_id,
               "channel": "online" if i % 3 == 0 else "counter", "status": "returned" if resolved else "in_progress",
               "applicant_name": f"Người nộp {i}", "applicant_id_number": "", "applicant_address": "",
               "applicant_phone": "", "applicant_email": "", "received_on": day, "appointment_on": appointment,
               "resolved_on": resolved, "current_step": 0, "note": ""}


def load(state: CoreState, unit, procedures, count: int) -> None:
    rows = generated_rows(unit, procedures, count)
    with state.db.engine.begin() as conn:
        while True:
            chunk = [row for _, row in zip(range(20000), rows)]
            if not chunk:
                break
            conn.execute(insert(Dossier), chunk)


HAND_WRITTEN = """
SELECT field_id,
  SUM(CASE WHEN receipt_day < :start AND (COALESCE(resolved_on, closed_on) IS NULL
                OR COALESCE(resolved_on, closed_on) >= :start) THEN 1 ELSE 0 END),
  SUM(CASE WHEN receipt_day BETWEEN :start AND :end AND channel = 'online' THEN 1 ELSE 0 END),
  SUM(CASE WHEN receipt_day BETWEEN :start AND :end AND channel <> 'online' THEN 1 ELSE 0 END),
  SUM(CASE WHEN resolved_on BETWEEN :start AND :end AND resolved_on < appointment_on THEN 1 ELSE 0 END),
  SUM(CASE WHEN resolved_on BETWEEN :start AND :end AND resolved_on = appointment_on THEN 1 ELSE 0 END),
  SUM(CASE WHEN resolved_on BETWEEN :start AND :end AND resolved_on > appointment_on THEN 1 ELSE 0 END),
  SUM(CASE WHEN (COALESCE(resolved_on, closed_on) IS NULL OR COALESCE(resolved_on, closed_on) > :end) AND appointment_on >= :end THEN 1 ELSE 0 END),
  SUM(CASE WHEN (COALESCE(resolved_on, closed_on) IS NULL OR COALESCE(resolved_on, closed_on) > :end) AND appointment_on < :end THEN 1 ELSE 0 END)
FROM onestop_dossier
WHERE unit_id = :unit AND receipt_day IS NOT NULL AND receipt_day <= :end
  AND (COALESCE(resolved_on, closed_on) IS NULL OR COALESCE(resolved_on, closed_on) >= :start)
GROUP BY field_id
"""


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--db", choices=("sqlite", "postgresql", "both"), default="both")
    parser.add_argument("--rows", type=int, default=1_000_000)
    parser.add_argument("--intake", type=int, default=100_000)
    args = parser.parse_args()
    for backend in (("sqlite", "postgresql") if args.db == "both" else (args.db,)):
        args.db = backend
        run(args)


def run(args) -> None:
    url = database_url(args.db)
    state = CoreState.build(test_settings(url), PluginRegistry([onestop]))
    migrate.upgrade(state.db, state.registry)
    big, small, procedures = setup(state)
    began = time.perf_counter()
    load(state, big, procedures["BIG"], args.rows)
    load(state, small, procedures["SMALL"], 1000)
    print(f"[{args.db}] generated {args.rows:,} + 1,000 dossiers in {time.perf_counter() - began:.1f} s")

    # 1. bulk intake through the service vs a raw Core insert of the same rows
    moments = [datetime(2026, 3, 2, 1, 0, tzinfo=timezone.utc) + timedelta(seconds=i) for i in range(args.intake)]
    requests = [IntakeRequest(procedures["BIG"][i % 20].id, Applicant(f"Người nộp {i}"), "online") for i in range(args.intake)]
    with state.transaction(Actor(None, "bench")) as s:
        start = time.perf_counter()
        receive_many(s, s.merge(big), requests, None, received_at=moments, settings=state.settings)
    service_s = time.perf_counter() - start + 0.0
    raw_rows = list(generated_rows(big, procedures["BIG"], args.intake, start=args.rows + 10))
    with state.db.engine.begin() as conn:
        start = time.perf_counter()
        for offset in range(0, len(raw_rows), 5000):
            conn.execute(insert(Dossier), raw_rows[offset:offset + 5000])
        raw_s = time.perf_counter() - start
    print(f"intake of {args.intake:,}: service {service_s:.2f} s ({args.intake / service_s:,.0f}/s), "
          f"raw Core insert {raw_s:.2f} s -> {service_s / raw_s:.2f}x (target <= 3x)")

    # 2. a quarter's statistics: service vs one hand-written GROUP BY
    q_start, q_end = date(2024, 1, 1), date(2024, 3, 31)
    with state.transaction() as s:
        service_q = timed(lambda: statistics.compute(s, q_start, q_end, [big.id], by=("field",)), 5)
        hand_q = timed(lambda: s.execute(text(HAND_WRITTEN), {"start": q_start, "end": q_end, "unit": big.id}).all(), 5)
    print(f"quarter statistics over {args.rows:,}: service {service_q * 1000:.1f} ms, hand-written GROUP BY "
          f"{hand_q * 1000:.1f} ms -> {service_q / hand_q:.2f}x (target <= 1.5x)")

    # 3. the back-office list page for the unit with 1,000,000 dossiers vs the one with 1,000
    app = create_app(state.settings, plugin_modules=[onestop])
    app.test_client_class = CchcClient
    timings = {}
    for code in ("BIG", "SMALL"):
        client = app.test_client()
        client.post("/login", data={"username": f"clerk_{code.lower()}", "password": PASSWORD})
        assert client.get("/admin/onestop_dossiers/").status_code == 200
        timings[code] = timed(lambda: client.get("/admin/onestop_dossiers/"), 15)
    print(f"dossier list page: {timings['BIG'] * 1000:.1f} ms at {args.rows:,} vs {timings['SMALL'] * 1000:.1f} ms "
          f"at 1,000 -> {timings['BIG'] / timings['SMALL']:.2f}x (target <= 2x)")
    state.db.dispose()


if __name__ == "__main__":
    main()

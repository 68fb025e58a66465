"""The statistics are computed by the database: one grouped query, whatever the number of dossiers."""
from datetime import date, datetime, timedelta, timezone

from sqlalchemy import event

from plugins.onestop.services import statistics
from plugins.onestop.services.bulk import receive_many
from plugins.onestop.services.intake import Applicant, IntakeRequest
from tests.plugins.onestop.test_workflow import DOCS, counter  # noqa: F401  (fixture)


def _statements(state, run) -> list[str]:
    seen: list[str] = []

    def record(conn, cursor, statement, *args):
        seen.append(statement)
    event.listen(state.db.engine, "before_cursor_execute", record)
    try:
        with state.transaction() as s:
            result = run(s)
    finally:
        event.remove(state.db.engine, "before_cursor_execute", record)
    return seen, result


def _receive(state, unit, procedure, count: int, first: int) -> None:
    start = datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc)
    with state.transaction() as s:
        receive_many(s, s.merge(unit), [IntakeRequest(procedure.id, Applicant(f"Người nộp {first + i}"), "counter", DOCS)
                                        for i in range(count)], None,
                     received_at=[start + timedelta(minutes=i) for i in range(count)], settings=state.settings)


def test_one_grouped_query_however_many_dossiers(counter):  # noqa: F811
    state, unit, pause, restart = counter
    compute = lambda s: statistics.compute(s, date(2026, 1, 1), date(2026, 3, 31), [unit.id],  # noqa: E731
                                           by=("unit", "field"), today=date(2026, 3, 31))
    _receive(state, unit, pause, 3, 0)
    few, few_rows = _statements(state, compute)
    _receive(state, unit, pause, 400, 3)
    many, many_rows = _statements(state, compute)
    assert len(many) == len(few) <= 3, "the query count does not grow with the dossiers"
    on_dossiers = [sql for sql in many if "onestop_dossier" in sql]
    assert len(on_dossiers) == 1 and "GROUP BY" in on_dossiers[0].upper()
    assert [(r.received, r.pending) for r in few_rows] == [(3, 3)] and [r.received for r in many_rows] == [403]

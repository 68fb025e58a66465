"""The demo reproduces the source article's Q1/2018 figures, computed in SQL by the statistics service."""
from datetime import date

from sqlalchemy import func, select

from core.services.demo import build_demo
from plugins.onestop.models import Field, Procedure, Submission
from plugins.onestop.services import statistics


def test_demo_reproduces_q1_2018(service_state):
    with service_state.transaction() as s:
        result = build_demo(s, service_state.registry)
        office = result.units["VPUBND"]
    with service_state.transaction() as s:
        rows = statistics.compute(s, date(2018, 1, 1), date(2018, 3, 31), [office.id])
        summary = statistics.total(rows)
        assert summary.received == 201 and summary.carried_over == 0
        assert summary.resolved == 201 and summary.resolved_late == 0
        assert summary.resolved_early + summary.resolved_on_time == 201
        assert summary.on_time_rate == 1.0 and summary.pending == 0
        assert s.scalar(select(func.count(Field.id))) == 53
        assert s.scalar(select(func.count(Procedure.id))) == 266
        assert s.scalar(select(func.count(Submission.id)).where(
            Submission.submitted_on.between(date(2018, 1, 1), date(2018, 3, 31)))) == 963
        assert len({r.field_id for r in rows}) > 40  # spread over the fields, not all in one
    with service_state.transaction() as s:
        build_demo(s, service_state.registry)  # idempotent
        assert s.scalar(select(func.count(Procedure.id))) == 266

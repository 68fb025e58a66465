"""The demo's current quarter: every state and sub-state, forms 02–05, ratings, overdue dossiers; Q1/2018 intact."""
from datetime import date, datetime, timezone

from sqlalchemy import func, select

from core.services.demo import build_demo
from core.toolkit import settings_of
from plugins.onestop import reports
from plugins.onestop.jobs import remind
from plugins.onestop.models import Dossier, Rating, Submission, Transition
from plugins.onestop.printing import content
from plugins.onestop.services import ratings, statistics
from plugins.onestop.services.clock import OFFICE_TZ, local
from plugins.onestop.services.workflow import OPEN, STATUSES, SUPPLEMENT_STAGES


def _quarter() -> tuple[date, date]:
    today = datetime.now(OFFICE_TZ).date()
    return date(today.year, 3 * ((today.month - 1) // 3) + 1, 1), today


def test_demo_current_quarter_shows_every_state(service_state):
    with service_state.transaction() as s:
        office = build_demo(s, service_state.registry).units["VPUBND"]
    start, today = _quarter()
    now = datetime.now(timezone.utc)
    with service_state.transaction() as s:
        latest = dict(s.execute(select(Transition.dossier_id, func.max(Transition.at))
                                .group_by(Transition.dossier_id)).all())
        dossiers = list(s.scalars(select(Dossier).where(Dossier.unit_id == office.id)))
        assert all(local(at) <= local(now) for at in latest.values())  # nothing in the future
        # In the quarter: still open (pending, carried over if need be) or last acted on in the quarter.
        current = [d for d in dossiers if d.status in ("registered", *OPEN) or local(latest[d.id]).date() >= start]
        assert {d.status for d in current} == set(STATUSES)
        stages = {(d.supplement_by, d.supplemented_on is not None) for d in current
                  if d.status == "supplement_requested"}
        assert {("counter", False), ("handler", False), ("handler", True)} <= stages <= set(SUPPLEMENT_STAGES)
        assert any(d.status == "in_progress" and d.handler_id and d.current_step >= 2 for d in current)
        refusals = [d for d in current if d.status == "refused"]
        assert {bool(d.registered_at) for d in refusals} == {True, False}  # one online, one walk-in at the counter

        settings = settings_of(s)
        for number in ("02", "03", "04", "05"):
            having = [d for d in current if number in content.available(d)]
            assert having, f"no dossier of the current quarter has form {number}"
            assert content.build(s, settings, having[0], number).blocks
        extended = [d for d in current if d.extended_until]
        assert any(d.status in OPEN for d in extended)
        assert any(d.status in ("resolved", "returned") and d.resolved_on > d.appointment_on for d in extended)

        summary = ratings.averages(s, start, today, [office.id])
        assert summary.count >= 5 and summary.average is not None
        assert summary.criteria and all(c.average is not None for c in summary.criteria)
        assert len(set(s.scalars(select(Rating.average)))) >= 3  # varied scores, not all the same

        cards = {c.title: c.value for c in reports.dashboard_cards(s, [office.id])}
        assert cards["Hồ sơ quá hạn"] > 0
        assert remind(s, settings, [office.id], now).overdue > 0
        assert s.scalar(select(func.count(Submission.id)).where(Submission.submitted_on >= start,
                                                                Submission.handled_on.is_(None))) > 0

        rows = statistics.compute(s, date(2018, 1, 1), date(2018, 3, 31), [office.id])
        q1 = statistics.total(rows)
        assert (q1.received, q1.resolved, q1.resolved_late, q1.pending) == (201, 201, 0, 0)
        assert s.scalar(select(func.count(Submission.id)).where(
            Submission.submitted_on.between(date(2018, 1, 1), date(2018, 3, 31)))) == 963
        counts = (len(dossiers), s.scalar(select(func.count(Transition.id))), s.scalar(select(func.count(Rating.id))),
                  s.scalar(select(func.count(Submission.id))))
    with service_state.transaction() as s:
        build_demo(s, service_state.registry)  # idempotent: nothing added the second time
        assert counts == (s.scalar(select(func.count(Dossier.id))), s.scalar(select(func.count(Transition.id))),
                          s.scalar(select(func.count(Rating.id))), s.scalar(select(func.count(Submission.id))))

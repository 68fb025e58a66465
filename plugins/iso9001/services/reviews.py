"""Management review (ISO 9001:2015 9.3), at least once a year.

Its inputs are gathered automatically and kept as a snapshot on the review: audit results, the status of
nonconformities and actions, open decisions of earlier reviews, and the figures that other programmes
enabled for the unit publish through the ``report_metrics`` hook (the one-stop on-time rate, for one).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import (Period, ServiceError, Unit, UnitTree, dispatch_for_units, is_enabled,
                          record_transition)
from plugins.iso9001.models import Audit, NcAction, Nonconformity, Review, ReviewDecision
from plugins.iso9001.models.audits import ANSWERS
from plugins.iso9001.models.improvement import DECISION_TOPICS, STAGES
from plugins.iso9001.services.common import active_user, day, fmt, rule, subtree, text, utcnow

OWN_PREFIX = "iso9001."


def _metrics(session: Session, unit_ids: list[int], period: Period) -> list[dict]:
    found = dispatch_for_units(session, "report_metrics", unit_ids, period=period)
    return [{"name": m.name, "label": m.label, "value": m.value, "unit": m.unit}
            for m in found if not m.name.startswith(OWN_PREFIX)]  # our own figures are shown in full above


def gather_inputs(session: Session, unit: Unit, start: date, end: date, today: date) -> dict:
    ids = sorted(subtree(session, unit.id))
    audits = list(session.scalars(select(Audit).where(Audit.unit_id.in_(ids), Audit.status != "cancelled",
                                                      Audit.starts_on.between(start, end)).order_by(Audit.starts_on)))
    audit_rows, totals = [], {key: 0 for key in ANSWERS}
    for audit in audits:
        counts = {key: sum(1 for line in audit.lines if line.answer == key) for key in ANSWERS}
        for key, value in counts.items():
            totals[key] += value
        audit_rows.append({"reference": audit.reference, "unit": audit.unit.name, "status": audit.status,
                           "dates": f"{fmt(audit.starts_on)}–{fmt(audit.ends_on)}", "counts": counts})
    stages = dict(session.execute(select(Nonconformity.stage, func.count(Nonconformity.id))
                                  .where(Nonconformity.unit_id.in_(ids)).group_by(Nonconformity.stage)).all())
    raised = session.scalar(select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id.in_(ids), Nonconformity.raised_on.between(start, end))) or 0
    closed = session.scalar(select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id.in_(ids), Nonconformity.closed_on.between(start, end))) or 0
    open_actions = select(func.count(NcAction.id)).where(NcAction.unit_id.in_(ids), NcAction.status == "open")
    earlier = session.scalars(select(ReviewDecision).join(Review, Review.id == ReviewDecision.review_id).where(
        Review.unit_id.in_(ids), ReviewDecision.status == "open", Review.held_on < start))
    return {
        "period": [start.isoformat(), end.isoformat()],
        "audits": audit_rows, "findings": totals,
        "nonconformities": {"by_stage": {key: stages.get(key, 0) for key in STAGES}, "raised": raised,
                            "closed": closed},
        "actions": {"open": session.scalar(open_actions) or 0,
                    "overdue": session.scalar(open_actions.where(NcAction.due_date < today)) or 0,
                    "done": session.scalar(select(func.count(NcAction.id)).where(
                        NcAction.unit_id.in_(ids), NcAction.status == "done",
                        NcAction.done_on.between(start, end))) or 0},
        "previous_decisions": [d.decision for d in earlier],
        "metrics": _metrics(session, ids, Period(start, end, f"{fmt(start)}–{fmt(end)}")),
    }


def create_review(session: Session, unit: Unit, *, held_on, title: str = "", chair: str = "", participants: str = "",
                  period_start=None, period_end=None, today: date) -> Review:
    held = day(held_on, "Ngày họp", required=True)
    start = day(period_start, "Từ ngày") or date(held.year, 1, 1)
    end = day(period_end, "Đến ngày") or held
    if end < start:
        raise ServiceError(f"Kỳ xem xét: đến ngày {fmt(end)} không được trước từ ngày {fmt(start)} (end before start)")
    if not is_enabled(session, "iso9001", unit.id):
        raise ServiceError("Phân hệ ISO 9001 chưa được bật cho đơn vị này (plugin not enabled)")
    review = Review(unit_id=unit.id, held_on=held, period_start=start, period_end=end, status="open",
                    title=text(title, "Tên cuộc họp", max_len=500) or f"Xem xét của lãnh đạo năm {held.year}",
                    chair=text(chair, "Người chủ trì", max_len=255),
                    participants=text(participants, "Thành phần tham dự", max_len=5000), notes="")
    review.inputs, review.inputs_at = gather_inputs(session, unit, start, end, today), utcnow()
    session.add(review)
    session.flush()
    return review


def check_open(review: Review) -> None:
    if review.status != "open":
        raise ServiceError("Cuộc xem xét đã kết thúc; không sửa được (review closed)")


def refresh_inputs(session: Session, review: Review, today: date) -> Review:
    check_open(review)
    review.inputs = gather_inputs(session, review.unit, review.period_start, review.period_end, today)
    review.inputs_at = utcnow()
    session.flush()
    return review


def add_decision(session: Session, review: Review, *, decision: str, topic: str = "improvement", owner_id=None,
                 due_date=None) -> ReviewDecision:
    check_open(review)
    if topic not in DECISION_TOPICS:
        raise ServiceError(f"Nhóm quyết định {topic!r} không hợp lệ; chọn: {', '.join(DECISION_TOPICS.values())}")
    owner = active_user(session, owner_id, "Người thực hiện") if str(owner_id or "").strip() else None
    due = day(due_date, "Hạn thực hiện")
    if due is not None and due < review.held_on:
        raise ServiceError(f"Hạn thực hiện {fmt(due)} không được trước ngày họp {fmt(review.held_on)} "
                           "(due date before the review)")
    item = ReviewDecision(review_id=review.id, unit_id=review.unit_id, topic=topic, owner_id=owner.id if owner else None,
                          due_date=due, status="open",
                          decision=text(decision, "Nội dung quyết định", required=True, max_len=5000))
    review.decisions.append(item)
    session.flush()
    return item


def close_review(session: Session, review: Review, *, notes: str, today: date) -> Review:
    check_open(review)
    if not review.decisions:
        raise ServiceError("Cần ghi ít nhất một quyết định, hành động sau xem xét (ISO 9001:2015 điều 9.3.3) "
                           "(decision required)")
    review.notes = text(notes, "Kết luận", max_len=10000)
    review.status, review.closed_on = "done", today
    record_transition(session, review, "open -> done", review.notes[:500])
    return review


def qms_top_units(session: Session, unit_ids) -> list[Unit]:
    """Enabled units with no enabled ancestor: the ones that hold the management review of their QMS."""
    tree = UnitTree.load(session)
    enabled = [u for u in unit_ids if is_enabled(session, "iso9001", u)]
    tops = [u for u in enabled if not any(is_enabled(session, "iso9001", a) for a in tree.ancestors(u))]
    return list(session.scalars(select(Unit).where(Unit.id.in_(tops)).order_by(Unit.code))) if tops else []


def review_missing(session: Session, unit: Unit, today: date) -> bool:
    """No management review held (closed) this year for the unit's system, and the reminder month has come."""
    if today.month < int(rule("review_reminder_from_month", today)):
        return False
    return not held_this_year(session, unit, today.year)


def held_this_year(session: Session, unit: Unit, year: int) -> bool:
    """Whether the unit's system had the reviews the rule asks for in ``year`` (closed ones count)."""
    held = session.scalar(select(func.count(Review.id)).where(
        Review.unit_id.in_(subtree(session, unit.id)), Review.status == "done",
        Review.held_on.between(date(year, 1, 1), date(year, 12, 31)))) or 0
    return held >= int(rule("management_reviews_per_year", date(year, 12, 31)))

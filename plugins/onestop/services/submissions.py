"""Submissions and proposals to the office's leaders (tờ trình, kiến nghị): checks and counts per period."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import and_, case, extract, func, select
from sqlalchemy.orm import Session

from core.toolkit import ServiceError, users_with_permission
from plugins.onestop.models import Submission

LEADER_PERMISSION = "onestop.dossiers.decide"


def leaders_of(session: Session, unit_id: int):
    """The users a submission of ``unit_id`` may be routed to: the unit's leaders."""
    return users_with_permission(session, LEADER_PERMISSION, unit_id)


def check(session: Session, submission: Submission) -> None:
    """Refuse an inconsistent record, with every reason at once."""
    errors = []
    for attr, label in (("number", "Số"), ("sender", "Nơi gửi"), ("subject", "Trích yếu")):
        if not (getattr(submission, attr) or "").strip():
            errors.append(f"{label} là bắt buộc")
    if submission.submitted_on is None:
        errors.append("Ngày tờ trình là bắt buộc")
    if submission.deadline and submission.submitted_on and submission.deadline < submission.submitted_on:
        errors.append("Hạn xử lý không được trước ngày tờ trình")
    if submission.handled_on and submission.submitted_on and submission.handled_on < submission.submitted_on:
        errors.append("Ngày xử lý xong không được trước ngày tờ trình")
    if submission.handled_on and not (submission.outcome or "").strip():
        errors.append("Ghi kết quả xử lý khi đã có ngày xử lý xong")
    if submission.leader_id is not None and submission.unit_id is not None:
        if submission.leader_id not in {u.id for u in leaders_of(session, submission.unit_id)}:
            errors.append("Người được chuyển phải là lãnh đạo của đơn vị (có quyền phê duyệt)")
    if errors:
        raise ServiceError("; ".join(errors))


@dataclass
class PeriodCount:
    year: int
    month: int
    received: int
    handled: int
    handled_on_time: int
    open: int

    @property
    def label(self) -> str:
        return f"{self.month:02d}/{self.year}"


def counts_by_month(session: Session, unit_ids, start: date, end: date) -> list[PeriodCount]:
    """Per month of ``submitted_on`` in [start, end]: received, handled, handled by the deadline, still open."""
    s = Submission
    year, month = extract("year", s.submitted_on), extract("month", s.submitted_on)
    handled = s.handled_on.is_not(None)
    on_time = and_(handled, (s.deadline.is_(None)) | (s.handled_on <= s.deadline))
    rows = session.execute(
        select(year.label("y"), month.label("m"), func.count(s.id),
               func.sum(case((handled, 1), else_=0)), func.sum(case((on_time, 1), else_=0)))
        .where(s.unit_id.in_(list(unit_ids)), s.submitted_on.between(start, end))
        .group_by(year, month).order_by(year, month)
    ).all()
    return [PeriodCount(int(y), int(m), int(n), int(h or 0), int(t or 0), int(n) - int(h or 0)) for y, m, n, h, t in rows]


def quarter_totals(counts: list[PeriodCount]) -> list[tuple[str, int, int]]:
    """(label, received, handled) per quarter, from the monthly counts."""
    totals: dict[tuple[int, int], list[int]] = {}
    for c in counts:
        key = (c.year, (c.month - 1) // 3 + 1)
        entry = totals.setdefault(key, [0, 0])
        entry[0] += c.received
        entry[1] += c.handled
    return [(f"Quý {('I', 'II', 'III', 'IV')[q - 1]}/{y}", r, h) for (y, q), (r, h) in sorted(totals.items())]


"""The standard one-stop report, computed in one SQL ``GROUP BY``: never by loading dossiers.

Received = carried over + new online + new at the counter or by post. Resolved = early + on time +
late, judged against the original appointment. Pending = within the limit + overdue at the end of
the period. On-time rate = (early + on time) / resolved.
"""
from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import date, datetime

from sqlalchemy import and_, case, func, or_, select
from sqlalchemy.orm import Session

from plugins.onestop.models import Dossier, Field
from plugins.onestop.services.clock import OFFICE_TZ

COUNTS = ("carried_over", "received_online", "received_counter", "resolved_early", "resolved_on_time",
          "resolved_late", "pending_within", "pending_overdue", "closed")


@dataclass
class StatRow:
    unit_id: int | None
    field_id: int | None
    field_name: str
    carried_over: int = 0
    received_online: int = 0
    received_counter: int = 0
    resolved_early: int = 0
    resolved_on_time: int = 0
    resolved_late: int = 0
    pending_within: int = 0
    pending_overdue: int = 0
    closed: int = 0

    @property
    def received(self) -> int:
        return self.carried_over + self.received_online + self.received_counter

    @property
    def received_new(self) -> int:
        return self.received_online + self.received_counter

    @property
    def resolved(self) -> int:
        return self.resolved_early + self.resolved_on_time + self.resolved_late

    @property
    def pending(self) -> int:
        return self.pending_within + self.pending_overdue

    @property
    def on_time_rate(self) -> float | None:
        return (self.resolved_early + self.resolved_on_time) / self.resolved if self.resolved else None

    def as_dict(self) -> dict:
        data = asdict(self)
        data.update(received=self.received, resolved=self.resolved, pending=self.pending,
                    on_time_rate=self.on_time_rate)
        return data


def _count(condition):
    return func.sum(case((condition, 1), else_=0))


def statistics_query(start: date, end: date, unit_ids: list[int], by: tuple[str, ...] = ("unit", "field"),
                     today: date | None = None):
    d = Dossier
    # A period still running is judged as of today: nothing is overdue at a date yet to come.
    as_of = min(end, today) if today else end
    finished = func.coalesce(d.resolved_on, d.closed_on)
    open_at_end = or_(finished.is_(None), finished > end)
    new = d.receipt_day.between(start, end)
    resolved = d.resolved_on.between(start, end)
    columns = {
        "carried_over": _count(and_(d.receipt_day < start, or_(finished.is_(None), finished >= start))),
        "received_online": _count(and_(new, d.channel == "online")),
        "received_counter": _count(and_(new, d.channel != "online")),
        "resolved_early": _count(and_(resolved, d.resolved_on < d.appointment_on)),
        "resolved_on_time": _count(and_(resolved, d.resolved_on == d.appointment_on)),
        "resolved_late": _count(and_(resolved, d.resolved_on > d.appointment_on)),
        "pending_within": _count(and_(open_at_end, d.appointment_on >= as_of)),
        "pending_overdue": _count(and_(open_at_end, d.appointment_on < as_of)),
        "closed": _count(d.closed_on.between(start, end)),
    }
    keys = [d.unit_id if "unit" in by else None, d.field_id if "field" in by else None]
    group = [k for k in keys if k is not None]
    query = (select(*[k.label(n) for k, n in zip(keys, ("unit_id", "field_id")) if k is not None],
                    *[c.label(n) for n, c in columns.items()])
             .where(d.unit_id.in_(unit_ids), d.receipt_day.is_not(None), d.receipt_day <= end,
                    or_(finished.is_(None), finished >= start)))
    return query.group_by(*group) if group else query


def compute(session: Session, start: date, end: date, unit_ids: list[int],
            by: tuple[str, ...] = ("unit", "field"), today: date | None = None) -> list[StatRow]:
    """The report's counts; ``today`` (default: the office's today) caps when "overdue" is judged."""
    if end < start:
        raise ValueError("Ngày kết thúc phải sau ngày bắt đầu")
    today = today or datetime.now(OFFICE_TZ).date()
    rows = session.execute(statistics_query(start, end, unit_ids, by, today)).mappings().all()
    field_ids = {r.get("field_id") for r in rows} - {None}
    names = dict(session.execute(select(Field.id, Field.name).where(Field.id.in_(field_ids))).all()) if field_ids else {}
    result = [StatRow(unit_id=r.get("unit_id"), field_id=r.get("field_id"), field_name=names.get(r.get("field_id"), ""),
                      **{k: int(r[k] or 0) for k in COUNTS}) for r in rows]
    return sorted(result, key=lambda r: (r.unit_id or 0, r.field_name))


def total(rows: list[StatRow]) -> StatRow:
    summary = StatRow(None, None, "Tổng cộng")
    for row in rows:
        for key in COUNTS:
            setattr(summary, key, getattr(summary, key) + getattr(row, key))
    return summary

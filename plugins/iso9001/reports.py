"""What the ISO 9001 plugin contributes to the shared calendar, the reform report, metrics and the home page."""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import CalendarEvent, DashboardCard, Metric, Period, ReportSection
from plugins.iso9001.models import Audit, Document, NcAction, Nonconformity, Review, Scope
from plugins.iso9001.services import reviews
from plugins.iso9001.services.common import fmt, office_today
from plugins.iso9001.services.programme import units_without_audit

OPEN_STAGES = ("draft", "analysis", "action_plan", "open")


def calendar_events(session: Session, start: date, end: date, unit_ids: list[int]) -> list[CalendarEvent]:
    events = []
    audits = session.scalars(select(Audit).where(Audit.unit_id.in_(unit_ids), Audit.status != "cancelled",
                                                 Audit.starts_on.between(start, end)))
    for audit in audits:
        events.append(CalendarEvent(
            title=f"Đánh giá nội bộ {audit.reference}: {audit.unit.name}", start=audit.starts_on, end=audit.ends_on,
            unit_id=audit.unit_id, url=f"/admin/iso9001_audits/audit/{audit.id}", uid=f"iso9001-audit-{audit.id}",
            category="iso9001-audit", plugin="iso9001",
            description=f"{audit.title}, {fmt(audit.starts_on)}–{fmt(audit.ends_on)}"))
    actions = session.scalars(select(NcAction).where(NcAction.unit_id.in_(unit_ids), NcAction.status == "open",
                                                     NcAction.due_date.between(start, end)))
    for action in actions:
        events.append(CalendarEvent(
            title=f"Hạn hành động khắc phục ({action.nonconformity.reference})", start=action.due_date,
            unit_id=action.unit_id, url=f"/admin/iso9001_nonconformities/nc/{action.nc_id}",
            uid=f"iso9001-action-{action.id}-due", category="iso9001-action", plugin="iso9001",
            description=action.description[:300]))
    for unit in reviews.qms_top_units(session, unit_ids):
        for year in range(start.year, end.year + 1):
            deadline = date(year, 12, 31)
            if start <= deadline <= end and not reviews.held_this_year(session, unit, year):
                events.append(CalendarEvent(
                    title=f"Hạn xem xét của lãnh đạo năm {year} ({unit.name})", start=deadline, unit_id=unit.id,
                    url="/admin/iso9001_reviews/", uid=f"iso9001-review-due-{unit.id}-{year}",
                    category="iso9001-review", plugin="iso9001",
                    description="Quyết định 19/2014/QĐ-TTg: xem xét của lãnh đạo ít nhất mỗi năm một lần."))
    return events


def _count(session: Session, query) -> int:
    return session.scalar(query) or 0


def report_sections(session: Session, period: Period, unit_ids: list[int]) -> list[ReportSection]:
    in_scope = _count(session, select(func.count(Scope.id)).where(Scope.unit_id.in_(unit_ids), Scope.in_scope.is_(True)))
    documents = _count(session, select(func.count(Document.id)).where(Document.unit_id.in_(unit_ids)))
    audits = _count(session, select(func.count(Audit.id)).where(
        Audit.unit_id.in_(unit_ids), Audit.status == "closed", Audit.closed_on.between(period.start, period.end)))
    raised = _count(session, select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id.in_(unit_ids), Nonconformity.raised_on.between(period.start, period.end)))
    closed = _count(session, select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id.in_(unit_ids), Nonconformity.closed_on.between(period.start, period.end)))
    still_open = _count(session, select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id.in_(unit_ids), Nonconformity.stage.in_(OPEN_STAGES)))
    held = _count(session, select(func.count(Review.id)).where(
        Review.unit_id.in_(unit_ids), Review.status == "done", Review.held_on.between(period.start, period.end)))
    paragraphs = [
        f"Duy trì hệ thống quản lý chất lượng theo TCVN ISO 9001:2015 tại {in_scope} đơn vị trong phạm vi, với "
        f"{documents} tài liệu được kiểm soát.",
        f"Trong kỳ đã thực hiện {audits} cuộc đánh giá nội bộ; phát hiện {raised} điểm không phù hợp, đã khắc phục "
        f"và đóng {closed} điểm; hiện còn {still_open} điểm đang xử lý.",
        f"Tổ chức {held} cuộc xem xét của lãnh đạo." if held else "Trong kỳ chưa tổ chức xem xét của lãnh đạo.",
    ]
    return [ReportSection(title="Áp dụng, duy trì hệ thống quản lý chất lượng TCVN ISO 9001:2015",
                          paragraphs=paragraphs, order=40, plugin="iso9001")]


def report_metrics(session: Session, period: Period, unit_ids: list[int]) -> list[Metric]:
    today = office_today(session)
    return [
        Metric("iso9001.audits_closed", "Cuộc đánh giá nội bộ đã thực hiện", _count(session, select(func.count(Audit.id))
               .where(Audit.unit_id.in_(unit_ids), Audit.status == "closed",
                      Audit.closed_on.between(period.start, period.end)))),
        Metric("iso9001.open_nonconformities", "Điểm không phù hợp đang xử lý", _count(session, select(
            func.count(Nonconformity.id)).where(Nonconformity.unit_id.in_(unit_ids),
                                                Nonconformity.stage.in_(OPEN_STAGES)))),
        Metric("iso9001.overdue_actions", "Hành động khắc phục quá hạn", _count(session, select(func.count(NcAction.id))
               .where(NcAction.unit_id.in_(unit_ids), NcAction.status == "open", NcAction.due_date < today))),
    ]


def dashboard_cards(session: Session, unit_ids: list[int]) -> list[DashboardCard]:
    today = office_today(session)
    open_ncs = _count(session, select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id.in_(unit_ids), Nonconformity.stage.in_(OPEN_STAGES)))
    overdue = _count(session, select(func.count(NcAction.id)).where(
        NcAction.unit_id.in_(unit_ids), NcAction.status == "open", NcAction.due_date < today))
    year_audits = session.execute(select(Audit.status, func.count(Audit.id)).where(
        Audit.unit_id.in_(unit_ids), Audit.starts_on.between(date(today.year, 1, 1), date(today.year, 12, 31)))
        .group_by(Audit.status)).all()
    by_status = dict(year_audits)
    total = sum(n for s, n in by_status.items() if s != "cancelled")
    missing = units_without_audit(session, unit_ids, today.year)
    hint = f"{by_status.get('closed', 0)} đã kết thúc"
    if missing:
        hint += f"; {len(missing)} đơn vị trong phạm vi chưa có cuộc đánh giá"
    cards = [
        DashboardCard("Điểm không phù hợp đang xử lý (ISO)", open_ncs, url="/admin/iso9001_nonconformities/",
                      level="warning" if open_ncs else "success"),
        DashboardCard("Hành động khắc phục quá hạn (ISO)", overdue, url="/admin/iso9001_actions/",
                      level="danger" if overdue else "success"),
        DashboardCard(f"Cuộc đánh giá nội bộ năm {today.year}", total, hint=hint, url="/admin/iso9001_audits/",
                      level="warning" if missing else "info"),
    ]
    for unit in reviews.qms_top_units(session, unit_ids):
        if reviews.review_missing(session, unit, today):
            cards.append(DashboardCard(f"Xem xét của lãnh đạo năm {today.year}", "Chưa tổ chức",
                                       hint=f"{unit.name}: tổ chức ít nhất mỗi năm một lần",
                                       url="/admin/iso9001_reviews/", level="danger"))
    return cards

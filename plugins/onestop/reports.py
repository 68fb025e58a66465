"""What the one-stop counter contributes to the shared calendar, the reform report and the home page."""
from __future__ import annotations

from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import CalendarEvent, DashboardCard, Metric, Period, ReportSection
from plugins.onestop.models import Dossier, Field, Procedure, Submission
from plugins.onestop.services import statistics
from plugins.onestop.services.clock import OFFICE_TZ
from plugins.onestop.services.workflow import OPEN


def _percent(rate: float | None) -> str:
    # One decimal, as the standard statistics report rounds it (stat_report.percent), with the Vietnamese
    # decimal comma: a whole number gave 67% here for the report's 66.7, and 100% for 250 on time out of 251.
    return "–" if rate is None else f"{round(rate * 100, 1):g}%".replace(".", ",")


# The day the result is due to the applicant: the new date of an apology (form 04) replaces the first
# one here, although lateness is still judged on the first.
RETURN_DAY = func.coalesce(Dossier.extended_until, Dossier.appointment_on)


def appointment_events(session: Session, start: date, end: date, unit_ids: list[int]) -> list[CalendarEvent]:
    rows = session.execute(
        select(RETURN_DAY, Dossier.unit_id, func.count(Dossier.id))
        .where(Dossier.unit_id.in_(unit_ids), Dossier.status.in_(OPEN), RETURN_DAY.between(start, end))
        .group_by(RETURN_DAY, Dossier.unit_id)
    ).all()
    return [CalendarEvent(title=f"Hẹn trả {count} hồ sơ một cửa", start=day, unit_id=unit_id,
                          uid=f"onestop-appointments-{unit_id}-{day:%Y%m%d}", category="onestop", plugin="onestop",
                          url=f"/admin/onestop_dossiers/?flt1_appointment_on_equals={day:%Y-%m-%d}")
            for day, unit_id, count in rows]


def report_sections(session: Session, period: Period, unit_ids: list[int]) -> list[ReportSection]:
    summary = statistics.total(statistics.compute(session, period.start, period.end, unit_ids, by=()))
    fields = session.scalar(select(func.count(Field.id)).where(Field.unit_id.in_(unit_ids)))
    procedures = session.scalar(select(func.count(Procedure.id)).where(Procedure.unit_id.in_(unit_ids),
                                                                      Procedure.active.is_(True)))
    submissions = session.scalar(select(func.count(Submission.id)).where(
        Submission.unit_id.in_(unit_ids), Submission.submitted_on.between(period.start, period.end)))
    on_time = summary.resolved_early + summary.resolved_on_time
    paragraphs = [
        f"Đang thực hiện giải quyết thủ tục hành chính theo cơ chế một cửa gồm {fields} lĩnh vực với "
        f"{procedures} thủ tục hành chính.",
        f"Trong kỳ, Bộ phận tiếp nhận và trả kết quả đã tiếp nhận {summary.received} hồ sơ "
        f"(kỳ trước chuyển sang {summary.carried_over}, trực tuyến {summary.received_online}, "
        f"trực tiếp và bưu chính {summary.received_counter}); đã giải quyết {summary.resolved} hồ sơ, "
        f"trong đó đúng hạn và trước hạn {on_time}, quá hạn {summary.resolved_late}, đạt tỷ lệ "
        f"{_percent(summary.on_time_rate)}; đang giải quyết {summary.pending} hồ sơ "
        f"(trong hạn {summary.pending_within}, quá hạn {summary.pending_overdue}).",
        f"Tiếp nhận {submissions} tờ trình, kiến nghị và chuyển lãnh đạo Văn phòng xử lý.",
    ]
    return [ReportSection(title="Cơ chế một cửa", paragraphs=paragraphs, order=30, plugin="onestop")]


def report_metrics(session: Session, period: Period, unit_ids: list[int]) -> list[Metric]:
    summary = statistics.total(statistics.compute(session, period.start, period.end, unit_ids, by=()))
    return [
        Metric("onestop.on_time_rate", "Tỷ lệ hồ sơ một cửa giải quyết đúng hạn",
               round((summary.on_time_rate or 0) * 100, 1), "%"),
        Metric("onestop.received", "Hồ sơ một cửa tiếp nhận", summary.received),
        Metric("onestop.resolved_late", "Hồ sơ một cửa giải quyết quá hạn", summary.resolved_late),
    ]


def dashboard_cards(session: Session, unit_ids: list[int]) -> list[DashboardCard]:
    today = datetime.now(OFFICE_TZ).date()
    open_in_units = (Dossier.unit_id.in_(unit_ids), Dossier.status.in_(OPEN))
    due_today = session.scalar(select(func.count(Dossier.id)).where(*open_in_units, RETURN_DAY == today))
    overdue = session.scalar(select(func.count(Dossier.id)).where(*open_in_units, Dossier.appointment_on < today))
    quarter_start = date(today.year, 3 * ((today.month - 1) // 3) + 1, 1)
    summary = statistics.total(statistics.compute(session, quarter_start, today, unit_ids, by=()))
    return [
        DashboardCard("Hồ sơ đến hạn trả hôm nay", due_today, url="/admin/onestop_dossiers/",
                      level="warning" if due_today else "info"),
        DashboardCard("Hồ sơ quá hạn", overdue, url="/admin/onestop_dossiers/", level="danger" if overdue else "success"),
        DashboardCard("Tỷ lệ đúng hạn quý này", _percent(summary.on_time_rate),
                      hint=f"{summary.resolved} hồ sơ đã giải quyết", level="success"),
    ]

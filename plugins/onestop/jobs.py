"""The one-stop job: remind of dossiers due soon and overdue; signal lateness once per dossier.

``onestop.reminders`` runs for the units where the plugin is enabled. A dossier in processing
whose appointment falls within N working days (the ``remind_working_days_before`` rule; a deployment
overrides it in ``config/rules/onestop.toml``) is notified to its handler, or to the unit's one-stop clerks
when nobody handles it yet; an overdue one likewise. Lateness is judged against the *original*
appointment, as the statistics do, and the ``onestop.dossier_late`` event is emitted once per dossier
(``onestop_dossier_alert`` remembers it, even between concurrent runners). A dossier waiting for a
supplement is skipped: its clock is stopped.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import date
from zoneinfo import ZoneInfo

from sqlalchemy import select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.orm import Session

from core.toolkit import Event, JobContext, Settings, emit, notify, rules_for, users_with_permission
from plugins.onestop.models import Dossier, DossierAlert
from plugins.onestop.services.clock import add_working_days

log = logging.getLogger("cchc.onestop.reminders")
RUNNING = ("received", "in_progress", "awaiting_payment")  # the clock runs (not paused for a supplement)
CLERK_PERMISSION = "onestop.dossiers.receive"
LATE = "late"


@dataclass
class ReminderReport:
    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0
    late_events: int = 0

    def summary(self) -> str:
        return (f"{self.due_soon} hồ sơ sắp đến hạn, {self.overdue} hồ sơ quá hạn, {self.notifications} thông báo, "
                f"{self.late_events} hồ sơ mới quá hạn")


def dossier_link(dossier_id: int) -> str:
    return f"/admin/onestop_dossiers/dossier/{dossier_id}"


def days_before(today: date) -> int:
    return max(int(rules_for("plugins.onestop").value("remind_working_days_before", on=today)), 0)


def _recipients(session: Session, dossier: Dossier, cache: dict[int, list[int]]) -> list[int]:
    if dossier.handler_id:
        return [dossier.handler_id]
    if dossier.unit_id not in cache:
        cache[dossier.unit_id] = [u.id for u in users_with_permission(session, CLERK_PERMISSION, dossier.unit_id)]
    return cache[dossier.unit_id]


def _mark_late(session: Session, dossier: Dossier, now) -> bool:
    """Remember that ``dossier`` was signalled late; False when it already was (by this or another run)."""
    insert = postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
    statement = (insert(DossierAlert).values(dossier_id=dossier.id, kind=LATE, at=now)
                 .on_conflict_do_nothing(index_elements=["dossier_id", "kind"]).returning(DossierAlert.dossier_id))
    return session.execute(statement).scalar() is not None


def _notify_all(session: Session, recipients: list[int], title: str, body: str, link: str, key: str) -> int:
    return sum(1 for user_id in recipients
               if notify(session, user_id, title, body, link, dedupe_key=key, email=True) is not None)


def remind(session: Session, settings: Settings, unit_ids: list[int], now) -> ReminderReport:
    report = ReminderReport()
    if not unit_ids:
        return report
    tz = ZoneInfo(settings["app.timezone"])
    today = now.astimezone(tz).date() if now.tzinfo else now.date()
    horizon = add_working_days(session, settings, today, days_before(today))
    running = (Dossier.unit_id.in_(unit_ids), Dossier.status.in_(RUNNING), Dossier.appointment_on.is_not(None))
    clerks: dict[int, list[int]] = {}

    due_soon = list(session.scalars(select(Dossier).where(*running, Dossier.appointment_on.between(today, horizon))
                                    .order_by(Dossier.appointment_on, Dossier.id)))
    for dossier in due_soon:
        report.due_soon += 1
        when = "hôm nay" if dossier.appointment_on == today else f"ngày {dossier.appointment_on:%d/%m/%Y}"
        report.notifications += _notify_all(
            session, _recipients(session, dossier, clerks), f"Hồ sơ {dossier.code} đến hạn trả {when}",
            f"Người nộp: {dossier.applicant_name}. Hẹn trả kết quả {dossier.appointment_on:%d/%m/%Y}.",
            dossier_link(dossier.id), f"onestop.due_soon:{dossier.id}:{dossier.appointment_on.isoformat()}")

    overdue = list(session.scalars(select(Dossier).where(*running, Dossier.appointment_on < today)
                                   .order_by(Dossier.appointment_on, Dossier.id)))
    for dossier in overdue:
        report.overdue += 1
        extended = f"; đã hẹn lại ngày {dossier.extended_until:%d/%m/%Y}" if dossier.extended_until else ""
        report.notifications += _notify_all(
            session, _recipients(session, dossier, clerks), f"Hồ sơ {dossier.code} đã quá hạn",
            f"Người nộp: {dossier.applicant_name}. Hẹn trả {dossier.appointment_on:%d/%m/%Y}{extended}. "
            "Nếu chưa có kết quả, lập thư xin lỗi và hẹn lại (mẫu 04).",
            dossier_link(dossier.id), f"onestop.overdue:{dossier.id}")
        if _mark_late(session, dossier, now):
            report.late_events += 1
            emit(session, Event("onestop.dossier_late", dossier.unit_id, f"onestop_dossier:{dossier.id}",
                                 {"code": dossier.code, "appointment": dossier.appointment_on.isoformat(),
                                  "handler_id": dossier.handler_id, "days_late": (today - dossier.appointment_on).days}))
    session.flush()
    return report


def remind_due_and_overdue(ctx: JobContext) -> ReminderReport:
    """The ``onestop.reminders`` job (7:00 on working days)."""
    report = remind(ctx.session, ctx.settings, [u.id for u in ctx.units], ctx.now)
    log.info("onestop.reminders: %s", report.summary())
    return report

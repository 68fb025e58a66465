"""Reminders for plan tasks: N working days before the due date, and once when a task is overdue.

The job ``core.task_reminders`` notifies a task's owner (or, for a task without one, the members of
its unit) in-app, and by e-mail when mail is enabled and they have an address. Each reminder is
given once per task, kind and due date (``core_task_reminder``); moving the due date earns a new
one, since the old reminder spoke of a date that no longer holds.
"""
from __future__ import annotations

import logging
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

from sqlalchemy import exists, select
from sqlalchemy.orm import Session, joinedload

from core.mail import DeliveryReport, deliver_pending
from core.models import Membership, Plan, PlanTask, TaskReminder, User
from core.notifications import notify
from core.scheduling.calendar_service import calendar_for
from core.scheduling.types import JobContext, JobSpec
from core.services import ServiceError
from core.settings import Settings

log = logging.getLogger("cchc.reminders")
DUE_SOON, OVERDUE = "due_soon", "overdue"
# Only a plan in force binds anyone: a draft's dates are still proposals, a closed plan is over.
REMINDED_PLAN_STATUSES = ("issued",)


def task_url(task_id: int) -> str:
    """The back-office page of a plan task (relative; e-mails prefix ``app.base_url``)."""
    return f"/admin/plans/task/{task_id}"


@dataclass
class ReminderReport:
    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0
    delivery: DeliveryReport = field(default_factory=DeliveryReport)

    @property
    def errors(self) -> list[str]:
        return self.delivery.errors

    def summary(self) -> str:
        text = (f"{self.due_soon} nhiệm vụ sắp đến hạn, {self.overdue} nhiệm vụ quá hạn, "
                f"{self.notifications} thông báo, {self.delivery.sent} e-mail đã gửi")
        if self.delivery.failed:
            text += f", {self.delivery.failed} e-mail lỗi: {'; '.join(self.errors)}"
        return text


def office_today(now: datetime, tz: str) -> date:
    # The runner's clock is UTC (naive means UTC, as in the jobs tables); "today" is the office's day.
    return (now if now.tzinfo else now.replace(tzinfo=timezone.utc)).astimezone(ZoneInfo(tz)).date()


def _candidates(session: Session, kind: str, low: date | None, high: date) -> list[PlanTask]:
    """Open tasks of plans in force, due in [low, high), not yet reminded of ``kind`` for that date."""
    reminded = exists().where(TaskReminder.task_id == PlanTask.id, TaskReminder.kind == kind,
                              TaskReminder.due_date == PlanTask.due_date)
    query = (select(PlanTask).join(Plan, Plan.id == PlanTask.plan_id)
             .where(PlanTask.status == "open", PlanTask.due_date.is_not(None), PlanTask.due_date < high,
                    Plan.status.in_(REMINDED_PLAN_STATUSES), ~reminded)
             .options(joinedload(PlanTask.plan), joinedload(PlanTask.owner))
             .order_by(PlanTask.due_date, PlanTask.id))
    if low is not None:
        query = query.where(PlanTask.due_date >= low)
    return list(session.scalars(query).unique())


def _unit_members(session: Session, unit_ids: set[int]) -> dict[int, list[User]]:
    members: dict[int, list[User]] = defaultdict(list)
    if not unit_ids:
        return members
    rows = session.execute(select(Membership.unit_id, User).join(User, User.id == Membership.user_id)
                           .where(Membership.unit_id.in_(unit_ids), User.active.is_(True))
                           .order_by(User.id)).all()
    for unit_id, user in rows:
        if user not in members[unit_id]:  # one user may hold several roles in a unit
            members[unit_id].append(user)
    return members


def _texts(task: PlanTask, kind: str, working_days: int) -> tuple[str, str]:
    plan, due = task.plan, f"{task.due_date:%d/%m/%Y}"
    where = f"Nhiệm vụ “{task.title}” (kế hoạch {plan.reference})"
    if kind == DUE_SOON:
        left = f"còn {working_days} ngày làm việc" if working_days > 0 else "hạn là hôm nay"
        return f"Sắp đến hạn: {task.title}", f"{where} có hạn hoàn thành ngày {due} ({left})."
    late = f", đã trễ {working_days} ngày làm việc" if working_days > 0 else ""
    return f"Quá hạn: {task.title}", f"{where} đã quá hạn hoàn thành ngày {due}{late}. Vui lòng cập nhật tiến độ."


def send_task_reminders(session: Session, settings: Settings, now: datetime) -> ReminderReport:
    """Create the due reminders, then e-mail the outbox. Never raises on an SMTP failure."""
    days_before = settings["reminders.days_before"]
    if days_before < 0:
        raise ServiceError(f"reminders.days_before phải ≥ 0, đang là {days_before} (must not be negative)")
    today = office_today(now, settings["app.timezone"])
    calendar = calendar_for(session, settings).covering(today, today + timedelta(days=2 * days_before + 60))
    # Due dates before the (N+1)-th working day after today are at most N working days away.
    horizon = calendar.add_working_days(today, days_before + 1)
    batches = [(DUE_SOON, _candidates(session, DUE_SOON, today, horizon))]
    if settings["reminders.overdue"]:
        batches.append((OVERDUE, _candidates(session, OVERDUE, None, today)))
    tasks = [task for _, found in batches for task in found]
    if tasks:
        calendar = calendar.covering(min(t.due_date for t in tasks))
    members = _unit_members(session, {t.unit_id for t in tasks if t.owner is None or not t.owner.active})
    email = bool(settings["mail.enabled"])
    report = ReminderReport()
    for kind, found in batches:
        for task in found:
            owner = task.owner if task.owner is not None and task.owner.active else None
            recipients = [owner] if owner else members.get(task.unit_id, [])
            if not recipients:
                continue  # not recorded as given: someone who joins the unit later is still told
            span = sorted((today, task.due_date))
            title, body = _texts(task, kind, calendar.working_days_between(*span))
            key = f"core.task:{task.id}:{kind}:{task.due_date.isoformat()}"
            for user in recipients:
                if notify(session, user.id, title, body, task_url(task.id), key, email=email) is not None:
                    report.notifications += 1
            session.add(TaskReminder(task_id=task.id, kind=kind, due_date=task.due_date, recipients=len(recipients)))
            setattr(report, kind, getattr(report, kind) + 1)
    session.flush()  # the reminders are written before any e-mail goes out
    report.delivery = deliver_pending(session, settings)
    return report


def reminder_job(context: JobContext) -> ReminderReport:
    report = send_task_reminders(context.session, context.settings, context.now)
    (log.warning if report.errors else log.info)("core.task_reminders: %s", report.summary())
    return report


def mail_outbox_job(context: JobContext) -> DeliveryReport:
    """Send e-mails that notifications asked for (plugins' too) and retry the ones that failed."""
    return deliver_pending(context.session, context.settings)


JOBS = [
    JobSpec("core.task_reminders", "*/30 * * * *", reminder_job,
            "Nhắc hạn nhiệm vụ của kế hoạch: trước hạn N ngày làm việc và khi quá hạn"),
    JobSpec("core.mail_outbox", "@every 5m", mail_outbox_job, "Gửi e-mail của các thông báo đang chờ"),
]

"""The ``iso9001.reminders`` job (7:00 on working days), for the units where the plugin is enabled.

- a corrective action due within the rule's days: its owner; overdue: its owner and the QMS managers;
- no management review held this year once the rule's month has come: the review managers;
- units in scope without an internal audit this year, from the same month: the audit planners;
- a scope changed after the latest conformity announcement: the system managers (re-announcement due).
Each reminder is given once per subject and date (``notify``'s dedupe key), so reruns send nothing new.
"""
from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import timedelta

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import JobContext, notify, users_with_permission
from plugins.iso9001.models import NcAction
from plugins.iso9001.services import reviews, scope
from plugins.iso9001.services.common import fmt, office_today, rule, subtree
from plugins.iso9001.services.programme import units_without_audit

log = logging.getLogger("cchc.iso9001.reminders")


@dataclass
class ReminderReport:
    due_soon: int = 0
    overdue: int = 0
    notifications: int = 0
    warnings: int = 0

    def summary(self) -> str:
        return (f"{self.due_soon} hành động sắp đến hạn, {self.overdue} quá hạn, {self.warnings} cảnh báo hệ thống, "
                f"{self.notifications} thông báo")


def _send(session: Session, user_ids, title: str, body: str, link: str, key: str) -> int:
    return sum(1 for user_id in dict.fromkeys(user_ids)
               if notify(session, user_id, title, body, link, dedupe_key=key, email=True) is not None)


def _holders(session: Session, permission: str, unit_id: int) -> list[int]:
    return [u.id for u in users_with_permission(session, permission, unit_id)]


def remind(session: Session, unit_ids: list[int], now) -> ReminderReport:
    report = ReminderReport()
    if not unit_ids:
        return report
    today = office_today(session, now)
    horizon = today + timedelta(days=int(rule("action_remind_days_before", today)))
    actions = session.scalars(select(NcAction).where(NcAction.unit_id.in_(unit_ids), NcAction.status == "open",
                                                     NcAction.due_date <= horizon).order_by(NcAction.due_date))
    for action in actions:
        nc = action.nonconformity
        if nc.stage in ("done", "cancelled"):
            continue
        link = f"/admin/iso9001_nonconformities/nc/{nc.id}"
        if action.due_date < today:
            report.overdue += 1
            recipients = [action.owner_id, *_holders(session, "iso9001.nc.manage", action.unit_id)]
            report.notifications += _send(session, recipients, f"Hành động khắc phục {nc.reference} đã quá hạn",
                                          f"{action.description[:200]} – hạn {fmt(action.due_date)}.", link,
                                          f"iso9001.action_overdue:{action.id}:{action.due_date.isoformat()}")
        else:
            report.due_soon += 1
            report.notifications += _send(session, [action.owner_id],
                                          f"Hành động khắc phục {nc.reference} đến hạn {fmt(action.due_date)}",
                                          action.description[:300], link,
                                          f"iso9001.action_due:{action.id}:{action.due_date.isoformat()}")
    from_month = int(rule("review_reminder_from_month", today))
    for unit in reviews.qms_top_units(session, unit_ids):
        if reviews.review_missing(session, unit, today):
            report.warnings += 1
            report.notifications += _send(
                session, _holders(session, "iso9001.reviews.manage", unit.id),
                f"Chưa tổ chức xem xét của lãnh đạo năm {today.year}",
                f"{unit.name}: hệ thống quản lý chất lượng phải được lãnh đạo xem xét ít nhất mỗi năm một lần.",
                "/admin/iso9001_reviews/", f"iso9001.review_missing:{unit.id}:{today.year}")
        if today.month >= from_month:
            for missing in units_without_audit(session, subtree(session, unit.id) & set(unit_ids), today.year):
                report.warnings += 1
                report.notifications += _send(
                    session, _holders(session, "iso9001.audits.plan", missing.id),
                    f"{missing.name} chưa được đánh giá nội bộ năm {today.year}",
                    "Đơn vị thuộc phạm vi HTQLCL phải được đánh giá nội bộ ít nhất mỗi năm một lần.",
                    "/admin/iso9001_programmes/", f"iso9001.audit_missing:{missing.id}:{today.year}")
    for unit in scope.announcing_units(session, unit_ids):
        status = scope.announcement_status(session, unit)
        if status.reannouncement_due:
            report.warnings += 1
            report.notifications += _send(
                session, _holders(session, "iso9001.system.manage", unit.id), "Cần công bố lại hệ thống phù hợp",
                f"Phạm vi HTQLCL đã thay đổi sau lần công bố {status.latest.number} ({fmt(status.latest.announced_on)}): "
                + ", ".join(u.name for u in status.changed_units), "/admin/iso9001_announcements/",
                f"iso9001.reannounce:{unit.id}:{status.latest.id}")
    session.flush()
    return report


def remind_job(ctx: JobContext) -> ReminderReport:
    report = remind(ctx.session, [u.id for u in ctx.units], ctx.now)
    log.info("iso9001.reminders: %s", report.summary())
    return report

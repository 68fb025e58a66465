"""The annual internal audit programme (a core plan) and the audits in it: one per unit in scope.

Objectivity (ISO 9001:2015 9.2.2 c): nobody on an audit team may audit their own unit.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import (PlanTask, ServiceError, Unit, User, add_task, create_plan, home_unit_ids, is_enabled,
                          record_transition, transition_plan, update_task, users_with_permission)
from plugins.iso9001.clauses import parse_clauses, title_of, within
from plugins.iso9001.models import Audit, ChecklistLine, Document, Programme, Template
from plugins.iso9001.services.common import ancestors_and_self, day, display_name, rule, subtree, text
from plugins.iso9001.services.scope import units_in_scope

CONDUCT = "iso9001.audits.conduct"


def create_programme(session: Session, unit: Unit, *, year, number: str, symbol: str, title: str = "",
                     issue_date=None) -> Programme:
    """A programme and its core plan (kind "plan", programme "iso9001"); one per unit and year."""
    plan = create_plan(session, unit, number=number, symbol=symbol, year=year, issue_date=issue_date,
                       title=title or f"Chương trình đánh giá nội bộ và duy trì HTQLCL năm {year}",
                       programme="iso9001", period=f"Năm {year}", kind="plan")
    if session.scalar(select(Programme.id).where(Programme.unit_id == unit.id, Programme.year == plan.year)):
        raise ServiceError(f"Đơn vị đã có chương trình đánh giá nội bộ năm {plan.year} (one programme per year)")
    programme = Programme(unit_id=unit.id, year=plan.year, plan_id=plan.id)
    session.add(programme)
    session.flush()
    return programme


def issue_programme(session: Session, programme: Programme, today: date) -> Programme:
    transition_plan(session, programme.plan, "issued", today=today)
    return programme


def next_reference(session: Session, programme: Programme) -> str:
    count = session.scalar(select(func.count(Audit.id)).where(Audit.programme_id == programme.id)) or 0
    return f"ĐGNB-{programme.year}-{count + 1:02d}"


def check_team(session: Session, unit: Unit, lead_id, auditor_ids) -> tuple[int, list[int]]:
    """The lead and the other auditors: active, holding the auditor permission there, none from ``unit``."""
    if not str(lead_id or "").isdigit():
        raise ServiceError("Cần chọn trưởng đoàn đánh giá (lead auditor required)")
    lead = int(lead_id)
    others = [int(i) for i in dict.fromkeys(auditor_ids or []) if str(i).isdigit() and int(i) != lead]
    qualified = {u.id for u in users_with_permission(session, CONDUCT, unit.id)}
    for user_id in [lead, *others]:
        user = session.get(User, user_id)
        if user is None or not user.active:
            raise ServiceError("Thành viên đoàn đánh giá không tồn tại hoặc đã bị vô hiệu hoá (unknown user)")
        if user_id not in qualified:
            raise ServiceError(f"{display_name(user)} không có vai trò chuyên gia đánh giá nội bộ tại {unit.name} "
                               "(not an auditor there)")
        if unit.id in home_unit_ids(session, user_id):
            raise ServiceError(f"{display_name(user)} là thành viên của {unit.name}; chuyên gia đánh giá không được "
                               "đánh giá chính đơn vị mình để bảo đảm tính khách quan (ISO 9001:2015 điều 9.2.2 c). "
                               "Hãy chọn chuyên gia của đơn vị khác (an auditor may not audit their own unit)")
    return lead, others


def _dates(programme: Programme, starts_on, ends_on) -> tuple[date, date]:
    start = day(starts_on, "Ngày bắt đầu", required=True)
    end = day(ends_on, "Ngày kết thúc", required=True)
    if end < start:
        raise ServiceError(f"Ngày kết thúc {end:%d/%m/%Y} không được trước ngày bắt đầu {start:%d/%m/%Y} "
                           "(end before start)")
    if start.year != programme.year:
        raise ServiceError(f"Cuộc đánh giá phải diễn ra trong năm {programme.year} của chương trình "
                           "(date outside the programme's year)")
    return start, end


def _procedures(session: Session, unit: Unit, procedure_ids) -> list[int]:
    ids = [int(i) for i in dict.fromkeys(procedure_ids or []) if str(i).isdigit()]
    if not ids:
        return []
    allowed = set(ancestors_and_self(session, unit.id))
    found = {d.id for d in session.scalars(select(Document).where(Document.id.in_(ids), Document.unit_id.in_(allowed)))}
    if set(ids) - found:
        raise ServiceError("Quy trình trong phạm vi đánh giá phải là tài liệu của đơn vị được đánh giá hoặc đơn vị "
                           "cấp trên (unknown procedure)")
    return ids


def create_audit(session: Session, programme: Programme, unit: Unit, *, template: Template, lead_auditor_id,
                 auditor_ids=(), starts_on=None, ends_on=None, title: str = "", auditees: str = "",
                 scope_clauses="", procedure_ids=()) -> Audit:
    """Plan an audit of ``unit``: validate, copy the template's lines in scope, add a task to the core plan."""
    if programme.plan.status in ("done", "cancelled"):
        raise ServiceError("Chương trình đánh giá đã kết thúc hoặc bị huỷ; không thêm cuộc đánh giá được (closed)")
    if unit.id not in subtree(session, programme.unit_id):
        raise ServiceError(f"{unit.name} không thuộc đơn vị lập chương trình (unit outside the programme)")
    if not is_enabled(session, "iso9001", unit.id) or unit.id not in {u.id for u in units_in_scope(session, [unit.id])}:
        raise ServiceError(f"{unit.name} chưa thuộc phạm vi hệ thống quản lý chất lượng; khai báo phạm vi trước "
                           "(unit not in scope)")
    start, end = _dates(programme, starts_on, ends_on)
    lead, others = check_team(session, unit, lead_auditor_id, auditor_ids)
    clauses = parse_clauses(scope_clauses)
    procedures = _procedures(session, unit, procedure_ids)
    if template.unit_id not in ancestors_and_self(session, unit.id) or not template.active:
        raise ServiceError("Bộ câu hỏi không dùng được cho đơn vị này (template not available)")
    lines = [line for line in template.lines if within(line.clause, clauses)]
    if not lines:
        raise ServiceError("Bộ câu hỏi không có câu nào thuộc các điều khoản trong phạm vi đánh giá (no questions)")
    audit = Audit(unit_id=unit.id, programme_id=programme.id, reference=next_reference(session, programme),
                  title=text(title, "Tên cuộc đánh giá", max_len=500) or f"Đánh giá nội bộ tại {unit.name}",
                  starts_on=start, ends_on=end, lead_auditor_id=lead, auditor_ids=others,
                  auditees=text(auditees, "Người được đánh giá", max_len=2000), scope_clauses=clauses,
                  procedure_ids=procedures, template_id=template.id, template_name=template.name,
                  template_version=template.version, status="planned")
    session.add(audit)
    session.flush()
    for position, line in enumerate(lines, start=1):  # a copy: later template edits leave this audit alone
        audit.lines.append(ChecklistLine(unit_id=unit.id, position=position, clause=line.clause,
                                         clause_title=title_of(line.clause), question=line.question, evidence=""))
    task = add_task(session, programme.plan, title=f"{audit.reference}: {audit.title}"[:500], due_date=end,
                    unit_id=unit.id, owner_user_id=lead)
    audit.task_id = task.id
    session.flush()
    return audit


def update_team(session: Session, audit: Audit, *, lead_auditor_id, auditor_ids=(), starts_on=None, ends_on=None,
                auditees: str = "") -> Audit:
    if audit.status not in ("planned", "in_progress"):
        raise ServiceError("Cuộc đánh giá đã kết thúc hoặc bị huỷ; không sửa được (audit closed)")
    start, end = _dates(audit.programme, starts_on, ends_on)
    audit.lead_auditor_id, audit.auditor_ids = check_team(session, audit.unit, lead_auditor_id, auditor_ids)
    audit.starts_on, audit.ends_on = start, end
    audit.auditees = text(auditees, "Người được đánh giá", max_len=2000)
    if audit.task_id:
        task = session.get(PlanTask, audit.task_id)
        if task is not None and task.status == "open" and task.plan.status not in ("done", "cancelled"):
            update_task(session, task, due_date=end, owner_user_id=audit.lead_auditor_id)
    session.flush()
    return audit


def cancel_audit(session: Session, audit: Audit, reason: str) -> Audit:
    if audit.status not in ("planned", "in_progress"):
        raise ServiceError("Chỉ huỷ được cuộc đánh giá chưa kết thúc (audit already closed)")
    audit.cancel_reason = text(reason, "Lý do huỷ", required=True, max_len=2000)
    old, audit.status = audit.status, "cancelled"
    record_transition(session, audit, f"{old} -> cancelled", audit.cancel_reason)
    finish_task(session, audit, "cancelled")
    return audit


def finish_task(session: Session, audit: Audit, status: str) -> None:
    task = session.get(PlanTask, audit.task_id) if audit.task_id else None
    if task is not None and task.status == "open" and task.plan.status not in ("done", "cancelled"):
        update_task(session, task, status=status, evidence_note=f"Cuộc đánh giá {audit.reference}")


@dataclass(frozen=True)
class Coverage:
    in_scope: list[Unit]
    audited: dict[int, list[Audit]]
    missing: list[Unit]  # in scope, no audit (not cancelled) in the programme's year


def coverage(session: Session, programme: Programme) -> Coverage:
    units = units_in_scope(session, subtree(session, programme.unit_id))
    audits = [a for a in programme.audits if a.status != "cancelled"]
    audited: dict[int, list[Audit]] = {}
    for audit in audits:
        audited.setdefault(audit.unit_id, []).append(audit)
    return Coverage(units, audited, [u for u in units if u.id not in audited])


def units_without_audit(session: Session, unit_ids, year: int) -> list[Unit]:
    """Units in scope among ``unit_ids`` with fewer audits (not cancelled) starting in ``year`` than the rule asks."""
    units = units_in_scope(session, unit_ids)
    needed = int(rule("internal_audits_per_year", date(year, 12, 31)))
    held = dict(session.execute(select(Audit.unit_id, func.count(Audit.id)).where(
        Audit.unit_id.in_([u.id for u in units]), Audit.status != "cancelled",
        Audit.starts_on >= date(year, 1, 1), Audit.starts_on <= date(year, 12, 31)).group_by(Audit.unit_id)).all())
    return [u for u in units if held.get(u.id, 0) < needed]

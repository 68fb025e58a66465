"""Nonconformities and corrective actions (ISO 9001:2015 10.2).

Stages: draft → analysis → action plan → open → done, or cancelled from any stage before done. The
effectiveness is verified by someone who owns none of the actions; a nonconformity cannot close without
that evaluation, nor while an action is unfinished. Each stage change is recorded (history and audit log)
and raising and closing are announced as events (``iso9001.nc_raised``, ``iso9001.nc_closed``).
"""
from __future__ import annotations

from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import Event, ServiceError, Unit, emit, record_transition
from plugins.iso9001.clauses import check_clause
from plugins.iso9001.models import NcAction, NcHistory, Nonconformity
from plugins.iso9001.models.improvement import ACTION_KINDS, ORIGINS, SEVERITIES, STAGES
from plugins.iso9001.services.common import active_user, day, display_name, fmt, text, utcnow

NEXT = {"draft": "analysis", "analysis": "action_plan", "action_plan": "open", "open": "done"}
FINAL = ("done", "cancelled")
VERBS = {"analysis": "Chuyển phân tích nguyên nhân", "action_plan": "Chuyển lập kế hoạch hành động",
         "open": "Duyệt kế hoạch, triển khai thực hiện", "done": "Đóng điểm không phù hợp",
         "cancelled": "Huỷ điểm không phù hợp"}


def next_reference(session: Session, unit: Unit, year: int) -> str:
    """``<unit code>/NC-<year>-<n>``: numbered per unit and year, readable across units."""
    prefix = f"{unit.code}/NC-{year}-"
    count = session.scalar(select(func.count(Nonconformity.id)).where(
        Nonconformity.unit_id == unit.id, Nonconformity.reference.like(prefix + "%"))) or 0
    return f"{prefix}{count + 1:03d}"


def raise_nc(session: Session, unit: Unit, *, description: str, raised_on, severity: str = "minor",
             origin: str = "other", clause: str = "", raised_by_id: int | None = None, audit=None, line=None,
             immediate_action: str = "") -> Nonconformity:
    raised = day(raised_on, "Ngày phát hiện", required=True)
    if severity not in SEVERITIES:
        raise ServiceError(f"Mức độ {severity!r} không hợp lệ; chọn: {', '.join(SEVERITIES.values())}")
    if origin not in ORIGINS:
        raise ServiceError(f"Nguồn phát hiện {origin!r} không hợp lệ; chọn: {', '.join(ORIGINS.values())}")
    nc = Nonconformity(unit_id=unit.id, raised_on=raised, severity=severity, origin=origin,
                       clause=check_clause(clause, "Điểm không phù hợp: ") if (clause or "").strip() else "",
                       description=text(description, "Mô tả điểm không phù hợp", required=True, max_len=5000),
                       immediate_action=text(immediate_action, "Hành động khắc phục tức thời", max_len=5000),
                       raised_by_id=raised_by_id, audit_id=audit.id if audit else None,
                       line_id=line.id if line else None, stage="draft",
                       reference=next_reference(session, unit, raised.year))
    session.add(nc)
    session.flush()
    _history(session, nc, "new", "draft", raised_by_id, "Ghi nhận")
    emit(session, Event("iso9001.nc_raised", unit.id, f"iso9001_nonconformity:{nc.id}",
                        {"reference": nc.reference, "severity": severity, "origin": origin, "clause": nc.clause}))
    return nc


def _history(session: Session, nc: Nonconformity, old: str, new: str, user_id: int | None, note: str) -> None:
    session.add(NcHistory(nc_id=nc.id, at=utcnow(), user_id=user_id, from_stage=old, to_stage=new, note=note))
    record_transition(session, nc, f"{old} -> {new}", note)


def check_open(nc: Nonconformity) -> None:
    if nc.stage in FINAL:
        raise ServiceError(f"Điểm không phù hợp {nc.reference} {STAGES[nc.stage].lower()}; không sửa được (closed)")


ANALYSIS_FIELDS = ("description", "immediate_action", "root_cause", "clause", "severity")


def update_analysis(session: Session, nc: Nonconformity, **fields) -> Nonconformity:
    check_open(nc)
    unknown = set(fields) - set(ANALYSIS_FIELDS)
    if unknown:
        raise ServiceError(f"Không sửa được trường {', '.join(sorted(unknown))} (not editable)")
    if "clause" in fields:
        fields["clause"] = check_clause(fields["clause"], "Điểm không phù hợp: ") if (fields["clause"] or "").strip() \
            else ""
    if "severity" in fields and fields["severity"] not in SEVERITIES:
        raise ServiceError(f"Mức độ {fields['severity']!r} không hợp lệ")
    for key in ("description", "immediate_action", "root_cause"):
        if key in fields:
            fields[key] = text(fields[key], {"description": "Mô tả điểm không phù hợp",
                                             "immediate_action": "Hành động khắc phục tức thời",
                                             "root_cause": "Nguyên nhân gốc rễ"}[key],
                               required=key == "description", max_len=5000)
    for key, value in fields.items():
        setattr(nc, key, value)
    session.flush()
    return nc


def add_action(session: Session, nc: Nonconformity, *, description: str, owner_id, due_date,
               kind: str = "corrective") -> NcAction:
    check_open(nc)  # allowed while implementing too, e.g. after an ineffective verification
    if kind not in ACTION_KINDS:
        raise ServiceError(f"Loại hành động {kind!r} không hợp lệ; chọn: {', '.join(ACTION_KINDS.values())}")
    owner = active_user(session, owner_id, "Người thực hiện")
    due = day(due_date, "Hạn hoàn thành", required=True)
    if due < nc.raised_on:
        raise ServiceError(f"Hạn hoàn thành {fmt(due)} không được trước ngày lập điểm không phù hợp {nc.reference} "
                           f"({fmt(nc.raised_on)}) (due date before the nonconformity's date)")
    action = NcAction(nc_id=nc.id, unit_id=nc.unit_id, kind=kind, owner_id=owner.id, due_date=due, status="open",
                      description=text(description, "Nội dung hành động", required=True, max_len=5000), result="")
    nc.actions.append(action)
    nc.effective, nc.verified_by_id, nc.verified_on = None, None, None  # a new action needs a new verification
    session.flush()
    return action


def report_action(session: Session, action: NcAction, *, status: str, result: str = "", today: date) -> NcAction:
    check_open(action.nonconformity)
    if status not in ("open", "done", "cancelled"):
        raise ServiceError(f"Trạng thái {status!r} không hợp lệ (invalid status)")
    result = text(result, "Kết quả thực hiện", max_len=5000)
    if status == "done" and not result:
        raise ServiceError("Khi báo hoàn thành cần ghi kết quả thực hiện, minh chứng (result required)")
    if status != action.status:
        record_transition(session, action, f"{action.status} -> {status}", result)
    action.status, action.result = status, result
    action.done_on = today if status == "done" else None
    session.flush()
    return action


def unfinished(nc: Nonconformity) -> list[NcAction]:
    return [a for a in nc.actions if a.status == "open"]


def verify(session: Session, nc: Nonconformity, verifier_id: int, *, evaluation: str, effective: bool,
           today: date) -> Nonconformity:
    """Record the evaluation of effectiveness; the verifier may own none of the actions."""
    if nc.stage != "open":
        raise ServiceError("Chỉ đánh giá hiệu lực khi điểm không phù hợp đang ở bước khắc phục (not open)")
    owners = {a.owner_id for a in nc.actions if a.status != "cancelled"}
    if verifier_id in owners:
        raise ServiceError("Người thực hiện hành động khắc phục không được tự đánh giá hiệu lực; việc đánh giá phải do "
                           "người khác thực hiện (verification by the action owner)")
    pending = unfinished(nc)
    if pending:
        raise ServiceError(f"Còn {len(pending)} hành động chưa hoàn thành; chỉ đánh giá hiệu lực khi mọi hành động đã "
                           "xong (actions unfinished)")
    nc.evaluation = text(evaluation, "Nhận xét hiệu lực", required=True, max_len=5000)
    nc.effective, nc.verified_by_id, nc.verified_on = bool(effective), verifier_id, today
    record_transition(session, nc, "verify", nc.evaluation, effective=bool(effective))
    return nc


def transition(session: Session, nc: Nonconformity, target: str, user_id: int | None, note: str = "",
               today: date | None = None) -> Nonconformity:
    old = nc.stage
    if target == "cancelled":
        check_open(nc)
        note = text(note, "Lý do huỷ", required=True, max_len=2000)
        nc.cancel_reason = note
    elif NEXT.get(old) != target:
        expected = NEXT.get(old)
        raise ServiceError(f"Không thể chuyển {nc.reference} từ “{STAGES[old]}” sang “{STAGES.get(target, target)}”"
                           + (f"; bước tiếp theo là “{STAGES[expected]}”" if expected else "") +
                           ". Trình tự: dự thảo → phân tích nguyên nhân → lập kế hoạch hành động → khắc phục → đóng "
                           "(forbidden transition)")
    elif target == "analysis" and not nc.description:
        raise ServiceError("Cần mô tả điểm không phù hợp trước (description required)")
    elif target == "action_plan" and not (nc.root_cause or "").strip():
        raise ServiceError("Cần ghi nguyên nhân gốc rễ trước khi lập kế hoạch hành động (root cause required)")
    elif target == "open" and not [a for a in nc.actions if a.status != "cancelled"]:
        raise ServiceError("Cần ít nhất một hành động khắc phục có người thực hiện và hạn hoàn thành (no actions)")
    elif target == "done":
        _check_closable(nc)
        nc.closed_on = today
    nc.stage = target
    _history(session, nc, old, target, user_id, text(note, "Ghi chú", max_len=2000))
    if target == "done":
        emit(session, Event("iso9001.nc_closed", nc.unit_id, f"iso9001_nonconformity:{nc.id}",
                            {"reference": nc.reference, "closed_on": today.isoformat() if today else None}))
    return nc


def _check_closable(nc: Nonconformity) -> None:
    pending = unfinished(nc)
    if pending:
        names = "; ".join(f"“{a.description[:60]}” ({display_name(a.owner)}, hạn {fmt(a.due_date)})" for a in pending)
        raise ServiceError(f"Không thể đóng {nc.reference}: còn {len(pending)} hành động chưa hoàn thành: {names} "
                           "(open actions remain)")
    if nc.verified_by_id is None or not (nc.evaluation or "").strip():
        raise ServiceError(f"Không thể đóng {nc.reference}: chưa có đánh giá hiệu lực của hành động khắc phục do người "
                           "không thực hiện hành động ghi nhận (evaluation required)")
    if not nc.effective:
        raise ServiceError(f"Không thể đóng {nc.reference}: hành động được đánh giá là chưa hiệu lực; bổ sung hành động "
                           "và đánh giá lại (not effective)")

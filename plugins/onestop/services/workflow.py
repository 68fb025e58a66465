"""The dossier workflow: the states and transitions of ``shared/domain/onestop.md``, and only those."""
from __future__ import annotations

from dataclasses import dataclass
from typing import Callable
from datetime import date, datetime, timezone

from sqlalchemy.orm import Session

from core.toolkit import Event, ServiceError, Settings, emit, record_transition, users_with_permission
from plugins.onestop.models import Dossier, Transition
from plugins.onestop.services.clock import add_working_days, local, working_days_between

STATUSES = {
    "registered": "Đăng ký trực tuyến, chờ tiếp nhận",
    "received": "Đã tiếp nhận",
    "refused": "Từ chối tiếp nhận",
    "in_progress": "Đang xử lý",
    "supplement_requested": "Chờ bổ sung hồ sơ",
    "awaiting_payment": "Chờ thực hiện nghĩa vụ tài chính",
    "withdrawn": "Đã rút hồ sơ",
    "stopped": "Dừng xử lý",
    "resolved": "Đã giải quyết, chờ trả kết quả",
    "returned": "Đã trả kết quả",
}
OPEN = ("received", "in_progress", "supplement_requested", "awaiting_payment")
# The sub-states of "supplement requested" (onestop.md): who asked, and whether the applicant has
# handed the supplement in; "supplement completed" returns the dossier to where it was.
SUPPLEMENT_STAGES = {
    ("counter", False): "Bộ phận một cửa yêu cầu bổ sung",
    ("handler", False): "Cán bộ xử lý yêu cầu bổ sung",
    ("counter", True): "Người nộp đã bổ sung, chờ bộ phận một cửa kiểm tra",
    ("handler", True): "Người nộp đã bổ sung, chờ cán bộ xử lý kiểm tra",
}
COUNTER_SIDE = ("registered", "received")  # a supplement asked for here is the counter's request
RECEIVE, PROCESS, DECIDE = "onestop.dossiers.receive", "onestop.dossiers.process", "onestop.dossiers.decide"


@dataclass(frozen=True)
class Action:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None keeps the status (an extension, a sub-state)
    permission: str
    needs_note: bool = False
    when: Callable[[Dossier], bool] | None = None  # a further condition on the sub-state


def _awaiting_supplement(dossier: Dossier) -> bool:
    return dossier.supplemented_on is None


def _supplemented(dossier: Dossier) -> bool:
    return dossier.supplemented_on is not None


ACTIONS = {
    "refuse": Action("Từ chối tiếp nhận (mẫu 03)", ("registered",), "refused", RECEIVE, True),
    "assign": Action("Chuyển xử lý", ("received", "in_progress"), "in_progress", PROCESS),
    "request_supplement": Action("Yêu cầu bổ sung (mẫu 02)", ("registered", "received", "in_progress"),
                                 "supplement_requested", PROCESS, True),
    "supplement": Action("Nhận hồ sơ bổ sung của người nộp", ("supplement_requested",), None, RECEIVE,
                         when=_awaiting_supplement),
    "complete_supplement": Action("Xác nhận đã bổ sung đầy đủ", ("supplement_requested",), None, PROCESS,
                                  when=_supplemented),
    "request_payment": Action("Yêu cầu thực hiện nghĩa vụ tài chính", ("in_progress",), "awaiting_payment", PROCESS),
    "paid": Action("Đã thực hiện nghĩa vụ tài chính", ("awaiting_payment",), "in_progress", RECEIVE),
    "withdraw": Action("Rút hồ sơ", ("registered", *OPEN), "withdrawn", RECEIVE, True),
    "stop": Action("Dừng xử lý (mẫu 05)", ("in_progress", "supplement_requested", "awaiting_payment"), "stopped",
                   DECIDE, True),
    "extend": Action("Xin lỗi và hẹn lại (mẫu 04)", ("received", "in_progress", "supplement_requested",
                                                     "awaiting_payment"), None, DECIDE, True),
    "resolve": Action("Có kết quả, chờ trả", ("in_progress",), "resolved", PROCESS),
    "return": Action("Trả kết quả", ("resolved",), "returned", RECEIVE),
}


def allowed_actions(dossier: Dossier) -> list[str]:
    return [name for name, action in ACTIONS.items() if _allows(action, dossier)]


def _allows(action: Action, dossier: Dossier) -> bool:
    return dossier.status in action.sources and (action.when is None or action.when(dossier))


def required_permission(action: str, dossier: Dossier) -> str:
    """The permission ``action`` needs on ``dossier``: the counter asks for and confirms its own supplements."""
    if action == "request_supplement" and dossier.status in COUNTER_SIDE:
        return RECEIVE
    if action == "complete_supplement" and dossier.supplement_by == "counter":
        return RECEIVE
    return ACTIONS[action].permission


def status_label(dossier: Dossier) -> str:
    label = STATUSES[dossier.status]
    if dossier.status == "supplement_requested" and dossier.supplement_by:
        label += f" – {SUPPLEMENT_STAGES[(dossier.supplement_by, dossier.supplemented_on is not None)].lower()}"
    return label


def log_transition(session: Session, dossier: Dossier, action: str, from_status: str, actor_id: int | None,
                   at: datetime, note: str = "", **details) -> None:
    # On the dossier's own list, so that later steps in the same session see it (the rules read the slip).
    dossier.transitions.append(Transition(
        dossier_id=dossier.id, unit_id=dossier.unit_id, action=action, from_status=from_status,
        to_status=dossier.status, at=at, user_id=actor_id, step=dossier.current_step, note=note,
        details={k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()}))
    record_transition(session, dossier, f"{from_status}->{dossier.status}", note, action=action, **details)


def transition(session: Session, settings: Settings, dossier: Dossier, action: str, actor_id: int | None,
               note: str = "", now: datetime | None = None, **details) -> Dossier:
    """Apply ``action`` to ``dossier``; refuse anything the rules do not allow, with the reason."""
    now = now or datetime.now(timezone.utc)
    today = local(now).date()
    spec = ACTIONS.get(action)
    if spec is None:
        raise ServiceError(f"Thao tác không hợp lệ: {action!r} (unknown action)")
    if not _allows(spec, dossier):
        allowed = ", ".join(STATUSES[s] for s in spec.sources)
        condition = {"supplement": " và chưa nhận bổ sung", "complete_supplement": " và người nộp đã bổ sung"}
        raise ServiceError(
            f"Không thể '{spec.label}' khi hồ sơ {dossier.code or dossier.id} đang ở trạng thái "
            f"'{status_label(dossier)}'; chỉ được khi hồ sơ {allowed}{condition.get(action, '')} "
            f"(transition not allowed)"
        )
    note = (note or "").strip()
    if spec.needs_note and not note:
        raise ServiceError(f"'{spec.label}' cần ghi rõ lý do bằng văn bản (a written reason is required)")
    from_status = dossier.status
    target = _apply(session, settings, dossier, action, today, now, details) or spec.target
    if target is not None:
        dossier.status = target
    session.flush()
    log_transition(session, dossier, action, from_status, actor_id, now, note, **details)
    if action == "return":
        emit(session, Event("onestop.dossier_returned", dossier.unit_id, f"onestop_dossier:{dossier.id}",
                            {"code": dossier.code, "late": is_late(dossier)}))
    return dossier


def _apply(session, settings, dossier: Dossier, action: str, today: date, now: datetime,
           details: dict) -> str | None:
    """Check and apply the action's effects; return the new status when it depends on the dossier."""
    if action == "request_supplement":
        _request_supplement(dossier, today, details)
    elif action == "supplement":
        dossier.supplemented_on = today
    elif action == "complete_supplement":
        return _complete_supplement(session, settings, dossier)
    elif action == "assign":
        _assign(session, dossier, details)
    elif action == "extend":
        _extend(dossier, today, details)
    elif action == "resolve":
        dossier.resolved_on = today
    elif action in ("withdraw", "stop", "refuse"):
        dossier.closed_on = today
    elif action == "return":
        dossier.returned_at = now
    return None


def _request_supplement(dossier: Dossier, today: date, details: dict) -> None:
    missing = [d.strip() for d in details.get("missing_documents", []) if d and d.strip()]
    if not missing:
        raise ServiceError("Phải liệt kê đầy đủ giấy tờ cần bổ sung, một lần (list every missing document once)")
    if any(t.action == "request_supplement" for t in dossier.transitions):
        raise ServiceError("Hồ sơ chỉ được yêu cầu bổ sung một lần, bằng văn bản (already asked once)")
    details["missing_documents"] = missing
    dossier.supplement_by = "counter" if dossier.status in COUNTER_SIDE else "handler"
    dossier.supplemented_on = None
    dossier.paused_on = today if dossier.appointment_on else None  # a registration has no clock yet


def _complete_supplement(session, settings, dossier: Dossier) -> str:
    """The clock resumes from the day the applicant handed the supplement in (or restarts, per procedure)."""
    if dossier.appointment_on is not None and dossier.paused_on is not None:
        procedure, handed_in = dossier.procedure, dossier.supplemented_on
        if procedure.supplement_policy == "restart":
            dossier.appointment_on = add_working_days(session, settings, handed_in, procedure.limit_for(dossier.channel))
        else:
            paused = working_days_between(session, settings, dossier.paused_on, handed_in)
            dossier.appointment_on = add_working_days(session, settings, dossier.appointment_on, paused)
    asked = [t for t in dossier.transitions if t.action == "request_supplement"]
    dossier.paused_on, dossier.supplement_by = None, ""
    return asked[-1].from_status if asked else "in_progress"


def _assign(session, dossier: Dossier, details: dict) -> None:
    """A handler for a step of the procedure; the step's default handler when none is chosen."""
    steps = list(dossier.procedure.steps)
    step = int(details.get("step") or dossier.current_step + 1)
    if steps and not 1 <= step <= len(steps):
        raise ServiceError(f"Thủ tục có {len(steps)} bước xử lý; không có bước {step} (no such step)")
    handler_id = details.get("handler_id") or (steps[step - 1].handler_user_id if steps else None)
    handlers = {u.id for u in users_with_permission(session, PROCESS, dossier.unit_id)}
    if not handler_id or handler_id not in handlers:
        raise ServiceError("Chọn cán bộ giữ vai trò xử lý hồ sơ tại đơn vị của hồ sơ (choose a handler of this unit)")
    details["handler_id"], details["step"] = handler_id, step
    dossier.handler_id, dossier.current_step = handler_id, step


def _extend(dossier: Dossier, today: date, details: dict) -> None:
    new_date = details.get("new_date")
    if not isinstance(new_date, date):
        raise ServiceError("Ngày hẹn mới không hợp lệ (dd/mm/yyyy) (new appointment date required)")
    current = dossier.extended_until or dossier.appointment_on
    if today > current:
        raise ServiceError(
            f"Thư xin lỗi phải ban hành chậm nhất vào ngày hẹn trả {current:%d/%m/%Y}; hôm nay đã quá hạn "
            f"(apology after the appointment date is refused)"
        )
    if new_date <= current:
        raise ServiceError(f"Ngày hẹn mới phải sau ngày hẹn hiện tại {current:%d/%m/%Y} (new date must be later)")
    dossier.extended_until = new_date


def is_late(dossier: Dossier) -> bool:
    """Late against the *original* appointment, even after an apology and extension."""
    return bool(dossier.resolved_on and dossier.appointment_on and dossier.resolved_on > dossier.appointment_on)

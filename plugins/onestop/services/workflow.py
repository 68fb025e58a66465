"""The dossier workflow: the states and transitions of ``shared/domain/onestop.md``, and only those."""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime, timezone

from sqlalchemy.orm import Session

from core.toolkit import Event, ServiceError, Settings, User, emit, record_transition
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


@dataclass(frozen=True)
class Action:
    label: str
    sources: tuple[str, ...]
    target: str | None  # None keeps the status (an extension)
    permission: str
    needs_note: bool = False


ACTIONS = {
    "refuse": Action("Từ chối tiếp nhận (mẫu 03)", ("registered",), "refused", "onestop.dossiers.receive", True),
    "assign": Action("Chuyển xử lý", ("received", "in_progress"), "in_progress", "onestop.dossiers.process"),
    "request_supplement": Action("Yêu cầu bổ sung (mẫu 02)", ("received", "in_progress"), "supplement_requested",
                                 "onestop.dossiers.process", True),
    "supplement": Action("Nhận hồ sơ bổ sung", ("supplement_requested",), "in_progress", "onestop.dossiers.receive"),
    "request_payment": Action("Yêu cầu thực hiện nghĩa vụ tài chính", ("in_progress",), "awaiting_payment",
                              "onestop.dossiers.process"),
    "paid": Action("Đã thực hiện nghĩa vụ tài chính", ("awaiting_payment",), "in_progress", "onestop.dossiers.receive"),
    "withdraw": Action("Rút hồ sơ", ("registered", *OPEN), "withdrawn", "onestop.dossiers.receive", True),
    "stop": Action("Dừng xử lý (mẫu 05)", ("in_progress", "supplement_requested", "awaiting_payment"), "stopped",
                   "onestop.dossiers.decide", True),
    "extend": Action("Xin lỗi và hẹn lại (mẫu 04)", ("in_progress", "supplement_requested", "awaiting_payment"), None,
                     "onestop.dossiers.decide", True),
    "resolve": Action("Có kết quả, chờ trả", ("in_progress",), "resolved", "onestop.dossiers.process"),
    "return": Action("Trả kết quả", ("resolved",), "returned", "onestop.dossiers.receive"),
}


def allowed_actions(dossier: Dossier) -> list[str]:
    return [name for name, action in ACTIONS.items() if dossier.status in action.sources]


def log_transition(session: Session, dossier: Dossier, action: str, from_status: str, actor_id: int | None,
                   at: datetime, note: str = "", **details) -> None:
    session.add(Transition(dossier_id=dossier.id, unit_id=dossier.unit_id, action=action, from_status=from_status,
                           to_status=dossier.status, at=at, user_id=actor_id, step=dossier.current_step,
                           note=note, details={k: (v.isoformat() if isinstance(v, date) else v) for k, v in details.items()}))
    record_transition(session, dossier, f"{from_status}->{dossier.status}", note, action=action, **details)


def transition(session: Session, settings: Settings, dossier: Dossier, action: str, actor_id: int | None,
               note: str = "", now: datetime | None = None, **details) -> Dossier:
    """Apply ``action`` to ``dossier``; refuse anything the rules do not allow, with the reason."""
    now = now or datetime.now(timezone.utc)
    today = local(now).date()
    spec = ACTIONS.get(action)
    if spec is None:
        raise ServiceError(f"Thao tác không hợp lệ: {action!r} (unknown action)")
    if dossier.status not in spec.sources:
        allowed = ", ".join(STATUSES[s] for s in spec.sources)
        raise ServiceError(
            f"Không thể '{spec.label}' khi hồ sơ {dossier.code or dossier.id} đang ở trạng thái "
            f"'{STATUSES[dossier.status]}'; chỉ được khi hồ sơ {allowed} (transition not allowed)"
        )
    note = (note or "").strip()
    if spec.needs_note and not note:
        raise ServiceError(f"'{spec.label}' cần ghi rõ lý do bằng văn bản (a written reason is required)")
    from_status = dossier.status
    _apply(session, settings, dossier, action, today, now, details)
    if spec.target is not None:
        dossier.status = spec.target
    session.flush()
    log_transition(session, dossier, action, from_status, actor_id, now, note, **details)
    if action == "return":
        emit(session, Event("onestop.dossier_returned", dossier.unit_id, f"onestop_dossier:{dossier.id}",
                            {"code": dossier.code, "late": is_late(dossier)}))
    return dossier


def _apply(session, settings, dossier: Dossier, action: str, today: date, now: datetime, details: dict) -> None:
    if action == "request_supplement":
        missing = [d.strip() for d in details.get("missing_documents", []) if d and d.strip()]
        if not missing:
            raise ServiceError("Phải liệt kê đầy đủ giấy tờ cần bổ sung, một lần (list every missing document once)")
        if any(t.action == "request_supplement" for t in dossier.transitions):
            raise ServiceError("Hồ sơ chỉ được yêu cầu bổ sung một lần, bằng văn bản (already asked once)")
        details["missing_documents"] = missing
        dossier.paused_on = today
    elif action == "supplement":
        procedure = dossier.procedure
        if procedure.supplement_policy == "restart":
            dossier.appointment_on = add_working_days(session, settings, today, procedure.limit_for(dossier.channel))
        else:
            paused = working_days_between(session, settings, dossier.paused_on, today)
            dossier.appointment_on = add_working_days(session, settings, dossier.appointment_on, paused)
        dossier.paused_on = None
    elif action == "assign":
        handler_id = details.get("handler_id")
        if not handler_id or session.get(User, handler_id) is None:
            raise ServiceError("Chọn cán bộ xử lý hợp lệ (choose an existing handler)")
        dossier.handler_id = handler_id
        dossier.current_step = int(details.get("step") or dossier.current_step + 1)
    elif action == "extend":
        _extend(dossier, today, details)
    elif action == "resolve":
        dossier.resolved_on = today
    elif action in ("withdraw", "stop", "refuse"):
        dossier.closed_on = today
    elif action == "return":
        dossier.returned_at = now


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

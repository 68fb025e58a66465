"""Intake: online registration, reception at the counter, codes and appointments."""
from __future__ import annotations

import re
import secrets
from dataclasses import dataclass, field
from datetime import datetime, timezone

from sqlalchemy.orm import Session

from core.toolkit import Settings, Event, ServiceError, Unit, emit
from plugins.onestop.models import Dossier, DossierDocument, Procedure
from plugins.onestop.models.dossiers import CHANNELS
from plugins.onestop.services.clock import appointment, local
from plugins.onestop.services.codes import format_code, reserve_sequences
from plugins.onestop.services.workflow import log_transition

SECRET_ALPHABET = "ABCDEFGHJKLMNPQRSTUVWXYZ23456789"  # no 0/O or 1/I: it is read off paper
_SECRET_SYMBOLS = bytes(ord(SECRET_ALPHABET[byte % 32]) for byte in range(256))
ID_NUMBER = re.compile(r"^(\d{9}|\d{12})$")
PHONE = re.compile(r"^0\d{9,10}$")
EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")


@dataclass
class Applicant:
    name: str
    id_number: str = ""
    address: str = ""
    phone: str = ""
    email: str = ""

    def validate(self) -> list[str]:
        errors = []
        if not self.name.strip():
            errors.append("Họ tên người nộp là bắt buộc")
        if self.id_number and not ID_NUMBER.match(self.id_number.strip()):
            errors.append("Số định danh (CCCD) phải gồm 12 chữ số (hoặc CMND 9 chữ số)")
        if self.phone and not PHONE.match(self.phone.strip()):
            errors.append("Số điện thoại phải gồm 10–11 chữ số, bắt đầu bằng 0")
        if self.email and not EMAIL.match(self.email.strip()):
            errors.append("Địa chỉ thư điện tử không hợp lệ")
        return errors


@dataclass
class ReceivedDocument:
    name: str
    originals: int = 0
    certified_copies: int = 0
    copies: int = 0


@dataclass
class IntakeRequest:
    procedure_id: int
    applicant: Applicant
    channel: str = "counter"
    documents: list[ReceivedDocument] = field(default_factory=list)


def _procedure(session: Session, unit: Unit, procedure_id: int) -> Procedure:
    procedure = session.get(Procedure, procedure_id)
    if procedure is None or procedure.unit_id != unit.id or not procedure.active:
        raise ServiceError("Thủ tục không tồn tại hoặc không áp dụng tại đơn vị này (unknown procedure)")
    return procedure


def _check(request: IntakeRequest, procedure: Procedure, need_documents: bool) -> None:
    errors = intake_problems(request, procedure, need_documents)
    if errors:
        raise ServiceError(". ".join(errors))


def intake_problems(request: IntakeRequest, procedure: Procedure, need_documents: bool) -> list[str]:
    """What is wrong with a request, in Vietnamese; empty when it can be taken."""
    errors = request.applicant.validate()
    if request.channel not in CHANNELS:
        errors.append(f"Kênh nộp không hợp lệ: {request.channel!r}")
    if need_documents:
        given = {d.name.strip().lower() for d in request.documents if d.originals + d.certified_copies + d.copies > 0}
        missing = [d.name for d in procedure.documents if d.name.strip().lower() not in given]
        if missing:
            errors.append("Hồ sơ chưa đủ thành phần; còn thiếu: " + "; ".join(missing))
    return errors


def register_online(session: Session, unit: Unit, request: IntakeRequest, now: datetime | None = None) -> Dossier:
    """An online registration, waiting for the counter to receive it."""
    procedure = _procedure(session, unit, request.procedure_id)
    request.channel = "online"
    _check(request, procedure, need_documents=False)
    dossier = _new_dossier(unit, procedure, request, "registered")
    dossier.registered_at = now or datetime.now(timezone.utc)
    session.add(dossier)
    session.flush()
    log_transition(session, dossier, "register", "new", None, dossier.registered_at)
    return dossier


def receive(session: Session, settings: Settings, unit: Unit, request: IntakeRequest, actor_id: int | None,
            now: datetime | None = None, dossier: Dossier | None = None) -> Dossier:
    """Receive a complete dossier: code, appointment, checklist, the slip's second factor."""
    now = now or datetime.now(timezone.utc)
    procedure = _procedure(session, unit, request.procedure_id)
    _check(request, procedure, need_documents=True)
    from_status = "new"
    if dossier is None:
        dossier = _new_dossier(unit, procedure, request, "received")
        session.add(dossier)
    else:
        if dossier.status != "registered":
            raise ServiceError("Chỉ tiếp nhận được hồ sơ đang chờ tiếp nhận (dossier is not waiting for reception)")
        from_status, dossier.status = dossier.status, "received"
    day = local(now).date()
    dossier.receipt_day = day
    dossier.sequence = reserve_sequences(session, unit.id, day)[0]
    dossier.code = format_code(unit.code, day, dossier.sequence)
    dossier.received_at, dossier.received_by = now, actor_id
    dossier.received_on, dossier.appointment_on = appointment(
        session, settings, unit.id, now, procedure.limit_for(dossier.channel), procedure.limit_kind)
    dossier.documents = _checklist(unit, request)
    session.flush()
    log_transition(session, dossier, "receive", from_status, actor_id, now)
    emit(session, Event("onestop.dossier_received", unit.id, f"onestop_dossier:{dossier.id}",
                        {"code": dossier.code, "appointment": dossier.appointment_on.isoformat()}))
    return dossier


def refuse_at_counter(session: Session, unit: Unit, request: IntakeRequest, actor_id: int | None, reason: str,
                      now: datetime | None = None) -> Dossier:
    """A walk-in dossier the counter refuses (form 03): kept with the written reason, never received."""
    now = now or datetime.now(timezone.utc)
    reason = (reason or "").strip()
    if not reason:
        raise ServiceError("Từ chối tiếp nhận cần ghi rõ lý do bằng văn bản (a written reason is required)")
    procedure = _procedure(session, unit, request.procedure_id)
    problems = request.applicant.validate()
    if problems:
        raise ServiceError(". ".join(problems))
    dossier = _new_dossier(unit, procedure, request, "refused")
    dossier.closed_on = local(now).date()
    dossier.documents = _checklist(unit, request)
    session.add(dossier)
    session.flush()
    log_transition(session, dossier, "refuse", "new", actor_id, now, reason)
    return dossier


def _checklist(unit: Unit, request: IntakeRequest) -> list[DossierDocument]:
    return [DossierDocument(unit_id=unit.id, name=d.name, originals=d.originals, certified_copies=d.certified_copies,
                            copies=d.copies) for d in request.documents]


def _new_dossier(unit: Unit, procedure: Procedure, request: IntakeRequest, status: str) -> Dossier:
    a = request.applicant
    return Dossier(unit_id=unit.id, procedure_id=procedure.id, field_id=procedure.field_id, channel=request.channel,
                   status=status, applicant_name=a.name.strip(), applicant_id_number=a.id_number.strip(),
                   applicant_address=a.address.strip(), applicant_phone=a.phone.strip(),
                   applicant_email=a.email.strip(), lookup_secret=new_secret())


def new_secret(length: int = 6) -> str:
    return new_secrets(1, length)[0]


def new_secrets(count: int, length: int = 6) -> list[str]:
    # 32 symbols: a random byte modulo 32 is uniform, and one call to the OS serves the whole batch.
    pool = secrets.token_bytes(count * length).translate(_SECRET_SYMBOLS).decode("ascii")
    return [pool[i:i + length] for i in range(0, count * length, length)]

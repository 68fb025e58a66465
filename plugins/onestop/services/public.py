"""The citizen side, free of Flask: the public catalogue, online registration, the lookup by code and
second factor (status and dates only). The views guard the lookup with the core's per-client
attempt limit (``core.toolkit.attempt_allowed``).

The lookup resists enumeration: an unknown code, a wrong second factor and a dossier of a unit where
the one-stop counter is disabled all give the same answer (``None``), after the same comparison.
"""
from __future__ import annotations

import hmac
import re
import unicodedata
from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import func, or_, select
from sqlalchemy.orm import Session

from core.toolkit import EnablementSnapshot, ServiceError, Unit
from plugins.onestop.models import Dossier, Field, Procedure
from plugins.onestop.services.clock import local
from plugins.onestop.services.intake import Applicant, IntakeRequest, register_online
from plugins.onestop.services.workflow import status_label

PLUGIN = "onestop"
REGISTRATION = re.compile(r"^DK-(\d{1,9})$")  # the reference of an online registration before reception
_DUMMY_SECRET = "ZZZZZZ"  # compared against when the code is unknown, so both paths do the same work
PAGE_SIZE = 50


class InvalidInput(ServiceError):
    """Malformed public input; ``errors`` lists every problem, each a Vietnamese sentence."""

    def __init__(self, errors: list[str]):
        super().__init__(". ".join(errors))
        self.errors = errors


def has_control(text: str) -> bool:
    """Control characters (NUL above all, which PostgreSQL refuses in text) are never valid input."""
    return any(unicodedata.category(c) == "Cc" and c not in "\n\r\t" for c in text or "")


BAD_CHARACTERS = "chứa ký tự không hợp lệ"


# -- where the counter is open ------------------------------------------------------------------------
def enabled_unit_ids(session: Session) -> list[int]:
    snapshot = EnablementSnapshot.of(session)
    return sorted(uid for uid, plugins in snapshot.by_unit.items() if PLUGIN in plugins)


def public_units(session: Session) -> list[Unit]:
    ids = enabled_unit_ids(session)
    return list(session.scalars(select(Unit).where(Unit.id.in_(ids), Unit.active.is_(True)).order_by(Unit.code)))


def public_unit(session: Session, code: str | None) -> Unit | None:
    """A unit open to the public by its code, or None (unknown, inactive or counter disabled)."""
    code = (code or "").strip()
    return next((u for u in public_units(session) if u.code == code), None) if code else None


# -- catalogue ----------------------------------------------------------------------------------------
def fields_of(session: Session, unit_ids: list[int]) -> list[tuple[Field, int]]:
    """The fields with their number of active procedures, by name."""
    count = func.count(Procedure.id)
    rows = session.execute(
        select(Field, count).outerjoin(Procedure, (Procedure.field_id == Field.id) & Procedure.active.is_(True))
        .where(Field.unit_id.in_(unit_ids)).group_by(Field.id).order_by(Field.name)
    ).all()
    return [(f, n) for f, n in rows]


def _spellings(word: str) -> set[str]:
    # SQLite's LIKE folds ASCII only: try the usual capitalisations of a Vietnamese word.
    return {word, word.lower(), word.upper(), word.capitalize()}


def search_catalogue(session: Session, unit_ids: list[int], field_id: int | None = None, text: str = "",
                     page: int = 1) -> tuple[list[Procedure], int]:
    """Active procedures of ``unit_ids`` matching every word of ``text`` (name or code); one page, total."""
    conditions = [Procedure.unit_id.in_(unit_ids), Procedure.active.is_(True)]
    if field_id:
        conditions.append(Procedure.field_id == field_id)
    for word in "".join(c for c in text or "" if not has_control(c)).split()[:8]:
        word = word.replace("\\", "").replace("%", "").replace("_", "")[:60]
        if word:
            conditions.append(or_(*[Procedure.name.like(f"%{w}%") for w in _spellings(word)],
                                  Procedure.national_code.like(f"%{word}%")))
    total = session.scalar(select(func.count(Procedure.id)).where(*conditions)) or 0
    page = max(1, min(page, (total + PAGE_SIZE - 1) // PAGE_SIZE or 1))
    rows = session.scalars(select(Procedure).where(*conditions).order_by(Procedure.national_code)
                           .offset((page - 1) * PAGE_SIZE).limit(PAGE_SIZE))
    return list(rows), total


def public_procedure(session: Session, procedure_id: int | None) -> Procedure | None:
    procedure = session.get(Procedure, procedure_id) if procedure_id else None
    if procedure is None or not procedure.active or procedure.unit_id not in enabled_unit_ids(session):
        return None
    return procedure


def accepts_online(procedure: Procedure) -> bool:
    """Online submission exists from the old level 3 up, or when the procedure is partial or end-to-end."""
    return procedure.online_mode in ("partial", "end_to_end") or procedure.online_level in ("3", "4")


# -- online registration ------------------------------------------------------------------------------
ONLINE_REQUIRED = {"name": "họ và tên", "id_number": "số định danh cá nhân", "address": "địa chỉ",
                   "phone": "số điện thoại"}  # the counter must be able to identify and call the applicant


def register(session: Session, procedure: Procedure, applicant: Applicant, now: datetime | None = None) -> Dossier:
    if not accepts_online(procedure):
        raise InvalidInput(["Thủ tục này chưa cung cấp dịch vụ công trực tuyến; vui lòng nộp hồ sơ tại Bộ phận "
                            "tiếp nhận và trả kết quả"])
    problems = [f"Trường {key} {BAD_CHARACTERS}" for key in APPLICANT_FIELDS if has_control(getattr(applicant, key))]
    if problems:
        raise InvalidInput(problems)
    problems = [f"Thiếu {label} của người nộp" for key, label in ONLINE_REQUIRED.items()
                if not getattr(applicant, key).strip()] + applicant.validate()
    if problems:
        raise InvalidInput(problems)
    unit = session.get(Unit, procedure.unit_id)
    return register_online(session, unit, IntakeRequest(procedure.id, applicant, channel="online"), now)


APPLICANT_FIELDS = {"name": 255, "id_number": 20, "address": 500, "phone": 20, "email": 255}


def parse_registration(session: Session, payload) -> tuple[Procedure, Applicant]:
    """Read the JSON of ``POST /onestop/api/registrations``; raise ``InvalidInput`` listing every problem.

    ``{"unit": "H15.50", "procedure": "1.000001", "applicant": {"name": ..., "id_number": ...,
    "address": ..., "phone": ..., "email": ...}}``
    """
    if not isinstance(payload, dict):
        raise InvalidInput(["Nội dung yêu cầu phải là một đối tượng JSON"])
    errors: list[str] = []
    unit_code, procedure_code = payload.get("unit"), payload.get("procedure")
    person = payload.get("applicant")
    if not isinstance(unit_code, str) or not unit_code.strip():
        errors.append("Thiếu mã đơn vị ('unit')")
    elif has_control(unit_code) or len(unit_code) > 50:
        errors.append(f"Mã đơn vị ('unit') {BAD_CHARACTERS}")
    if not isinstance(procedure_code, str) or not procedure_code.strip():
        errors.append("Thiếu mã thủ tục ('procedure')")
    elif has_control(procedure_code) or len(procedure_code) > 40:
        errors.append(f"Mã thủ tục ('procedure') {BAD_CHARACTERS}")
    if not isinstance(person, dict):
        errors.append("Thiếu thông tin người nộp ('applicant'), phải là một đối tượng JSON")
        person = {}
    values: dict[str, str] = {}
    for key, limit in APPLICANT_FIELDS.items():
        value = person.get(key, "")
        if value is None:
            value = ""
        if not isinstance(value, str):
            errors.append(f"Trường 'applicant.{key}' phải là chuỗi ký tự")
        elif len(value) > limit:
            errors.append(f"Trường 'applicant.{key}' dài quá {limit} ký tự")
        elif has_control(value):
            errors.append(f"Trường 'applicant.{key}' {BAD_CHARACTERS}")
        else:
            values[key] = value
    unknown = sorted(set(person) - set(APPLICANT_FIELDS))
    if unknown:
        errors.append("Trường không được hỗ trợ trong 'applicant': " + ", ".join(map(str, unknown)))
    if errors:
        raise InvalidInput(errors)
    applicant = Applicant(**values)
    errors.extend(f"Thiếu {label} của người nộp ('applicant.{key}')" for key, label in ONLINE_REQUIRED.items()
                  if not values[key].strip())
    errors.extend(e for e in applicant.validate() if not e.startswith("Họ tên"))
    unit = public_unit(session, unit_code)
    procedure = None
    if unit is None:
        errors.append(f"Đơn vị '{unit_code.strip()}' không tồn tại hoặc không tiếp nhận hồ sơ một cửa")
    else:
        procedure = session.scalar(select(Procedure).where(Procedure.unit_id == unit.id, Procedure.active.is_(True),
                                                           Procedure.national_code == procedure_code.strip()))
        if procedure is None:
            errors.append(f"Thủ tục '{procedure_code.strip()}' không có trong danh mục của đơn vị {unit.code}")
    if errors:
        raise InvalidInput(errors)
    return procedure, applicant


def reference(dossier: Dossier) -> str:
    """What the citizen types to look the dossier up: its code, or ``DK-<id>`` before reception."""
    return dossier.code or f"DK-{dossier.id}"


# -- lookup -------------------------------------------------------------------------------------------
def normalise_secret(secret: str | None) -> str:
    return re.sub(r"[\s-]", "", secret or "").upper()


def find_dossier(session: Session, code: str | None, secret: str | None) -> Dossier | None:
    """The dossier with this code (or registration reference) *and* second factor, else None."""
    code, secret = (code or "").strip(), normalise_secret(secret)
    dossier = None
    if 0 < len(code) <= 60 and 0 < len(secret) <= 12 and not has_control(code + secret):
        match = REGISTRATION.match(code.upper())
        if match:
            dossier = session.get(Dossier, int(match.group(1)))
        else:
            dossier = session.scalar(select(Dossier).where(Dossier.code.in_({code, code.upper()})))
    expected = dossier.lookup_secret if dossier is not None else _DUMMY_SECRET
    matches = hmac.compare_digest(secret.encode(), expected.encode())
    if dossier is None or not matches or dossier.unit_id not in enabled_unit_ids(session):
        return None
    return dossier


@dataclass(frozen=True)
class PublicStatus:
    """What the public lookup may show: the status and dates, nothing about the applicant."""

    reference: str
    status: str
    status_label: str
    registered_on: date | None
    received_on: date | None
    appointment_on: date | None
    extended_until: date | None
    resolved_on: date | None
    closed_on: date | None
    returned_on: date | None

    @classmethod
    def of(cls, dossier: Dossier) -> "PublicStatus":
        day = lambda moment: local(moment).date() if moment else None  # noqa: E731
        return cls(reference(dossier), dossier.status, status_label(dossier),
                   day(dossier.registered_at), day(dossier.received_at), dossier.appointment_on,
                   dossier.extended_until, dossier.resolved_on, dossier.closed_on, day(dossier.returned_at))

"""The catalogue: fields and procedures, their documents and processing steps."""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import ServiceError
from plugins.onestop.models import Field, Procedure, ProcedureDocument, ProcedureStep
from plugins.onestop.models.catalogue import LIMIT_KINDS, ONLINE_LEVELS, ONLINE_MODES, SUPPLEMENT_POLICIES


@dataclass
class ProcedureSpec:
    national_code: str
    name: str
    field_code: str
    time_limit: int
    limit_kind: str = "working"
    online_time_limit: int | None = None
    authority: str = ""
    fee: float | None = None
    fee_note: str = ""
    online_level: str = "2"
    online_mode: str = ""
    supplement_policy: str = "pause"
    documents: list[tuple[str, int, int, int]] = field(default_factory=list)  # name, originals, certified, copies
    steps: list[tuple[str, int]] = field(default_factory=list)  # name, share of the limit in percent
    published_on: date | None = None  # the date of the decision that published the procedure

    def problems(self) -> list[str]:
        errors = []
        if not self.national_code.strip():
            errors.append("thiếu mã thủ tục")
        if not self.name.strip():
            errors.append("thiếu tên thủ tục")
        if self.time_limit is None or self.time_limit <= 0:
            errors.append("thời hạn giải quyết phải là số nguyên dương")
        if self.online_time_limit is not None and self.online_time_limit <= 0:
            errors.append("thời hạn trực tuyến phải là số nguyên dương")
        if self.limit_kind not in LIMIT_KINDS:
            errors.append(f"đơn vị thời hạn phải là một trong {', '.join(LIMIT_KINDS)}")
        if self.online_level not in ONLINE_LEVELS:
            errors.append("mức độ trực tuyến phải từ 1 đến 4")
        if self.online_mode not in ONLINE_MODES:
            errors.append("hình thức trực tuyến phải là '', partial hoặc end_to_end")
        if self.supplement_policy not in SUPPLEMENT_POLICIES:
            errors.append("cách tính thời hạn khi bổ sung phải là pause hoặc restart")
        if self.fee is not None and self.fee < 0:
            errors.append("lệ phí không được âm")
        if self.steps and sum(share for _, share in self.steps) != 100:
            errors.append("tỷ lệ thời gian các bước phải cộng lại bằng 100%")
        return errors


def get_or_create_field(session: Session, unit_id: int, code: str, name: str) -> Field:
    found = session.scalar(select(Field).where(Field.unit_id == unit_id, Field.code == code))
    if found is None:
        found = Field(unit_id=unit_id, code=code, name=name)
        session.add(found)
        session.flush()
    return found


def save_procedure(session: Session, unit_id: int, spec: ProcedureSpec, field_obj: Field) -> Procedure:
    problems = spec.problems()
    if problems:
        raise ServiceError(f"Thủ tục {spec.national_code or '?'}: " + "; ".join(problems))
    procedure = session.scalar(select(Procedure).where(Procedure.unit_id == unit_id,
                                                       Procedure.national_code == spec.national_code))
    procedure = procedure or Procedure(unit_id=unit_id, national_code=spec.national_code)
    for attr in ("name", "time_limit", "limit_kind", "online_time_limit", "authority", "fee", "fee_note",
                 "online_level", "online_mode", "supplement_policy", "published_on"):
        setattr(procedure, attr, getattr(spec, attr))
    procedure.field = field_obj
    procedure.documents = [ProcedureDocument(unit_id=unit_id, position=i, name=n, originals=o, certified_copies=c,
                                             copies=p) for i, (n, o, c, p) in enumerate(spec.documents)]
    procedure.steps = [ProcedureStep(unit_id=unit_id, position=i, name=n, share_percent=s)
                       for i, (n, s) in enumerate(spec.steps)]
    session.add(procedure)
    session.flush()
    return procedure

"""The catalogue: fields (lĩnh vực) and their administrative procedures."""
from __future__ import annotations

from datetime import date

from sqlalchemy import Boolean, Date, ForeignKey, Integer, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column, relationship

from core.toolkit import Audited, Base, Timestamped

LIMIT_KINDS = {"working": "ngày làm việc", "calendar": "ngày", "hours": "giờ làm việc"}
ONLINE_LEVELS = {"1": "Mức độ 1", "2": "Mức độ 2", "3": "Mức độ 3", "4": "Mức độ 4"}
ONLINE_MODES = {"": "Không trực tuyến", "partial": "Một phần", "end_to_end": "Toàn trình"}
SUPPLEMENT_POLICIES = {"pause": "Tạm dừng, tính tiếp", "restart": "Tính lại từ đầu"}


class Field(Audited, Timestamped, Base):
    __tablename__ = "onestop_field"
    __table_args__ = (UniqueConstraint("unit_id", "code", name="uq_onestop_field_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(255))

    procedures: Mapped[list["Procedure"]] = relationship(back_populates="field")

    def __str__(self) -> str:
        return self.name


class Procedure(Audited, Timestamped, Base):
    __tablename__ = "onestop_procedure"
    __table_args__ = (UniqueConstraint("unit_id", "national_code", name="uq_onestop_procedure_unit_code"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    field_id: Mapped[int] = mapped_column(ForeignKey("onestop_field.id"), index=True)
    national_code: Mapped[str] = mapped_column(String(40))
    name: Mapped[str] = mapped_column(String(500))
    authority: Mapped[str] = mapped_column(String(255), default="")
    time_limit: Mapped[int] = mapped_column(Integer)
    limit_kind: Mapped[str] = mapped_column(String(10), default="working")
    online_time_limit: Mapped[int | None] = mapped_column(Integer)
    fee: Mapped[float | None] = mapped_column(Numeric(14, 0))
    fee_note: Mapped[str] = mapped_column(String(255), default="")
    online_level: Mapped[str] = mapped_column(String(2), default="2")
    online_mode: Mapped[str] = mapped_column(String(12), default="")
    supplement_policy: Mapped[str] = mapped_column(String(10), default="pause")
    active: Mapped[bool] = mapped_column(Boolean, default=True)
    published_on: Mapped[date | None] = mapped_column(Date)  # the decision publishing it in the catalogue

    field: Mapped[Field] = relationship(back_populates="procedures")
    documents: Mapped[list["ProcedureDocument"]] = relationship(cascade="all, delete-orphan", back_populates="procedure",
                                                                order_by="ProcedureDocument.position")
    steps: Mapped[list["ProcedureStep"]] = relationship(cascade="all, delete-orphan", back_populates="procedure",
                                                        order_by="ProcedureStep.position")

    def limit_for(self, channel: str) -> int:
        return self.online_time_limit if channel == "online" and self.online_time_limit else self.time_limit

    def __str__(self) -> str:
        return f"{self.national_code} – {self.name}"


class ProcedureDocument(Audited, Base):
    __tablename__ = "onestop_procedure_document"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("onestop_procedure.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(Text)
    originals: Mapped[int] = mapped_column(Integer, default=0)
    certified_copies: Mapped[int] = mapped_column(Integer, default=0)
    copies: Mapped[int] = mapped_column(Integer, default=0)

    procedure: Mapped[Procedure] = relationship(back_populates="documents")  # the back-office inline forms need it


class ProcedureStep(Audited, Base):
    __tablename__ = "onestop_procedure_step"

    id: Mapped[int] = mapped_column(primary_key=True)
    procedure_id: Mapped[int] = mapped_column(ForeignKey("onestop_procedure.id", ondelete="CASCADE"), index=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"))
    position: Mapped[int] = mapped_column(Integer, default=0)
    name: Mapped[str] = mapped_column(String(255))
    share_percent: Mapped[int] = mapped_column(Integer, default=0)
    handler_user_id: Mapped[int | None] = mapped_column(ForeignKey("core_user.id"))  # the step's default handler

    procedure: Mapped[Procedure] = relationship(back_populates="steps")
    handler = relationship("User")

from sqlalchemy import ForeignKey, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from core.toolkit import Audited, Base


class ExampleRecord(Audited, Base):
    __tablename__ = "example_record"

    id: Mapped[int] = mapped_column(primary_key=True)
    unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
    title: Mapped[str] = mapped_column(String(200))
    amount: Mapped[int] = mapped_column(Integer, default=0)

    def __str__(self) -> str:
        return self.title

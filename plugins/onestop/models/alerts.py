"""One-off signals about a dossier that must never be given twice (the lateness event)."""
from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column

from core.toolkit import Base


class DossierAlert(Base):
    """``(dossier, kind)`` once: inserted with ``ON CONFLICT DO NOTHING`` so that concurrent job runs agree."""

    __tablename__ = "onestop_dossier_alert"

    dossier_id: Mapped[int] = mapped_column(ForeignKey("onestop_dossier.id", ondelete="CASCADE"), primary_key=True)
    kind: Mapped[str] = mapped_column(String(30), primary_key=True)
    at: Mapped[datetime] = mapped_column(DateTime(timezone=True))

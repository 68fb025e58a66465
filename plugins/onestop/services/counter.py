"""The counter's public face per unit: what forms 01–06 print about it, and which units keep their statistics private."""
from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.onestop.models import CounterSettings
from plugins.onestop.models.settings import DEFAULT_COUNTER_NAME


@dataclass(frozen=True)
class CounterInfo:
    name: str = DEFAULT_COUNTER_NAME
    address: str = ""
    phone: str = ""
    email: str = ""
    opening_hours: str = ""

    def contacts(self) -> str:
        """Address, phone and e-mail as one printed line ("" when none is set)."""
        parts = [self.address, f"điện thoại {self.phone}" if self.phone else "",
                 f"thư điện tử {self.email}" if self.email else ""]
        return "; ".join(part for part in parts if part)


def counter_of(session: Session, unit_id: int) -> CounterInfo:
    row = session.scalar(select(CounterSettings).where(CounterSettings.unit_id == unit_id))
    if row is None:
        return CounterInfo()
    return CounterInfo((row.counter_name or "").strip() or DEFAULT_COUNTER_NAME, row.address.strip(),
                       row.phone.strip(), row.email.strip(), row.opening_hours.strip())


def unpublished_unit_ids(session: Session) -> set[int]:
    """Units whose administrator chose not to publish their statistics."""
    return set(session.scalars(select(CounterSettings.unit_id).where(CounterSettings.publish_statistics.is_(False))))

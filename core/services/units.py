"""Units: the organisation tree, its traversal and CSV import."""
from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.models import Unit
from core.services import ServiceError

CSV_COLUMNS = ("code", "name", "kind", "parent_code")


class UnitTree:
    """The whole tree as parent → children ids, read in one query (units number in the hundreds)."""

    def __init__(self, rows):
        self.parent: dict[int, int | None] = {}
        self.children: dict[int | None, list[int]] = {}
        for unit_id, parent_id in rows:
            self.parent[unit_id] = parent_id
            self.children.setdefault(parent_id, []).append(unit_id)

    @classmethod
    def load(cls, session: Session) -> "UnitTree":
        return cls(session.execute(select(Unit.id, Unit.parent_id)).all())

    def subtree(self, unit_id: int) -> set[int]:
        found, stack = set(), [unit_id]
        while stack:
            current = stack.pop()
            if current not in found:
                found.add(current)
                stack.extend(self.children.get(current, ()))
        return found

    def ancestors(self, unit_id: int) -> list[int]:
        chain, current = [], self.parent.get(unit_id)
        while current is not None and current not in chain:
            chain.append(current)
            current = self.parent.get(current)
        return chain


def get_unit(session: Session, code: str) -> Unit:
    unit = session.scalar(select(Unit).where(Unit.code == code))
    if unit is None:
        raise ServiceError(f"Không tìm thấy đơn vị có mã {code!r} (unknown unit code)")
    return unit


def create_unit(session: Session, code: str, name: str, kind: str = "department", parent: Unit | None = None) -> Unit:
    code, name = (code or "").strip(), (name or "").strip()
    if not code or not name:
        raise ServiceError("Mã và tên đơn vị là bắt buộc (unit code and name are required)")
    if session.scalar(select(Unit.id).where(Unit.code == code)) is not None:
        raise ServiceError(f"Mã đơn vị {code!r} đã tồn tại (unit code already exists)")
    unit = Unit(code=code, name=name, kind=kind or "department", parent=parent, active=True)
    session.add(unit)
    session.flush()
    return unit


def check_parent(session: Session, unit: Unit, parent_id: int | None) -> None:
    """Refuse a parent that would put the unit under itself."""
    if parent_id is not None and unit.id is not None and parent_id in UnitTree.load(session).subtree(unit.id):
        raise ServiceError("Đơn vị cấp trên không thể là chính nó hoặc đơn vị cấp dưới của nó (cycle in unit tree)")


@dataclass
class ImportReport:
    created: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def import_units_csv(session: Session, text: str) -> ImportReport:
    """Import ``code,name,kind,parent_code`` rows; all or nothing, with a message per bad row."""
    report = ImportReport()
    reader = csv.DictReader(io.StringIO(text.lstrip("\ufeff")))
    if reader.fieldnames is None or set(CSV_COLUMNS[:2]) - set(reader.fieldnames):
        raise ServiceError(
            f"Tệp CSV phải có các cột {', '.join(CSV_COLUMNS)}; nhận được {reader.fieldnames} (wrong columns)"
        )
    known = set(session.scalars(select(Unit.code)))
    planned: list[dict[str, str]] = []
    for line, row in enumerate(reader, start=2):
        code, name = (row.get("code") or "").strip(), (row.get("name") or "").strip()
        parent_code = (row.get("parent_code") or "").strip()
        if not code or not name:
            report.errors.append(f"Dòng {line}: thiếu mã hoặc tên đơn vị")
        elif code in known:
            report.errors.append(f"Dòng {line}: mã {code!r} đã tồn tại")
        elif parent_code and parent_code not in known:
            report.errors.append(f"Dòng {line}: đơn vị cấp trên {parent_code!r} không tồn tại")
        else:
            known.add(code)
            planned.append({"code": code, "name": name, "kind": (row.get("kind") or "").strip(), "parent": parent_code})
    if report.errors:
        return report
    for row in planned:
        parent = get_unit(session, row["parent"]) if row["parent"] else None
        create_unit(session, row["code"], row["name"], row["kind"], parent)
        report.created.append(row["code"])
    return report

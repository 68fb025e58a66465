"""The quality system's scope per unit and the conformity announcement (Decision 19/2014, art. 3 and 4).

The scope must cover all of a unit's procedure handling; a change of scope after the latest
announcement makes a re-announcement due.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.toolkit import ServiceError, Unit, is_enabled
from plugins.iso9001.clauses import parse_clauses
from plugins.iso9001.models import Announcement, Scope
from plugins.iso9001.services.common import fmt, subtree, text

SCOPE_FIELDS = ("in_scope", "covers_all_procedures", "statement", "excluded_clauses", "exclusion_reason")


def validate_scope(session: Session, scope: Scope, today: date, changed: bool = True) -> Scope:
    """Check a scope (new or edited); ``changed`` marks it as changed today (a new announcement is then due)."""
    if scope.unit_id is None and scope.unit is None:
        raise ServiceError("Cần chọn đơn vị (unit required)")
    scope.statement = text(scope.statement, "Mô tả phạm vi", required=bool(scope.in_scope), max_len=5000)
    excluded = parse_clauses(scope.excluded_clauses, "Điều khoản không áp dụng")
    scope.excluded_clauses = ", ".join(excluded)
    scope.exclusion_reason = text(scope.exclusion_reason, "Lý do không áp dụng", max_len=2000)
    if excluded and not scope.exclusion_reason:
        raise ServiceError("Điều khoản không áp dụng phải kèm lý do (ISO 9001:2015 điều 4.3) (reason required)")
    if any(not c.startswith(("7.1.5", "8.")) for c in excluded):
        raise ServiceError("Chỉ được loại trừ yêu cầu không ảnh hưởng tới chất lượng dịch vụ, thường là 7.1.5 hoặc "
                           "một phần điều 8 như 8.3 (exclusion not allowed)")
    if scope.in_scope and not scope.covers_all_procedures:
        raise ServiceError("Phạm vi hệ thống phải bao trùm toàn bộ hoạt động giải quyết thủ tục hành chính của đơn "
                           "vị (Quyết định 19/2014/QĐ-TTg, điều 3) (scope must cover all procedures)")
    unit_id = scope.unit_id or scope.unit.id
    if not is_enabled(session, "iso9001", unit_id):
        raise ServiceError("Phân hệ ISO 9001 chưa được bật cho đơn vị này (plugin not enabled)")
    with session.no_autoflush:
        clash = session.scalar(select(Scope.id).where(Scope.unit_id == unit_id, Scope.id != (scope.id or 0)))
    if clash:
        raise ServiceError("Đơn vị này đã có phạm vi HTQLCL; hãy sửa bản đã có (one scope per unit)")
    if changed:
        scope.changed_on = today
    return scope


def save_scope(session: Session, unit: Unit, today: date, **fields) -> Scope:
    unknown = set(fields) - set(SCOPE_FIELDS)
    if unknown:
        raise ServiceError(f"Không có trường {', '.join(sorted(unknown))} (unknown field)")
    scope = session.scalar(select(Scope).where(Scope.unit_id == unit.id)) or Scope(unit_id=unit.id, in_scope=True,
                                                                                  covers_all_procedures=True)
    with session.no_autoflush:
        for key, value in fields.items():
            setattr(scope, key, value)
        validate_scope(session, scope, today)
    session.add(scope)
    session.flush()
    return scope


def units_in_scope(session: Session, unit_ids) -> list[Unit]:
    """Units among ``unit_ids`` whose scope says they are in the quality system (and the plugin is on)."""
    ids = list(unit_ids)
    units = session.scalars(select(Unit).join(Scope, Scope.unit_id == Unit.id)
                            .where(Scope.unit_id.in_(ids), Scope.in_scope.is_(True)).order_by(Unit.code))
    return [u for u in units if is_enabled(session, "iso9001", u.id)]


# -- conformity announcement -------------------------------------------------------------------------------------

def scope_summary(session: Session, unit_id: int) -> str:
    """The scope statements of the unit and its sub-units, for the announcement's text."""
    lines = []
    for unit in units_in_scope(session, subtree(session, unit_id)):
        scope = session.scalar(select(Scope).where(Scope.unit_id == unit.id))
        lines.append(f"{unit.name}: {scope.statement}")
    return "\n".join(lines)


def validate_announcement(session: Session, item: Announcement) -> Announcement:
    with session.no_autoflush:  # the back office's pending row must not be flushed half-filled
        return _validate_announcement(session, item)


def _validate_announcement(session: Session, item: Announcement) -> Announcement:
    item.number = text(item.number, "Số văn bản công bố", required=True, max_len=40)
    if item.announced_on is None:
        raise ServiceError("Ngày công bố là bắt buộc; nhập theo dạng dd/mm/yyyy (required)")
    for field, label in (("notice_sent_on", "Ngày gửi thông báo tới Sở Khoa học và Công nghệ"),
                         ("posted_office_on", "Ngày niêm yết tại trụ sở"),
                         ("posted_website_on", "Ngày đăng trên trang thông tin điện tử")):
        value = getattr(item, field)
        if value is not None and value < item.announced_on:
            raise ServiceError(f"{label} ({fmt(value)}) không được trước ngày công bố {fmt(item.announced_on)} "
                               "(date before the announcement)")
    item.notice_reference = text(item.notice_reference, "Số văn bản thông báo", max_len=100)
    unit_id = item.unit_id or (item.unit.id if item.unit else None)
    if unit_id is None:
        raise ServiceError("Cần chọn đơn vị công bố (unit required)")
    if not text(item.scope_text, "Phạm vi công bố"):
        item.scope_text = scope_summary(session, unit_id)
    if not item.scope_text:
        raise ServiceError("Chưa có phạm vi HTQLCL nào để công bố; khai báo phạm vi trước (no scope to announce)")
    earlier = session.scalar(select(func.count(Announcement.id)).where(
        Announcement.unit_id == unit_id, Announcement.id != (item.id or 0),
        Announcement.announced_on <= item.announced_on))
    item.kind = "re_announcement" if earlier else "initial"
    return item


@dataclass(frozen=True)
class AnnouncementStatus:
    unit: Unit
    latest: Announcement | None
    changed_units: list[Unit]  # scopes changed after the latest announcement
    missing_steps: list[str]   # of the latest announcement: notice, posting

    @property
    def reannouncement_due(self) -> bool:
        return self.latest is not None and bool(self.changed_units)


def announcement_status(session: Session, unit: Unit) -> AnnouncementStatus:
    latest = session.scalar(select(Announcement).where(Announcement.unit_id == unit.id)
                            .order_by(Announcement.announced_on.desc(), Announcement.id.desc()).limit(1))
    changed: list[Unit] = []
    if latest is not None:
        ids = subtree(session, unit.id)
        changed = list(session.scalars(select(Unit).join(Scope, Scope.unit_id == Unit.id).where(
            Scope.unit_id.in_(ids), Scope.changed_on > latest.announced_on).order_by(Unit.code)))
    missing = []
    if latest is not None:
        if latest.notice_sent_on is None:
            missing.append("gửi thông báo tới Sở Khoa học và Công nghệ")
        if latest.posted_office_on is None:
            missing.append("niêm yết tại trụ sở")
        if latest.posted_website_on is None:
            missing.append("đăng trên trang thông tin điện tử")
    return AnnouncementStatus(unit, latest, changed, missing)


def announcing_units(session: Session, unit_ids) -> list[Unit]:
    """Units that announce for themselves: those with an announcement, else the top units in scope."""
    ids = set(unit_ids)
    with_announcements = set(session.scalars(select(Announcement.unit_id).where(Announcement.unit_id.in_(ids))))
    return list(session.scalars(select(Unit).where(Unit.id.in_(with_announcements)).order_by(Unit.code)))

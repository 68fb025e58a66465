"""Plans (kế hoạch) such as ``90/KH-VP``: numbering, the status workflow, counts per year, inspection coverage.

Free of Flask: the back office, the CLI and the jobs call these functions. Writes go through the
session, so the audit log records them (the models are ``Audited``); status changes are also logged
as workflow transitions. Tasks and attachments live in ``core.scheduling.tasks``.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from core.audit import record_transition
from core.models import Plan, Unit
from core.services import ServiceError

CORE_PROGRAMME = "core"
PLAN_STATUSES = {"draft": "Dự thảo", "issued": "Đã ban hành", "done": "Đã hoàn thành", "cancelled": "Đã huỷ"}
PLAN_KINDS = {"plan": "Kế hoạch", "inspection": "Kế hoạch kiểm tra"}
# draft → issued → done; a plan not yet done may be cancelled. Nothing else.
TRANSITIONS = {("draft", "issued"), ("issued", "done"), ("draft", "cancelled"), ("issued", "cancelled")}
TRANSITION_VERBS = {"issued": "Ban hành", "done": "Hoàn thành", "cancelled": "Huỷ"}
CLOSED = ("done", "cancelled")
MIN_YEAR, MAX_YEAR = 2000, 2100


def parse_date(value: date | str | None, label: str = "Ngày") -> date | None:
    """A date typed as dd/mm/yyyy (or YYYY-MM-DD); empty gives ``None``; anything else a clear refusal."""
    if value is None or isinstance(value, date):
        return value.date() if isinstance(value, datetime) else value
    text = str(value).strip()
    if not text:
        return None
    for fmt in ("%d/%m/%Y", "%Y-%m-%d"):
        try:
            return datetime.strptime(text, fmt).date()
        except ValueError:
            pass
    raise ServiceError(f"{label}: {text!r} không phải ngày hợp lệ; nhập theo dạng dd/mm/yyyy, ví dụ 26/01/2018 "
                       "(invalid date)")


def parse_year(value: int | str | None) -> int:
    try:
        year = int(str(value).strip())
    except (TypeError, ValueError):
        raise ServiceError(f"Năm {value!r} không hợp lệ; nhập năm bốn chữ số, ví dụ 2018 (invalid year)") from None
    if not MIN_YEAR <= year <= MAX_YEAR:
        raise ServiceError(f"Năm {year} nằm ngoài khoảng {MIN_YEAR}–{MAX_YEAR} (year out of range)")
    return year


def status_label(status: str) -> str:
    return PLAN_STATUSES.get(status, status)


def programme_names(session: Session) -> list[str]:
    """``core`` and every installed plugin (when the session knows the plugin registry)."""
    registry = session.info.get("cchc.registry")
    return [CORE_PROGRAMME, *(registry.plugins if registry is not None else ())]


def validate_plan(session: Session, plan: Plan) -> None:
    """Check a plan's fields (also used by the back-office form); raise ``ServiceError`` naming the problem."""
    plan.number = (plan.number or "").strip()
    plan.symbol = (plan.symbol or "").strip().strip("/")
    plan.title = (plan.title or "").strip()
    plan.period = (plan.period or "").strip()
    plan.programme = (plan.programme or CORE_PROGRAMME).strip()
    plan.kind = plan.kind or "plan"
    unit_id = plan.unit_id or (plan.unit.id if plan.unit is not None else None)
    if unit_id is None:
        raise ServiceError("Cần chọn đơn vị ban hành kế hoạch (issuing unit required)")
    if not plan.number or not plan.symbol:
        raise ServiceError("Số và ký hiệu kế hoạch là bắt buộc, ví dụ số 90, ký hiệu KH-VP "
                           "(number and symbol required)")
    if "/" in plan.number:
        raise ServiceError(f"Số kế hoạch {plan.number!r} chỉ gồm phần số (ví dụ 90); ký hiệu KH-VP nhập ở ô riêng")
    if len(plan.number) > 20 or len(plan.symbol) > 40:
        raise ServiceError("Số kế hoạch tối đa 20 ký tự, ký hiệu tối đa 40 ký tự (too long)")
    if not plan.title:
        raise ServiceError("Trích yếu (tên) kế hoạch là bắt buộc (title required)")
    plan.year = parse_year(plan.year)
    if plan.kind not in PLAN_KINDS:
        raise ServiceError(f"Loại kế hoạch {plan.kind!r} không hợp lệ; chọn: {', '.join(PLAN_KINDS)}")
    if plan.programme not in programme_names(session):
        raise ServiceError(f"Chương trình {plan.programme!r} không có; chọn: {', '.join(programme_names(session))}")
    if plan.kind != "inspection" and plan.id is not None and any(t.target_unit_id for t in plan.tasks):
        raise ServiceError("Kế hoạch đã có nhiệm vụ kiểm tra đơn vị; không đổi sang loại khác được (kind locked)")
    if plan.issue_date is not None and abs(plan.issue_date.year - plan.year) > 1:
        raise ServiceError(f"Ngày ban hành {plan.issue_date:%d/%m/%Y} không khớp với năm kế hoạch {plan.year} "
                           "(issue date does not match the year)")
    with session.no_autoflush:
        clash = session.scalar(select(Plan.id).where(
            Plan.unit_id == unit_id, Plan.year == plan.year, Plan.number == plan.number, Plan.symbol == plan.symbol,
            Plan.id != (plan.id or 0)))
    if clash is not None:
        raise ServiceError(f"Kế hoạch số {plan.number}/{plan.symbol} năm {plan.year} của đơn vị này đã có "
                           "(duplicate plan number)")


def create_plan(session: Session, unit: Unit, *, number: str, symbol: str, title: str, year: int | str,
                issue_date: date | str | None = None, programme: str = CORE_PROGRAMME, period: str = "",
                kind: str = "plan") -> Plan:
    plan = Plan(unit_id=unit.id, unit=unit, number=number, symbol=symbol, title=title, year=year,
                issue_date=parse_date(issue_date, "Ngày ban hành"), programme=programme, period=period, kind=kind,
                status="draft")
    validate_plan(session, plan)
    session.add(plan)
    session.flush()
    return plan


EDITABLE = ("number", "symbol", "title", "year", "issue_date", "programme", "period", "kind")


def check_editable(plan: Plan) -> None:
    if plan.status in CLOSED:
        raise ServiceError(f"Kế hoạch {plan.reference} {status_label(plan.status).lower()}; không sửa được "
                           "(plan is closed)")


def update_plan(session: Session, plan: Plan, **changes) -> Plan:
    check_editable(plan)
    unknown = set(changes) - set(EDITABLE)
    if unknown:
        raise ServiceError(f"Không sửa được trường {', '.join(sorted(unknown))} (not editable)")
    if "issue_date" in changes:
        changes["issue_date"] = parse_date(changes["issue_date"], "Ngày ban hành")
    with session.no_autoflush:
        for key, value in changes.items():
            setattr(plan, key, value)
        validate_plan(session, plan)
    session.flush()
    return plan


def check_deletable(plan: Plan) -> None:
    if plan.status != "draft":
        raise ServiceError(f"Chỉ xoá được kế hoạch dự thảo; kế hoạch {plan.reference} "
                           f"{status_label(plan.status).lower()} — hãy huỷ thay vì xoá (only drafts can be deleted)")


def allowed_transitions(plan: Plan) -> list[str]:
    return [new for old, new in sorted(TRANSITIONS) if old == plan.status]


def transition_plan(session: Session, plan: Plan, target: str, note: str = "", today: date | None = None) -> Plan:
    """Move a plan along draft → issued → done, or to cancelled; refuse any other move with a clear message."""
    old = plan.status
    if (old, target) not in TRANSITIONS:
        allowed = ", ".join(f"“{status_label(s)}”" for s in allowed_transitions(plan)) or "không có"
        raise ServiceError(
            f"Không thể chuyển kế hoạch {plan.reference} từ “{status_label(old)}” sang “{status_label(target)}”. "
            f"Trạng thái tiếp theo được phép: {allowed}. Quy trình: dự thảo → ban hành → hoàn thành; "
            "huỷ khi chưa hoàn thành (forbidden transition)")
    note = (note or "").strip()
    if target == "cancelled" and not note:
        raise ServiceError("Cần ghi lý do huỷ kế hoạch (a reason is required)")
    if target == "issued" and plan.issue_date is None:
        plan.issue_date = today or date.today()
    if target == "done":
        open_tasks = [t for t in plan.tasks if t.status == "open"]
        if open_tasks:
            raise ServiceError(f"Kế hoạch {plan.reference} còn {len(open_tasks)} nhiệm vụ chưa hoàn thành; hoàn thành "
                               "hoặc huỷ các nhiệm vụ đó trước (open tasks remain)")
    plan.status = target
    record_transition(session, plan, f"{old} -> {target}", note)
    return plan


# -- counts and listings ---------------------------------------------------------------------------------------

@dataclass(frozen=True)
class PlanCounts:
    """Plans of a year: ``issued`` counts those issued (and since done) of ``total`` (cancelled ones left out)."""

    year: int
    total: int = 0
    issued: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def label(self) -> str:
        return f"{self.issued:02d}/{self.total:02d} kế hoạch đã ban hành"


def _scoped(query, unit_ids):
    return query if unit_ids is None else query.where(Plan.unit_id.in_(list(unit_ids)))


def counts_by_year(session: Session, unit_ids=None, programme: str | None = None,
                   year: int | None = None) -> list[PlanCounts]:
    """Counts per year of the plans of ``unit_ids`` (``None``: all units), newest year first; one query."""
    query = _scoped(select(Plan.year, Plan.status, func.count(Plan.id)).group_by(Plan.year, Plan.status), unit_ids)
    if programme:
        query = query.where(Plan.programme == programme)
    if year is not None:
        query = query.where(Plan.year == year)
    by_year: dict[int, dict[str, int]] = {}
    for plan_year, status, count in session.execute(query):
        by_year.setdefault(plan_year, {})[status] = count
    result = []
    for plan_year in sorted(by_year, reverse=True):
        statuses = by_year[plan_year]
        total = sum(n for s, n in statuses.items() if s != "cancelled")
        issued = statuses.get("issued", 0) + statuses.get("done", 0)
        result.append(PlanCounts(plan_year, total, issued, dict(statuses)))
    return result


def plan_counts(session: Session, year: int, unit_ids=None, programme: str | None = None) -> PlanCounts:
    year = parse_year(year)
    found = counts_by_year(session, unit_ids, programme, year)
    return found[0] if found else PlanCounts(year)


def list_plans(session: Session, year: int, unit_ids=None) -> list[Plan]:
    query = _scoped(select(Plan).where(Plan.year == parse_year(year)), unit_ids)
    return list(session.scalars(query.order_by(Plan.issue_date.is_(None), Plan.issue_date, Plan.number, Plan.id)))


def find_plan(session: Session, ref: str, year: int | None = None, unit_ids=None) -> Plan:
    """A plan by id (``12``) or by number/symbol (``90/KH-VP``); refuses unknown or ambiguous references."""
    ref = (ref or "").strip()
    if ref.isdigit():
        plan = session.get(Plan, int(ref))
        if plan is None or (unit_ids is not None and plan.unit_id not in set(unit_ids)):
            raise ServiceError(f"Không tìm thấy kế hoạch mã {ref} (unknown plan)")
        return plan
    number, _, symbol = ref.partition("/")
    if not number or not symbol:
        raise ServiceError(f"Kế hoạch {ref!r}: nhập mã số (12) hoặc số/ký hiệu (90/KH-VP) (bad plan reference)")
    query = _scoped(select(Plan).where(Plan.number == number.strip(), Plan.symbol == symbol.strip()), unit_ids)
    if year is not None:
        query = query.where(Plan.year == parse_year(year))
    found = list(session.scalars(query.order_by(Plan.year, Plan.id)))
    if not found:
        raise ServiceError(f"Không tìm thấy kế hoạch {ref}" + (f" năm {year}" if year else "") + " (unknown plan)")
    if len(found) > 1:
        which = ", ".join(f"mã {p.id} (năm {p.year}, {p.unit.code})" for p in found)
        raise ServiceError(f"Có {len(found)} kế hoạch {ref}: {which}; hãy chỉ rõ năm, đơn vị hoặc mã (ambiguous)")
    return found[0]


# -- inspection coverage ---------------------------------------------------------------------------------------

def subordinate_units(session: Session, unit_id: int) -> list[Unit]:
    """The active units directly under ``unit_id``: those an inspection plan of that unit covers."""
    return list(session.scalars(select(Unit).where(Unit.parent_id == unit_id, Unit.active.is_(True))
                                .order_by(Unit.code)))


@dataclass(frozen=True)
class Coverage:
    """Inspected units (a target with a done task) out of all subordinate units of the issuing unit."""

    inspected: list[Unit]
    pending: list[Unit]        # targeted by a task not done yet
    not_targeted: list[Unit]   # these inspect themselves
    contents: list[str]

    @property
    def total(self) -> int:
        return len(self.inspected) + len(self.pending) + len(self.not_targeted)

    @property
    def percent(self) -> int:
        return int(100 * len(self.inspected) / self.total + 0.5) if self.total else 0

    @property
    def label(self) -> str:
        return f"{len(self.inspected):02d}/{self.total:02d} = {self.percent}%"


def inspection_coverage(session: Session, plan: Plan) -> Coverage:
    if plan.kind != "inspection":
        raise ServiceError(f"Kế hoạch {plan.reference} không phải kế hoạch kiểm tra (not an inspection plan)")
    units = subordinate_units(session, plan.unit_id)
    live = [t for t in plan.tasks if t.status != "cancelled" and t.target_unit_id]
    done = {t.target_unit_id for t in live if t.status == "done"}
    targeted = {t.target_unit_id for t in live}
    contents: list[str] = []
    for task in live:
        contents.extend(c for c in task.contents or [] if c not in contents)
    return Coverage([u for u in units if u.id in done], [u for u in units if u.id in targeted - done],
                    [u for u in units if u.id not in targeted], contents)

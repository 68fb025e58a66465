"""Tasks of plans: owners, due dates, progress, evidence, attachments; overdue derived from the working-day calendar.

Free of Flask. A refused change raises ``ServiceError`` before anything is written; the caller's
transaction (or the back office's rollback) then leaves the database as it was.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date

from sqlalchemy import or_, select
from sqlalchemy.orm import Session
from sqlalchemy.orm.attributes import set_committed_value

from core.models import Plan, PlanTask, TaskAttachment, Unit, User
from core.scheduling.calendar import WorkingCalendar
from core.scheduling.plans import CLOSED, parse_date, status_label
from core.services import ServiceError
from core.services.units import UnitTree
from core.uploads import check_upload

TASK_STATUSES = {"open": "Đang thực hiện", "done": "Hoàn thành", "cancelled": "Đã huỷ"}
MAX_ATTACHMENT_BYTES = 10 * 1024 * 1024
MAX_ATTACHMENTS_PER_TASK = 20
ALLOWED_LABEL = "PDF, Word (.doc, .docx), Excel (.xls, .xlsx), OpenDocument (.odt, .ods), ảnh PNG/JPEG, .txt, .zip"


def parse_progress(value: int | str | None) -> int:
    try:
        progress = int(str(value).strip()) if value not in (None, "") else 0
    except ValueError:
        raise ServiceError(f"Tiến độ {value!r} không hợp lệ; nhập số nguyên từ 0 đến 100 (invalid progress)") from None
    if not 0 <= progress <= 100:
        raise ServiceError(f"Tiến độ phải từ 0 đến 100 (%), nhận {progress} (progress out of range)")
    return progress


def parse_contents(value: str | list | tuple | None) -> list[str]:
    """Inspection contents: a list, or text with one content per line; blanks and repeats dropped."""
    items = value.splitlines() if isinstance(value, str) else list(value or [])
    found: list[str] = []
    for item in (str(i).strip().lstrip("-•").strip() for i in items):
        if item and item not in found:
            found.append(item)
    return found


def check_plan_open(plan: Plan) -> None:
    if plan.status in CLOSED:
        raise ServiceError(f"Kế hoạch {plan.reference} {status_label(plan.status).lower()}; không thêm, sửa nhiệm vụ "
                           "hay tệp đính kèm được nữa (plan is closed)")


def validate_task(session: Session, task: PlanTask, today: date | None = None) -> None:
    plan = task.plan
    check_plan_open(plan)
    task.title = (task.title or "").strip()
    if not task.title:
        raise ServiceError("Tên nhiệm vụ là bắt buộc (title required)")
    if len(task.title) > 500:
        raise ServiceError("Tên nhiệm vụ tối đa 500 ký tự (title too long)")
    if task.due_date is None:
        raise ServiceError("Cần nhập hạn hoàn thành (dd/mm/yyyy) (due date required)")
    if plan.issue_date is not None and task.due_date < plan.issue_date:
        raise ServiceError(f"Hạn hoàn thành {task.due_date:%d/%m/%Y} không được trước ngày ban hành kế hoạch "
                           f"{plan.issue_date:%d/%m/%Y} (due before issue date)")
    if abs(task.due_date.year - plan.year) > 1:
        raise ServiceError(f"Hạn hoàn thành {task.due_date:%d/%m/%Y} không thuộc kỳ của kế hoạch năm {plan.year} "
                           "(due date outside the plan's year)")
    task.progress = parse_progress(task.progress)
    if task.status not in TASK_STATUSES:
        raise ServiceError(f"Trạng thái nhiệm vụ {task.status!r} không hợp lệ; chọn: {', '.join(TASK_STATUSES)}")
    tree = UnitTree.load(session)
    if task.unit_id is None or task.unit_id not in tree.subtree(plan.unit_id):
        raise ServiceError("Đơn vị chủ trì phải là đơn vị ban hành kế hoạch hoặc một đơn vị cấp dưới "
                           "(owner unit outside the plan's organisation)")
    if task.owner_user_id is not None:
        owner = session.get(User, task.owner_user_id)
        if owner is None or not owner.active:
            raise ServiceError("Người phụ trách không tồn tại hoặc đã bị vô hiệu hoá (unknown owner)")
    task.contents = parse_contents(task.contents)
    if plan.kind == "inspection":
        if task.target_unit_id is None or tree.parent.get(task.target_unit_id) != plan.unit_id:
            raise ServiceError("Nhiệm vụ kiểm tra phải chọn đơn vị được kiểm tra là đơn vị cấp dưới trực tiếp "
                               "của đơn vị ban hành kế hoạch (inspected unit required)")
        if not task.contents:
            raise ServiceError("Nhiệm vụ kiểm tra cần ít nhất một nội dung kiểm tra (mỗi dòng một nội dung)")
    elif task.target_unit_id is not None:
        raise ServiceError("Chỉ kế hoạch kiểm tra mới có đơn vị được kiểm tra (not an inspection plan)")
    if task.status == "done":
        task.progress = 100
        task.done_on = task.done_on or today or date.today()
    else:
        task.done_on = None


TASK_FIELDS = ("title", "due_date", "unit_id", "owner_user_id", "target_unit_id", "contents", "status", "progress",
               "evidence_note")


def _apply(session: Session, task: PlanTask, changes: dict, today: date | None) -> PlanTask:
    unknown = set(changes) - set(TASK_FIELDS)
    if unknown:
        raise ServiceError(f"Không có trường {', '.join(sorted(unknown))} (unknown task field)")
    if "due_date" in changes:
        changes["due_date"] = parse_date(changes["due_date"], "Hạn hoàn thành")
    if "progress" in changes:
        changes["progress"] = parse_progress(changes["progress"])
    with session.no_autoflush:
        for key, value in changes.items():
            setattr(task, key, value)
        task.evidence_note = (task.evidence_note or "").strip()
        validate_task(session, task, today)
    return task


def add_task(session: Session, plan: Plan, today: date | None = None, **fields) -> PlanTask:
    """A new task; ``unit_id`` defaults to the plan's unit. Fields as in ``TASK_FIELDS``."""
    check_plan_open(plan)
    task = PlanTask(plan_id=plan.id, unit_id=plan.unit_id, status="open", progress=0, evidence_note="", contents=[])
    set_committed_value(task, "plan", plan)  # validation reads the plan; the task joins it only once valid
    _apply(session, task, dict(fields), today)
    plan.tasks.append(task)
    session.add(task)
    session.flush()
    return task


def update_task(session: Session, task: PlanTask, today: date | None = None, **changes) -> PlanTask:
    _apply(session, task, dict(changes), today)
    session.flush()
    return task


def delete_task(session: Session, task: PlanTask) -> None:
    check_plan_open(task.plan)
    session.delete(task)
    session.flush()


# -- attachments ---------------------------------------------------------------------------------------------

def add_attachment(session: Session, task: PlanTask, filename: str, data: bytes,
                   max_bytes: int = MAX_ATTACHMENT_BYTES) -> TaskAttachment:
    """Attach evidence to a task; the type comes from the extension and must match the content."""
    check_plan_open(task.plan)
    name, content_type = check_upload(filename, data, max_bytes, allowed_label=ALLOWED_LABEL)
    if len(task.attachments) >= MAX_ATTACHMENTS_PER_TASK:
        raise ServiceError(f"Mỗi nhiệm vụ có tối đa {MAX_ATTACHMENTS_PER_TASK} tệp đính kèm (too many files)")
    attachment = TaskAttachment(task_id=task.id, unit_id=task.unit_id, filename=name, content_type=content_type,
                                size=len(data), data=data)
    task.attachments.append(attachment)
    session.flush()
    return attachment


def remove_attachment(session: Session, attachment: TaskAttachment) -> None:
    task = session.get(PlanTask, attachment.task_id)
    check_plan_open(task.plan)
    session.delete(attachment)  # explicitly: an orphan dropped from the collection would escape the audit log
    session.flush()
    session.expire(task, ["attachments"])


# -- deadlines -----------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Deadline:
    """Where a task stands against its due date, counted in working days of the calendar."""

    due: date | None
    overdue: bool
    working_days: int | None  # left until the due date, or late since it when overdue
    label: str
    level: str                # success | info | warning | danger | secondary (a Bootstrap colour)


def is_active(task: PlanTask) -> bool:
    return task.status == "open" and task.plan.status not in CLOSED


def deadline_of(task: PlanTask, today: date, calendar: WorkingCalendar, soon: int = 3) -> Deadline:
    """Overdue: a task not done whose due date is before ``today``; otherwise the working days left."""
    due = task.due_date
    if task.status == "done":
        return Deadline(due, False, None, f"Hoàn thành {task.done_on:%d/%m/%Y}" if task.done_on else "Hoàn thành",
                        "success")
    if not is_active(task) or due is None:
        return Deadline(due, False, None, TASK_STATUSES.get(task.status, "") if task.status != "open" else "—",
                        "secondary")
    cal = calendar.covering(due, today)
    if due < today:
        late = cal.working_days_between(due, today)
        return Deadline(due, True, late, f"Quá hạn {late} ngày làm việc" if late else "Quá hạn", "danger")
    if due == today:
        return Deadline(due, False, 0, "Đến hạn hôm nay", "warning")
    left = cal.working_days_between(today, due)
    return Deadline(due, False, left, f"Còn {left} ngày làm việc", "warning" if left <= soon else "info")


def _task_scope(query, unit_ids):
    if unit_ids is None:
        return query
    ids = list(unit_ids)
    return query.where(or_(PlanTask.unit_id.in_(ids), Plan.unit_id.in_(ids)))


def overdue_tasks(session: Session, today: date, unit_ids=None) -> list[PlanTask]:
    """Open tasks of live plans whose due date is before ``today`` (owner unit or issuing unit in ``unit_ids``)."""
    query = (select(PlanTask).join(Plan, Plan.id == PlanTask.plan_id)
             .where(PlanTask.status == "open", PlanTask.due_date < today, Plan.status.not_in(CLOSED)))
    return list(session.scalars(_task_scope(query, unit_ids).order_by(PlanTask.due_date, PlanTask.id)))


def tasks_due_between(session: Session, start: date, end: date, unit_ids=None,
                      include_closed: bool = False) -> list[PlanTask]:
    """Tasks due in [start, end] (not cancelled, of plans not cancelled), for calendars and reminders."""
    query = (select(PlanTask).join(Plan, Plan.id == PlanTask.plan_id)
             .where(PlanTask.due_date >= start, PlanTask.due_date <= end, PlanTask.status != "cancelled",
                    Plan.status != "cancelled"))
    if not include_closed:
        query = query.where(Plan.status != "done")
    return list(session.scalars(_task_scope(query, unit_ids).order_by(PlanTask.due_date, PlanTask.id)))


def unit_choices(session: Session, plan: Plan) -> tuple[list[Unit], list[Unit]]:
    """(owner units: the issuing unit and its sub-units, inspected units: its direct subordinates)."""
    tree = UnitTree.load(session)
    owners = list(session.scalars(select(Unit).where(Unit.id.in_(tree.subtree(plan.unit_id))).order_by(Unit.code)))
    return owners, [u for u in owners if tree.parent.get(u.id) == plan.unit_id and u.active]

"""Running an audit: auditors of the team answer the checklist lines with evidence notes and files; the lead
auditor closes it once every line is answered. Closing raises a nonconformity for each finding not yet raised
and completes the audit's task in the core plan.
"""
from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import ServiceError, record_transition
from plugins.iso9001.models import Audit, ChecklistLine, Evidence, Nonconformity
from plugins.iso9001.models.audits import ANSWERS, AUDIT_STATUSES, FINDINGS
from plugins.iso9001.services import nonconformity
from plugins.iso9001.services.common import rule, text, utcnow
from plugins.iso9001.services.files import check_file
from plugins.iso9001.services.programme import finish_task

NEEDS_EVIDENCE = ("minor_nc", "major_nc", "observation", "ofi")
MAX_FILES_PER_LINE = 10


@dataclass(frozen=True)
class Upload:
    line_id: int
    filename: str
    data: bytes


def check_running(audit: Audit) -> None:
    if audit.status not in ("planned", "in_progress"):
        raise ServiceError(f"Cuộc đánh giá {audit.reference} {AUDIT_STATUSES[audit.status].lower()}; không sửa "
                           "checklist được nữa (audit closed)")


def check_member(audit: Audit, user_id: int) -> None:
    if user_id not in audit.team_ids:
        raise ServiceError(f"Chỉ thành viên đoàn đánh giá {audit.reference} mới được ghi kết quả (not on the team)")


def _start(session: Session, audit: Audit) -> None:
    if audit.status == "planned":
        audit.status = "in_progress"
        record_transition(session, audit, "planned -> in_progress", "Bắt đầu ghi kết quả đánh giá")


def record_answers(session: Session, audit: Audit, user_id: int, answers: dict[int, tuple[str, str]],
                   uploads: list[Upload] = (), now: datetime | None = None, today: date | None = None) -> int:
    """Save answers ``{line id: (answer or "", evidence)}`` and files; all or nothing. Return lines changed."""
    check_running(audit)
    check_member(audit, user_id)
    lines = {line.id: line for line in audit.lines}
    now = now or utcnow()
    changed = 0
    for line_id, (answer, evidence) in answers.items():
        line = lines.get(line_id)
        if line is None:
            raise ServiceError("Dòng câu hỏi không thuộc cuộc đánh giá này (unknown line)")
        answer = (answer or "").strip() or None
        evidence = text(evidence, f"Bằng chứng ({line.clause})", max_len=5000)
        if answer is not None and answer not in ANSWERS:
            raise ServiceError(f"Kết quả {answer!r} không hợp lệ; chọn: {', '.join(ANSWERS.values())}")
        if answer in NEEDS_EVIDENCE and not evidence:
            raise ServiceError(f"Câu {line.position} (điều khoản {line.clause}): kết quả “{ANSWERS[answer]}” cần ghi "
                               "bằng chứng khách quan (evidence required)")
        if answer is None and line.answer is not None:
            raise ServiceError(f"Câu {line.position} (điều khoản {line.clause}) đã có kết quả; không xoá kết quả được, "
                               "chỉ đổi sang kết quả khác (cannot unanswer)")
        if (answer, evidence) != (line.answer, line.evidence or ""):
            line.answer, line.evidence = answer, evidence
            line.answered_by_id, line.answered_at = user_id, now
            changed += 1
    if uploads:
        max_mb = float(rule("evidence_max_mb", today or now.date()))
        for upload in uploads:
            line = lines.get(upload.line_id)
            if line is None:
                raise ServiceError("Dòng câu hỏi không thuộc cuộc đánh giá này (unknown line)")
            name, content_type = check_file(upload.filename, upload.data, max_mb)
            if len(line.attachments) >= MAX_FILES_PER_LINE:
                raise ServiceError(f"Mỗi câu hỏi có tối đa {MAX_FILES_PER_LINE} tệp bằng chứng (too many files)")
            line.attachments.append(Evidence(unit_id=audit.unit_id, filename=name, content_type=content_type,
                                             size=len(upload.data), data=upload.data, uploaded_at=now,
                                             uploaded_by_id=user_id))
            changed += 1
    if changed:
        _start(session, audit)
    session.flush()
    return changed


def remove_evidence(session: Session, audit: Audit, evidence: Evidence, user_id: int) -> None:
    check_running(audit)
    check_member(audit, user_id)
    session.delete(evidence)
    session.flush()


def unanswered(audit: Audit) -> list[ChecklistLine]:
    return [line for line in audit.lines if not line.answer]


def findings(audit: Audit) -> list[ChecklistLine]:
    return [line for line in audit.lines if line.answer in FINDINGS]


def raise_from_line(session: Session, audit: Audit, line: ChecklistLine, user_id: int | None,
                    today: date) -> Nonconformity:
    """A nonconformity (draft) from a finding; at most one per line."""
    if line.answer not in FINDINGS:
        raise ServiceError(f"Câu {line.position} không phải phát hiện không phù hợp (not a finding)")
    if session.scalar(select(Nonconformity.id).where(Nonconformity.line_id == line.id)):
        raise ServiceError(f"Phát hiện ở câu {line.position} đã được lập điểm không phù hợp (already raised)")
    return nonconformity.raise_nc(
        session, audit.unit, description=f"{line.question}\nBằng chứng: {line.evidence}", raised_on=today,
        severity="major" if line.answer == "major_nc" else "minor", origin="audit", clause=line.clause,
        raised_by_id=user_id, audit=audit, line=line)


def close_audit(session: Session, audit: Audit, user_id: int, *, strong_points: str, summary: str,
                today: date) -> list[Nonconformity]:
    """Close the audit (lead auditor only, every line answered); return the nonconformities raised now."""
    check_running(audit)
    if user_id != audit.lead_auditor_id:
        raise ServiceError("Chỉ trưởng đoàn đánh giá mới được kết thúc cuộc đánh giá (lead auditor only)")
    missing = unanswered(audit)
    if missing:
        shown = ", ".join(f"câu {line.position} ({line.clause})" for line in missing[:10])
        more = f" và {len(missing) - 10} câu khác" if len(missing) > 10 else ""
        raise ServiceError(f"Chưa kết thúc được: còn {len(missing)} câu hỏi chưa có kết quả: {shown}{more}. Mọi câu "
                           "phải được trả lời, kể cả “Không áp dụng” (unanswered lines)")
    audit.strong_points = text(strong_points, "Điểm mạnh", max_len=5000)
    audit.summary = text(summary, "Kết luận đánh giá", required=True, max_len=10000)
    raised = [raise_from_line(session, audit, line, user_id, today) for line in findings(audit)
              if not session.scalar(select(Nonconformity.id).where(Nonconformity.line_id == line.id))]
    old, audit.status, audit.closed_on = audit.status, "closed", today
    record_transition(session, audit, f"{old} -> closed", audit.summary[:500], nonconformities=len(raised))
    finish_task(session, audit, "done")
    session.flush()
    return raised

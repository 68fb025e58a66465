"""Checklist templates: seeded from the clause tree, edited as text, versioned with snapshots.

An audit copies the lines it needs when it is planned (``programme.create_audit``), so editing a template
never changes an audit already planned or held.
"""
from __future__ import annotations

from sqlalchemy import select
from sqlalchemy.orm import Session

from core.toolkit import ServiceError, Unit
from plugins.iso9001.clauses import DEFAULT_QUESTIONS, check_clause, sort_key
from plugins.iso9001.models import Template, TemplateLine, TemplateRevision
from plugins.iso9001.services.common import ancestors_and_self, text, utcnow

DEFAULT_NAME = "Danh mục câu hỏi đánh giá nội bộ theo TCVN ISO 9001:2015"
MAX_LINES = 500


def _snapshot(session: Session, template: Template, note: str, user_id: int | None) -> None:
    session.add(TemplateRevision(template_id=template.id, version=template.version, note=note[:500], at=utcnow(),
                                 user_id=user_id, lines=[[line.clause, line.question] for line in template.lines]))


def create_template(session: Session, unit: Unit, name: str, lines=DEFAULT_QUESTIONS,
                    user_id: int | None = None) -> Template:
    template = Template(unit_id=unit.id, name=text(name, "Tên bộ câu hỏi", required=True, max_len=255), version=1,
                        active=True)
    session.add(template)
    session.flush()
    for position, (clause, question) in enumerate(_checked(lines), start=1):
        template.lines.append(TemplateLine(unit_id=unit.id, position=position, clause=clause, question=question))
    session.flush()
    _snapshot(session, template, "Tạo mới", user_id)
    session.flush()
    return template


def ensure_default_template(session: Session, unit: Unit) -> Template | None:
    """Seed the default checklist for ``unit`` unless it or an ancestor already has one."""
    if session.scalar(select(Template.id).where(Template.unit_id.in_(ancestors_and_self(session, unit.id))).limit(1)):
        return None
    return create_template(session, unit, DEFAULT_NAME)


def parse_lines(source: str) -> list[tuple[str, str]]:
    """Lines written as ``clause | question``, one per line; blank lines are skipped."""
    found = []
    for number, raw in enumerate((source or "").splitlines(), start=1):
        if not raw.strip():
            continue
        clause, bar, question = raw.partition("|")
        if not bar:
            raise ServiceError(f"Dòng {number}: viết theo dạng “điều khoản | câu hỏi”, ví dụ “7.5.3 | Tài liệu có "
                               "được kiểm soát?” (missing '|')")
        found.append((check_clause(clause, f"Dòng {number}: "), text(question, f"Dòng {number}: câu hỏi",
                                                                       required=True, max_len=2000)))
    return found


def _checked(lines) -> list[tuple[str, str]]:
    checked = [(check_clause(c), text(q, "Câu hỏi", required=True, max_len=2000)) for c, q in lines]
    if not checked:
        raise ServiceError("Bộ câu hỏi cần ít nhất một câu (no questions)")
    if len(checked) > MAX_LINES:
        raise ServiceError(f"Bộ câu hỏi tối đa {MAX_LINES} câu (too many questions)")
    return checked


def as_text(template: Template) -> str:
    return "\n".join(f"{line.clause} | {line.question}" for line in template.lines)


def update_template(session: Session, template: Template, *, name: str | None = None, source: str | None = None,
                    active: bool | None = None, note: str = "", user_id: int | None = None,
                    sort: bool = False) -> Template:
    """Replace the name and/or the lines; a real change raises the version and keeps a snapshot."""
    new_name = text(name, "Tên bộ câu hỏi", required=True, max_len=255) if name is not None else template.name
    old = [(line.clause, line.question) for line in template.lines]
    new = _checked(parse_lines(source)) if source is not None else old
    if sort:
        new = sorted(new, key=lambda item: sort_key(item[0]))
    changed = new != old or new_name != template.name
    if active is not None:
        template.active = active
    if not changed:
        return template
    template.name = new_name
    if new != old:
        template.lines.clear()
        session.flush()  # the old rows go first: positions restart at 1
        for position, (clause, question) in enumerate(new, start=1):
            template.lines.append(TemplateLine(unit_id=template.unit_id, position=position, clause=clause,
                                               question=question))
    template.version += 1
    session.flush()
    _snapshot(session, template, text(note, "Ghi chú", max_len=500) or "Chỉnh sửa", user_id)
    session.flush()
    return template


def usable_templates(session: Session, unit_id: int) -> list[Template]:
    """Active templates of the unit or an ancestor: those an audit of the unit may copy."""
    return list(session.scalars(select(Template).where(Template.unit_id.in_(ancestors_and_self(session, unit_id)),
                                                       Template.active.is_(True)).order_by(Template.name)))

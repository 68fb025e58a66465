"""Satisfaction ratings after the result is returned: configurable criteria, scores 1–5, SQL averages.

The criteria are a rule (``rating_criteria``: strings ``"code:label"``) so that a deployment can
follow its province's portal; a rating is judged by the criteria in force on the day it is given.
"""
from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date

from sqlalchemy import func, select
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from core.toolkit import RuleError, ServiceError, rules_for
from plugins.onestop.models import Dossier, Rating

SCORES = range(1, 6)
COMMENT_MAX = 2000


@dataclass(frozen=True)
class Criterion:
    code: str
    label: str


@dataclass
class CriterionAverage:
    code: str
    label: str
    average: float | None
    count: int


@dataclass
class RatingSummary:
    count: int = 0
    average: float | None = None  # the mean of each rating's own average
    criteria: list[CriterionAverage] = field(default_factory=list)


def criteria(on: date) -> list[Criterion]:
    """The criteria in force on ``on``, in the order the rule lists them."""
    try:
        values = rules_for("plugins.onestop").value("rating_criteria", on=on)
    except RuleError as exc:
        raise ServiceError(str(exc)) from None
    found: list[Criterion] = []
    for item in values:
        code, _, label = str(item).partition(":")
        code = code.strip()
        if code and code not in {c.code for c in found}:
            found.append(Criterion(code, label.strip() or code))
    return found


def _score(value) -> int | None:
    try:
        number = int(str(value).strip())
    except (TypeError, ValueError):
        return None
    return number if number in SCORES else None


def rate(session: Session, dossier: Dossier, scores: dict[str, object], comment: str = "",
         today: date | None = None) -> Rating:
    """Record the applicant's rating of a returned dossier: one per dossier, every criterion scored 1–5."""
    today = today or date.today()
    if dossier.status != "returned":
        raise ServiceError("Chỉ đánh giá được hồ sơ đã trả kết quả (the result has not been returned yet)")
    if session.scalar(select(Rating.id).where(Rating.dossier_id == dossier.id)) is not None:
        raise ServiceError("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần (already rated)")
    wanted = criteria(today)
    known = {c.code for c in wanted}
    errors = []
    unknown = sorted(str(k) for k in scores if k not in known)
    if unknown:
        errors.append("Tiêu chí không hợp lệ: " + ", ".join(unknown))
    clean: dict[str, int] = {}
    for criterion in wanted:
        value = _score(scores.get(criterion.code))
        if value is None:
            errors.append(f"“{criterion.label}”: chọn điểm từ 1 đến 5")
        else:
            clean[criterion.code] = value
    comment = (comment or "").strip()
    if len(comment) > COMMENT_MAX:
        errors.append(f"Ý kiến góp ý dài quá {COMMENT_MAX} ký tự")
    if errors:
        raise ServiceError("Đánh giá chưa hợp lệ: " + "; ".join(errors))
    rating = Rating(dossier_id=dossier.id, unit_id=dossier.unit_id, rated_on=today, scores=clean,
                    average=round(sum(clean.values()) / len(clean), 2) if clean else 0, comment=comment)
    try:
        with session.begin_nested():  # two submissions at once: the unique key decides, cleanly
            session.add(rating)
            session.flush()
    except IntegrityError:
        raise ServiceError("Hồ sơ này đã được đánh giá; mỗi hồ sơ chỉ được đánh giá một lần (already rated)") from None
    return rating


def averages(session: Session, start: date, end: date, unit_ids: list[int] | set[int] | frozenset[int]) -> RatingSummary:
    """Count and averages (overall and per criterion) of the ratings given in [start, end], in one SQL query."""
    shown: list[Criterion] = []
    for day in (end, start):  # a criterion dropped during the period still has its ratings
        shown += [c for c in _criteria_or_none(day) if c.code not in {s.code for s in shown}]
    columns = [func.count(Rating.id), func.avg(Rating.average)]
    for criterion in shown:
        value = Rating.scores[criterion.code].as_float()
        columns += [func.avg(value), func.count(value)]
    row = session.execute(select(*columns).where(Rating.unit_id.in_(list(unit_ids)),
                                                 Rating.rated_on.between(start, end))).one()
    result = RatingSummary(int(row[0] or 0), _round(row[1]))
    for index, criterion in enumerate(shown):
        avg, count = row[2 + 2 * index], row[3 + 2 * index]
        result.criteria.append(CriterionAverage(criterion.code, criterion.label, _round(avg), int(count or 0)))
    return result


def _criteria_or_none(on: date) -> list[Criterion]:
    """``criteria(on)``; none before the rule's first value (a period from 2017: nothing was rated by it)."""
    try:
        return criteria(on)
    except ServiceError:
        rule = rules_for("plugins.onestop").rules.get("rating_criteria")
        if rule is not None and rule.dates and on < rule.dates[0]:
            return []
        raise


def _round(value) -> float | None:
    return None if value is None else round(float(value), 2)

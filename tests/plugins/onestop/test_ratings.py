"""Satisfaction ratings: criteria from the rules, scores 1–5, one per returned dossier, averages in SQL."""
from datetime import date

import pytest

from core.toolkit import ServiceError, users_with_permission
from plugins.onestop.models import Dossier, Rating
from plugins.onestop.services import ratings
from plugins.onestop.services.workflow import transition
from tests.plugins.onestop.admin_world import received, world  # noqa: F401
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP
DAY = date(2026, 3, 2)


@pytest.fixture
def handler(user_factory, world):
    return user_factory("xuly", roles=[(world.office, "onestop.handler")]).id


def returned(state, unit, procedure_id, name="Nguyễn Văn An"):
    dossier = received(state, unit, procedure_id, name=name)
    with state.transaction() as s:
        d = s.get(Dossier, dossier.id)
        [handler, *_] = users_with_permission(s, "onestop.dossiers.process", unit.id)
        transition(s, state.settings, d, "assign", None, handler_id=handler.id)
        transition(s, state.settings, d, "resolve", None)
        transition(s, state.settings, d, "return", None)
    return dossier.id


def all_scores(value: int) -> dict[str, int]:
    return {c.code: value for c in ratings.criteria(DAY)}


def test_criteria_come_from_the_rule_in_force():
    codes = [c.code for c in ratings.criteria(DAY)]
    assert codes == ["timeliness", "attitude", "visits", "publicity", "guidance"]
    assert ratings.criteria(DAY)[1].label == "Thái độ của cán bộ"


def test_a_returned_dossier_is_rated_once(world, state, handler):
    dossier_id = returned(state, world.office, world.permit)
    with state.transaction() as s:
        rating = ratings.rate(s, s.get(Dossier, dossier_id), {**all_scores(4), "visits": "2"}, " Tốt ", DAY)
        assert rating.scores["visits"] == 2 and rating.average == 3.6 and rating.comment == "Tốt"
        assert rating.unit_id == world.office.id and rating.rated_on == DAY
    with state.transaction() as s, pytest.raises(ServiceError, match="một lần"):
        ratings.rate(s, s.get(Dossier, dossier_id), all_scores(5), "", DAY)


def test_bad_ratings_are_refused_with_every_reason(world, state, handler):
    open_dossier = received(state, world.office, world.permit)
    with state.transaction() as s, pytest.raises(ServiceError, match="đã trả kết quả"):
        ratings.rate(s, s.get(Dossier, open_dossier.id), all_scores(5), "", DAY)
    dossier_id = returned(state, world.office, world.permit, name="Lê Văn Bình")
    scores = {**all_scores(5), "timeliness": 6, "attitude": "năm", "unknown": 3}
    del scores["guidance"]
    with state.transaction() as s, pytest.raises(ServiceError) as caught:
        ratings.rate(s, s.get(Dossier, dossier_id), scores, "x" * 2001, DAY)
    message = str(caught.value)
    for part in ("Tiêu chí không hợp lệ: unknown", "Thời gian giải quyết đúng hẹn", "Thái độ của cán bộ",
                 "Hướng dẫn đầy đủ, một lần", "2000 ký tự"):
        assert part in message
    with state.transaction() as s:
        assert s.query(Rating).count() == 0


def test_averages_per_criterion_are_computed_in_sql_for_the_units_and_period(world, state, handler, user_factory):
    user_factory("xuly_so_khac", roles=[(world.other, "onestop.handler")])
    first = returned(state, world.office, world.permit)
    second = returned(state, world.office, world.permit, name="Lê Văn Bình")
    foreign = returned(state, world.other, world.foreign, name="Sở khác")
    with state.transaction() as s:
        ratings.rate(s, s.get(Dossier, first), all_scores(5), "", DAY)
        ratings.rate(s, s.get(Dossier, second), {**all_scores(4), "attitude": 2}, "", date(2026, 3, 20))
        ratings.rate(s, s.get(Dossier, foreign), all_scores(1), "", DAY)
    with state.transaction() as s:
        summary = ratings.averages(s, date(2026, 3, 1), date(2026, 3, 31), [world.office.id])
        assert summary.count == 2 and summary.average == 4.3  # (5 + 3.6) / 2
        by_code = {c.code: c for c in summary.criteria}
        assert by_code["attitude"].average == 3.5 and by_code["attitude"].count == 2
        assert by_code["timeliness"].average == 4.5
        early = ratings.averages(s, date(2026, 3, 1), date(2026, 3, 10), [world.office.id])
        assert early.count == 1 and early.average == 5.0
        none = ratings.averages(s, date(2025, 1, 1), date(2025, 12, 31), [world.office.id])
        assert none.count == 0 and none.average is None and all(c.average is None for c in none.criteria)

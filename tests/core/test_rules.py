from datetime import date

import pytest

from core.rules import RuleBook, RuleError

SHIPPED = {"limit": {"label": "Hạn", "source": "NĐ 61/2018", "values": [
    {"effective_from": date(2018, 8, 21), "value": 3}, {"effective_from": date(2025, 7, 1), "value": 2}]}}


def test_value_in_force_on_the_records_date():
    book = RuleBook("demo", SHIPPED, {})
    assert book.value("limit", date(2019, 1, 1)) == 3
    assert book.value("limit", date(2025, 7, 1)) == 2
    with pytest.raises(RuleError, match="chưa có hiệu lực"):
        book.value("limit", date(2017, 1, 1))
    with pytest.raises(RuleError, match="unknown rule"):
        book.value("nope", date(2020, 1, 1))


def test_deployment_override_replaces_and_adds():
    overrides = {"limit": {"values": [{"effective_from": date(2025, 7, 1), "value": 5},
                                      {"effective_from": date(2026, 1, 1), "value": 4}]}}
    book = RuleBook("demo", SHIPPED, overrides)
    assert book.value("limit", date(2025, 12, 31)) == 5
    assert book.value("limit", date(2026, 6, 1)) == 4
    assert book.rules["limit"].source == "NĐ 61/2018"


def test_malformed_values_are_refused():
    with pytest.raises(RuleError, match="effective_from"):
        RuleBook("demo", {"x": {"values": [{"value": 1}]}}, {})

"""``cchc onestop stats``: the article's Q1/2018 after ``cchc demo``, as text and JSON; bad input is a message."""
import json

from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP


def test_stats_after_the_demo_report_the_articles_quarter(cli):
    assert cli("demo").exit_code == 0
    result = cli("onestop", "stats", "--from", "2018-01-01", "--to", "2018-03-31", "--json")
    assert result.exit_code == 0, result.output
    data = json.loads(result.output)
    assert (data["received"], data["resolved"], data["on_time_or_early"], data["late"]) == (201, 201, 201, 0)
    assert data["on_time_rate"] == 1.0 and data["on_time_percent"] == 100.0 and data["pending"] == 0
    assert data["from"] == "2018-01-01" and data["to"] == "2018-03-31" and "VPUBND" in data["units"]

    text = cli("onestop", "stats", "--from", "01/01/2018", "--to", "31/03/2018", "--unit", "VPUBND")
    assert text.exit_code == 0, text.output
    assert "Tiếp nhận:               201" in text.output and "Đã giải quyết:           201" in text.output
    assert "Đúng hạn hoặc trước hạn: 201" in text.output and "Quá hạn:                 0" in text.output
    assert "Tỷ lệ đúng hạn:          100%" in text.output

    february = json.loads(cli("onestop", "stats", "--from", "2018-02-01", "--to", "2018-02-28", "--json").output)
    assert 0 < february["received"] < 201 and february["carried_over"] > 0


def test_stats_refuse_bad_input_with_a_message(cli, unit_factory):
    unit_factory("KHONGBAT")  # the plugin is not enabled there
    bad_date = cli("onestop", "stats", "--from", "2018-02-30", "--to", "2018-03-31")
    assert bad_date.exit_code == 2 and "dd/mm/yyyy" in bad_date.output
    backwards = cli("onestop", "stats", "--from", "2018-03-31", "--to", "2018-01-01")
    assert backwards.exit_code == 1 and "--to phải sau" in backwards.output
    unknown = cli("onestop", "stats", "--from", "2018-01-01", "--to", "2018-03-31", "--unit", "NOPE")
    assert unknown.exit_code == 1 and "Không tìm thấy đơn vị" in unknown.output
    disabled = cli("onestop", "stats", "--from", "2018-01-01", "--to", "2018-03-31", "--unit", "KHONGBAT")
    assert disabled.exit_code == 1 and "chưa được bật" in disabled.output
    empty = json.loads(cli("onestop", "stats", "--from", "2018-01-01", "--to", "2018-03-31", "--json").output)
    assert empty["received"] == 0 and empty["on_time_rate"] is None
    assert "Usage:" in cli("onestop", "stats", "--help").output

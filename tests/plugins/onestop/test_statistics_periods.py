"""Real numbers (Q4/2025, the year 2025; per field, per unit) on the public page, the back office, the .xlsx and
``cchc onestop stats``; lateness after an apology (form 04); rating criteria overridden by a deployment.

Periods are in the past, so "overdue" never depends on the day the suite runs. Values follow the report's columns:
received (total, carried over, online, counter/post), resolved (total, early, on time, late), pending (total,
within the limit, overdue), on-time rate (%)."""
import html
import io
import json
import re
from datetime import date, datetime, timezone
from types import SimpleNamespace

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

import core.rules
from plugins.onestop.models import Dossier, Rating
from plugins.onestop.services import periods, ratings, stat_report, statistics
from plugins.onestop.services.workflow import is_late, transition
from tests.plugins.onestop.admin_world import received, world  # noqa: F401  (fixture)
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP

Q4 = "kind=quarter&year=2025&number=4"
YEAR = "kind=year&year=2025"
# Q4/2025 (01/10–31/12/2025)
LAND = (4, 1, 1, 2, 4, 2, 1, 1, 0, 0, 0, 75.0)      # the office's "Đất đai"
BUILD = (3, 1, 1, 1, 1, 0, 0, 1, 2, 1, 1, 0.0)      # the office's "Xây dựng": both counted on the original date
OFFICE = (7, 2, 2, 3, 5, 2, 1, 2, 2, 1, 1, 60.0)    # H15.50
OTHER = (2, 0, 1, 1, 1, 0, 1, 0, 1, 1, 0, 100.0)    # H15.99
BOTH = (9, 2, 3, 4, 6, 2, 2, 2, 3, 2, 1, 66.7)
# The year 2025
LAND_YEAR = (6, 1, 1, 4, 6, 4, 1, 1, 0, 0, 0, 83.3)
BUILD_YEAR = (3, 0, 1, 2, 1, 0, 0, 1, 2, 1, 1, 0.0)
OFFICE_YEAR = (9, 1, 2, 6, 7, 4, 1, 2, 2, 1, 1, 71.4)
BOTH_YEAR = (11, 1, 3, 7, 8, 4, 2, 2, 3, 2, 1, 75.0)


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội


def act(state, dossier_id: int, action: str, day: date, note: str = "", **details) -> Dossier:
    with state.transaction() as s:
        return transition(s, state.settings, s.get(Dossier, dossier_id), action, None, note, now=at(day), **details)


def values(row: statistics.StatRow) -> tuple:
    return tuple(value(row) for _, _, value in stat_report.COLUMNS)


@pytest.fixture
def book(world, state, user_factory):
    """The dossiers behind the expected numbers above (appointments by the working-day calendar)."""
    handler = user_factory("chuyenvien", roles=[(world.office, "onestop.handler"), (world.other, "onestop.handler")])

    def dossier(unit, procedure, day, channel="counter", resolved=None, extended=None):
        d = received(state, unit, procedure, name=f"Người nộp {day:%d%m%Y}", now=at(day), channel=channel)
        act(state, d.id, "assign", day, handler_id=handler.id)
        if extended:  # (the day of the apology, the new date)
            act(state, d.id, "extend", extended[0], "Chờ ý kiến thẩm định của Sở Tài nguyên", new_date=extended[1])
        if resolved:
            act(state, d.id, "resolve", resolved)
        return d

    office, other, permit, renew = world.office, world.other, world.permit, world.renew  # 5 and 10 working days
    b = SimpleNamespace(
        y0=dossier(office, permit, date(2024, 12, 26), resolved=date(2025, 1, 2)),  # into 2025; appt 03/01: early
        d0=dossier(office, permit, date(2025, 9, 8), resolved=date(2025, 9, 10)),   # Q3 only; appt 15/09: early
        c1=dossier(office, permit, date(2025, 9, 22), resolved=date(2025, 10, 6)),  # into Q4; appt 29/09: late
        # carried over into Q4: appointment 09/10, apology on 08/10 for 30/01/2026, still open at 31/12
        c2=dossier(office, renew, date(2025, 9, 25), extended=(date(2025, 10, 8), date(2026, 1, 30))),
        n1=dossier(office, permit, date(2025, 10, 6), "online", resolved=date(2025, 10, 10)),   # appt 13/10: early
        n2=dossier(office, permit, date(2025, 10, 6), resolved=date(2025, 10, 13)),             # on time
        # by post: appointment 17/11, apology on 14/11 for 28/11, resolved 20/11: late against 17/11
        n3=dossier(office, renew, date(2025, 11, 3), "post", resolved=date(2025, 11, 20),
                   extended=(date(2025, 11, 14), date(2025, 11, 28))),
        n5=dossier(office, permit, date(2025, 11, 10), resolved=date(2025, 11, 12)),            # appt 17/11: early
        n4=dossier(office, renew, date(2025, 12, 22), "online"),                                # appt 06/01/2026
        b1=dossier(other, world.foreign, date(2025, 10, 8), resolved=date(2025, 10, 13)),       # appt 13/10: on time
        b2=dossier(other, world.foreign, date(2025, 12, 29), "online"),                         # appt 02/01/2026
    )
    assert (b.c1.appointment_on, b.c2.appointment_on, b.n3.appointment_on, b.n4.appointment_on) == \
        (date(2025, 9, 29), date(2025, 10, 9), date(2025, 11, 17), date(2026, 1, 6))
    return b


def rows_of(page: str, table_id: str) -> dict[str, tuple[str, ...]]:
    """{first cell: the other cells} of each body row of an HTML table, as text."""
    body = page.split(f'id="{table_id}"', 1)[1].split("</table>", 1)[0].split("<tbody>", 1)[1]
    found = {}
    for row in re.findall(r"<tr[^>]*>(.*?)</tr>", body.replace("\n", " ")):
        cells = [html.unescape(re.sub(r"<[^>]+>", "", c)).strip() for c in re.findall(r"<td[^>]*>(.*?)</td>", row)]
        found[cells[0]] = tuple(cells[1:])
    return found


def page_of(client, url: str) -> str:
    return html.unescape(client.get(url).get_data(as_text=True))


def public_cells(numbers: tuple) -> tuple[str, ...]:
    return (*map(str, numbers[:-1]), f"{numbers[-1]:.1f}".replace(".", ",") + "%")


def admin_cells(numbers: tuple) -> tuple[str, ...]:
    return (*map(str, numbers[:-1]), f"{numbers[-1]:g}".replace(".", ","))


# -- 1. the public page (no login) --------------------------------------------------------------------------
def test_the_public_page_shows_the_numbers_of_each_field(client, book):
    page = page_of(client, f"/onestop/statistics?{Q4}&unit=H15.50")
    assert "Quý IV/2025 (01/10/2025 – 31/12/2025)" in page and "Số liệu tính đến" not in page
    assert rows_of(page, "stats") == {"Đất đai": public_cells(LAND), "Xây dựng": public_cells(BUILD),
                                      "Tổng cộng": public_cells(OFFICE)}
    assert rows_of(page_of(client, f"/onestop/statistics?{Q4}"), "stats") == {
        "Đất đai": public_cells(LAND), "Xây dựng": public_cells(BUILD),
        "Đất đai (sở khác)": public_cells(OTHER), "Tổng cộng": public_cells(BOTH)}
    assert rows_of(page_of(client, f"/onestop/statistics?{YEAR}&unit=H15.50"), "stats") == {
        "Đất đai": public_cells(LAND_YEAR), "Xây dựng": public_cells(BUILD_YEAR),
        "Tổng cộng": public_cells(OFFICE_YEAR)}


# -- 2. periods: the service, the back office, the export ---------------------------------------------------
def test_the_quarter_and_the_year_through_the_service(world, state, book):
    quarter, year = periods.period_of("quarter", "2025", "4"), periods.period_of("year", "2025")
    assert (quarter.label, quarter.start, quarter.end) == ("Quý IV/2025", date(2025, 10, 1), date(2025, 12, 31))
    assert (year.label, year.start, year.end) == ("Năm 2025", date(2025, 1, 1), date(2025, 12, 31))
    with state.transaction() as s:
        report = stat_report.build(s, quarter, {world.office.id})
        assert {r.field_name: values(r) for r in report.by_field} == {"Đất đai": LAND, "Xây dựng": BUILD}
        assert [values(r) for r in report.by_unit] == [OFFICE] and values(report.total) == OFFICE
        whole = stat_report.build(s, year, {world.office.id, world.other.id})
        assert {r.field_name: values(r) for r in whole.by_field} == {
            "Đất đai": LAND_YEAR, "Xây dựng": BUILD_YEAR, "Đất đai (sở khác)": OTHER}
        assert values(whole.total) == BOTH_YEAR
        third = statistics.total(statistics.compute(s, date(2025, 7, 1), date(2025, 9, 30), [world.office.id]))
        # Q3 hands Q4 exactly what Q4 says it was carried: the two still open on 30/09
        assert (third.received, third.resolved, third.pending, third.pending_overdue) == (3, 1, 2, 1)


def test_the_back_office_page_for_the_quarter_and_the_year(world, book, client_for):
    clerk = client_for("onestop.clerk", world.office)  # onestop.statistics.read in H15.50 only
    page = page_of(clerk, f"/admin/onestop_statistics/?{Q4}")
    assert "Quý IV/2025" in page and "từ 01/10/2025 đến 31/12/2025" in page
    assert rows_of(page, "onestop-by-field") == {"Đất đai": admin_cells(LAND), "Xây dựng": admin_cells(BUILD),
                                                 "Tổng cộng": admin_cells(OFFICE)}
    cards = dict(re.findall(r'data-stat="(\w+)">([^<]*)<', page))
    assert cards == {"received": "7", "resolved": "5", "pending": "2", "rate": "60%"}
    assert "kỳ trước 2 · trực tuyến 2 · trực tiếp/BC 3" in page and "trong hạn 1 · quá hạn 1" in page
    year = page_of(clerk, f"/admin/onestop_statistics/?{YEAR}")
    assert "Năm 2025" in year and "từ 01/01/2025 đến 31/12/2025" in year
    assert rows_of(year, "onestop-by-field") == {
        "Đất đai": admin_cells(LAND_YEAR), "Xây dựng": admin_cells(BUILD_YEAR), "Tổng cộng": admin_cells(OFFICE_YEAR)}


def sheet_rows(workbook, title: str) -> dict:
    rows = list(workbook[title].iter_rows(values_only=True))
    return {row[0]: tuple(row[1:]) for row in rows[4:]}


def test_the_xlsx_export_of_the_quarter_and_the_year(world, book, client_for):
    clerk = client_for("onestop.clerk", world.office)
    response = clerk.get(f"/admin/onestop_statistics/export.xlsx?{Q4}")
    assert response.status_code == 200
    assert "thong-ke-mot-cua-20251001-20251231.xlsx" in response.headers["Content-Disposition"]
    workbook = load_workbook(io.BytesIO(response.data))
    title = list(workbook["Theo lĩnh vực"].iter_rows(values_only=True))[:2]
    assert "Quý IV/2025" in title[0][0] and title[1][0] == "Từ ngày 01/10/2025 đến ngày 31/12/2025"
    assert sheet_rows(workbook, "Theo lĩnh vực") == {"Đất đai": LAND, "Xây dựng": BUILD, "Tổng cộng": OFFICE}
    assert sheet_rows(workbook, "Theo đơn vị") == {"H15.50 – Văn phòng UBND tỉnh": OFFICE, "Tổng cộng": OFFICE}
    year = load_workbook(io.BytesIO(clerk.get(f"/admin/onestop_statistics/export.xlsx?{YEAR}").data))
    assert sheet_rows(year, "Theo lĩnh vực") == {"Đất đai": LAND_YEAR, "Xây dựng": BUILD_YEAR,
                                                "Tổng cộng": OFFICE_YEAR}


# -- 3. lateness against the original appointment ----------------------------------------------------------
def test_an_extension_does_not_move_the_date_lateness_is_judged_on(state, book):
    with state.transaction() as s:
        n3, c2 = s.get(Dossier, book.n3.id), s.get(Dossier, book.c2.id)
        assert (n3.appointment_on, n3.extended_until, n3.resolved_on) == \
            (date(2025, 11, 17), date(2025, 11, 28), date(2025, 11, 20))
        assert is_late(n3)  # after the original appointment, though before the new date of the apology
        assert c2.extended_until == date(2026, 1, 30) and c2.resolved_on is None and not is_late(c2)
        assert [is_late(s.get(Dossier, d.id)) for d in (book.c1, book.n1, book.n2, book.n5)] == \
            [True, False, False, False]
        november = statistics.total(statistics.compute(s, date(2025, 11, 1), date(2025, 11, 30), [n3.unit_id]))
        assert (november.resolved_early, november.resolved_on_time, november.resolved_late) == (1, 0, 1)
        # at 31/12/2025 the dossier extended to 30/01/2026 is overdue: its original appointment was 09/10
        december = statistics.total(statistics.compute(s, date(2025, 12, 1), date(2025, 12, 31), [n3.unit_id]))
        assert (december.pending_within, december.pending_overdue) == (1, 1)


# -- 4. by unit: separately and together (service, back office, CLI) ---------------------------------------
def test_each_unit_separately_and_together(world, state, book, user_factory, login, cli):
    with state.transaction() as s:
        apart = statistics.compute(s, date(2025, 10, 1), date(2025, 12, 31), [world.office.id, world.other.id],
                                   by=("unit",))
        assert {r.unit_id: values(r) for r in apart} == {world.office.id: OFFICE, world.other.id: OTHER}
        assert values(statistics.total(apart)) == BOTH
    both = login(user_factory("thongke", roles=[(world.office, "onestop.leader"), (world.other, "onestop.leader")]))
    page = page_of(both, f"/admin/onestop_statistics/?{Q4}")
    assert rows_of(page, "onestop-by-unit") == {"H15.50 – Văn phòng UBND tỉnh": admin_cells(OFFICE),
                                                "H15.99 – Sở Khác": admin_cells(OTHER),
                                                "Tổng cộng": admin_cells(BOTH)}
    for unit, expected in ((world.office, OFFICE), (world.other, OTHER)):
        one = page_of(both, f"/admin/onestop_statistics/?{Q4}&unit={unit.id}")
        assert rows_of(one, "onestop-by-unit") == {f"{unit.code} – {unit.name}": admin_cells(expected),
                                                   "Tổng cộng": admin_cells(expected)}

    def stats(*unit):
        result = cli("onestop", "stats", "--from", "2025-10-01", "--to", "31/12/2025", *unit, "--json")
        assert result.exit_code == 0, result.output
        data = json.loads(result.output)
        return data["units"], tuple(data[k] for k in (
            "received", "carried_over", "received_online", "received_counter", "resolved", "resolved_early",
            "resolved_on_time", "resolved_late", "pending", "pending_within", "pending_overdue", "on_time_percent"))

    assert stats("--unit", "H15.50") == (["H15.50"], OFFICE)
    assert stats("--unit", "H15.99") == (["H15.99"], OTHER)
    assert stats() == (["H15.50", "H15.99"], BOTH)
    text = cli("onestop", "stats", "--from", "2025-10-01", "--to", "2025-12-31", "--unit", "H15.50").output
    assert "Tiếp nhận:               7 (kỳ trước chuyển sang 2, trực tuyến 2, trực tiếp/bưu chính 3)" in text
    assert "Đã giải quyết:           5 (trước hạn 2, đúng hạn 1, quá hạn 2)" in text
    assert "Đang giải quyết:         2 (trong hạn 1, quá hạn 1)" in text and "Tỷ lệ đúng hạn:          60%" in text


# -- 5. rating criteria overridden by the deployment -------------------------------------------------------
OVERRIDE = """[rules.rating_criteria]
values = [{ effective_from = 2026-07-01, value = ["timeliness:Thời gian giải quyết đúng hẹn",
  "attitude:Thái độ, tác phong của công chức", "digital:Mức độ số hóa, trả kết quả điện tử"] }]
"""


@pytest.fixture
def deployment_rules(tmp_path, monkeypatch):
    """The deployment's config/rules/onestop.toml: the province's portal criteria from 01/07/2026."""
    (tmp_path / "onestop.toml").write_text(OVERRIDE, encoding="utf-8")
    monkeypatch.setattr(core.rules, "OVERRIDES_DIR", tmp_path)
    core.rules.rules_for.cache_clear()
    yield
    core.rules.rules_for.cache_clear()


def test_overridden_criteria_drive_the_public_form_and_the_averages(world, state, client, client_for, user_factory,
                                                                     deployment_rules):
    handler = user_factory("chuyenvien", roles=[(world.office, "onestop.handler")])
    done = []
    for name in ("Nguyễn Văn An", "Lê Thị Bình"):
        d = received(state, world.office, world.permit, name=name, now=at(date(2026, 2, 12)))
        act(state, d.id, "assign", date(2026, 2, 13), handler_id=handler.id)
        act(state, d.id, "resolve", date(2026, 2, 13))
        done.append(act(state, d.id, "return", date(2026, 2, 13)))  # id, code and lookup_secret stay loaded
    assert [c.code for c in ratings.criteria(date(2026, 6, 30))] == \
        ["timeliness", "attitude", "visits", "publicity", "guidance"]  # the shipped rule until the override
    with state.transaction() as s:  # given in March: judged by the criteria in force then
        ratings.rate(s, s.get(Dossier, done[0].id), {"timeliness": 4, "attitude": 4, "visits": 2, "publicity": 4,
                                                     "guidance": 4}, "", date(2026, 3, 2))
    form = page_of(client, f"/onestop/rate?code={done[1].code}")
    assert sorted(set(re.findall(r'name="(score_\w+)"', form))) == \
        ["score_attitude", "score_digital", "score_timeliness"]
    assert "Thái độ, tác phong của công chức" in form and "Mức độ số hóa, trả kết quả điện tử" in form
    assert "Số lần phải đi lại" not in form and "Thái độ của cán bộ" not in form

    def post(**scores):
        response = client.post("/onestop/rate", data={"code": done[1].code, "secret": done[1].lookup_secret,
                                                      **{f"score_{k}": v for k, v in scores.items()}})
        return response.status_code, html.unescape(response.get_data(as_text=True))

    status, page = post(timeliness="5", attitude="3", visits="5")  # the old criterion instead of the new one
    assert status == 400 and "Chọn mức đánh giá cho “Mức độ số hóa, trả kết quả điện tử”." in page
    status, page = post(timeliness="5", attitude="3", digital="4")
    assert status == 200 and 'id="rating-done"' in page
    with state.transaction() as s:
        rating = s.scalar(select(Rating).where(Rating.dossier_id == done[1].id))
        assert rating.scores == {"timeliness": 5, "attitude": 3, "digital": 4} and rating.average == 4.0
        today = rating.rated_on  # the office's today: the form is rated under the override
        summary = ratings.averages(s, date(2026, 1, 1), today, [world.office.id])
    assert (summary.count, summary.average) == (2, 3.8)  # (3.6 + 4.0) / 2
    assert [(c.code, c.label, c.average, c.count) for c in summary.criteria] == [
        ("timeliness", "Thời gian giải quyết đúng hẹn", 4.5, 2),
        ("attitude", "Thái độ, tác phong của công chức", 3.5, 2),
        ("digital", "Mức độ số hóa, trả kết quả điện tử", 4.0, 1), ("visits", "Số lần phải đi lại", 2.0, 1),
        ("publicity", "Công khai thủ tục", 4.0, 1), ("guidance", "Hướng dẫn đầy đủ, một lần", 4.0, 1)]
    clerk = client_for("onestop.clerk", world.office)
    page = page_of(clerk, f"/admin/onestop_statistics/?kind=custom&from=01/07/2026&to={today:%d/%m/%Y}")
    assert rows_of(page, "onestop-ratings") == {"Thời gian giải quyết đúng hẹn": ("5", "1"),
                                                "Thái độ, tác phong của công chức": ("3", "1"),
                                                "Mức độ số hóa, trả kết quả điện tử": ("4", "1")}
    assert 'id="onestop-rating-average">4<' in page


def test_periods_before_the_first_rating_criteria_are_reported(world, book, client_for):
    """The year picker offers 2016 and 2017; the rating criteria are in force only from 01/01/2018."""
    clerk = client_for("onestop.clerk", world.office)
    for year in (2016, 2017):
        page = clerk.get(f"/admin/onestop_statistics/?kind=year&year={year}")
        assert page.status_code == 200 and "Chưa có đánh giá nào" in html.unescape(page.get_data(as_text=True))
        assert clerk.get(f"/admin/onestop_statistics/export.xlsx?kind=year&year={year}").status_code == 200
    across = page_of(clerk, "/admin/onestop_statistics/?kind=custom&from=01/06/2017&to=31/12/2025")
    # from 06/2017 nothing is carried over: the dossier of 26/12/2024 is new at the counter
    assert rows_of(across, "onestop-by-field")["Tổng cộng"] == admin_cells((9, 0, 2, 7, 7, 4, 1, 2, 2, 1, 1, 71.4))

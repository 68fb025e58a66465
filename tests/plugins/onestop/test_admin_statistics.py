"""The statistics page and its .xlsx export, and the submissions register with its counts per period."""
import io
import re
from datetime import date, datetime, timezone

import pytest
from openpyxl import load_workbook
from sqlalchemy import select

from plugins.onestop.models import Dossier, Submission
from plugins.onestop.services import ratings
from plugins.onestop.services.workflow import transition
from tests.plugins.onestop.admin_world import clients, flashes, received, text, world  # noqa: F401
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP
Q1_2026 = "/admin/onestop_statistics/?kind=quarter&year=2026&number=1"


def at(day: date) -> datetime:
    return datetime(day.year, day.month, day.day, 2, 0, tzinfo=timezone.utc)  # 09:00 in Hà Nội


def resolve(state, dossier_id, day: date, returned: bool = False):
    with state.transaction() as s:
        d = s.get(Dossier, dossier_id)
        transition(s, state.settings, d, "assign", None, handler_id=1, now=at(day))
        transition(s, state.settings, d, "resolve", None, now=at(day))
        if returned:
            transition(s, state.settings, d, "return", None, now=at(day))


@pytest.fixture
def quarter(world, clients, state):
    """Q1/2026: 5 received (1 online), 3 resolved (early, on time, late), 2 pending (1 overdue at 31/03)."""
    early = received(state, world.office, world.permit)                   # appointment 26/02/2026
    on_time = received(state, world.office, world.permit, name="Lê Văn Bình")
    late = received(state, world.office, world.renew, name="Võ Thị Cúc")
    overdue = received(state, world.office, world.permit, name="Đỗ Văn Dũng", channel="online")
    within = received(state, world.office, world.renew, name="Bùi Thị Em", now=at(date(2026, 3, 25)))
    received(state, world.other, world.foreign, name="Không tính")     # another unit: not the clerk's
    resolve(state, early.id, date(2026, 2, 20), returned=True)
    resolve(state, on_time.id, on_time.appointment_on)
    resolve(state, late.id, date(2026, 3, 20))
    assert late.appointment_on < date(2026, 3, 20) < within.appointment_on and overdue.appointment_on < date(2026, 3, 31)
    with state.transaction() as s:
        ratings.rate(s, s.get(Dossier, early.id), {c.code: 5 for c in ratings.criteria(date(2026, 2, 20))}
                     | {"attitude": 3}, "Cán bộ nhiệt tình", today=date(2026, 2, 20))
    return early


def stat(page: str, name: str) -> str:
    return re.search(rf'data-stat="{name}">([^<]*)<', page).group(1)


def test_the_statistics_page_shows_the_standard_report_from_sql(quarter, clients):
    page = text(clients.clerk.get(Q1_2026))
    assert "Quý I/2026" in page and "01/01/2026" in page and "31/03/2026" in page
    assert (stat(page, "received"), stat(page, "resolved"), stat(page, "pending"), stat(page, "rate")) == \
        ("5", "3", "2", "66,7%")
    assert "trực tuyến 1 · trực tiếp/BC 4" in page and "trước hạn 1 · đúng hạn 1 · quá hạn 1" in page
    assert "trong hạn 1 · quá hạn 1" in page
    by_field = page.split('id="onestop-by-field"')[1].split("</table>")[0]
    assert "Đất đai" in by_field and "Xây dựng" in by_field and "sở khác" not in by_field
    assert "H15.50 – Văn phòng UBND tỉnh" in page.split('id="onestop-by-unit"')[1] and "H15.99" not in page
    assert "1 lượt đánh giá" in page and re.search(r'data-criterion="attitude"><td>[^<]+</td><td>3<', page)


def test_months_custom_periods_and_bad_input(quarter, clients):
    february = text(clients.clerk.get("/admin/onestop_statistics/?kind=month&year=2026&number=2"))
    assert "Tháng 02/2026" in february and stat(february, "received") == "4"
    march = text(clients.clerk.get("/admin/onestop_statistics/?kind=custom&from=01/03/2026&to=31/03/2026"))
    assert "Từ 01/03/2026 đến 31/03/2026" in march and "Tiếp nhận" in march
    assert "kỳ trước 2 ·" in march  # received in February, still open on 1 March (the late and the overdue)
    bad = text(clients.clerk.get("/admin/onestop_statistics/?kind=custom&from=32/01/2026&to=x"))
    assert "Từ ngày không hợp lệ" in flashes(bad) and "Đang hiển thị quý hiện tại" in flashes(bad)
    foreign = text(clients.clerk.get(f"{Q1_2026}&unit=999999"))
    assert "không thuộc phạm vi" in flashes(foreign)
    empty = text(clients.clerk.get("/admin/onestop_statistics/?kind=year&year=2019"))
    assert "Không có hồ sơ nào" in empty and "Chưa có đánh giá nào" in empty


def test_the_xlsx_export_has_the_same_numbers(quarter, clients):
    response = clients.clerk.get("/admin/onestop_statistics/export.xlsx?kind=quarter&year=2026&number=1")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "thong-ke-mot-cua-20260101-20260331.xlsx" in response.headers["Content-Disposition"]
    book = load_workbook(io.BytesIO(response.data))
    assert book.sheetnames == ["Theo lĩnh vực", "Theo đơn vị", "Đánh giá"]
    sheet = book["Theo lĩnh vực"]
    rows = list(sheet.iter_rows(values_only=True))
    assert "Quý I/2026" in rows[0][0]
    headers = rows[3]
    total = rows[-1]
    assert total[0] == "Tổng cộng"
    assert total[1:] == (5, 0, 1, 4, 3, 1, 1, 1, 2, 1, 1, 66.7)
    assert headers[12] == "Tỷ lệ đúng hạn (%)"
    fields = {row[0]: row for row in rows[4:-1]}
    assert set(fields) == {"Đất đai", "Xây dựng"} and fields["Xây dựng"][1] == 2
    units = list(book["Theo đơn vị"].iter_rows(values_only=True))
    assert units[4][0] == "H15.50 – Văn phòng UBND tỉnh" and units[4][1] == 5
    assessed = list(book["Đánh giá"].iter_rows(values_only=True))
    assert assessed[1] == ("Số lượt đánh giá", 1, None)
    assert ("Thái độ của cán bộ", 3, 1) in assessed


def test_statistics_need_their_permission(quarter, clients):
    assert clients.handler.get(Q1_2026).status_code == 404  # a handler has no onestop.statistics.read
    assert clients.handler.get("/admin/onestop_statistics/export.xlsx").status_code == 404


def test_a_submission_is_registered_routed_to_a_leader_and_counted(world, clients, state):
    form = text(clients.clerk.get("/admin/onestop_submissions/new/"))
    assert "Lê Lãnh Đạo" in form and "Trần Xử Lý" not in form  # only the unit's leaders
    data = {"unit_id": world.office.id, "number": "15/TTr-STC", "submitted_on": "05/01/2018", "sender": "Sở Tài chính",
            "subject": "Đề nghị phân bổ kinh phí", "leader": clients.leader_id, "deadline": "10/01/2018"}
    refused = clients.clerk.post("/admin/onestop_submissions/new/", data={**data, "deadline": "01/01/2018"})
    assert "Hạn xử lý không được trước ngày tờ trình" in flashes(text(refused))
    bad_date = clients.clerk.post("/admin/onestop_submissions/new/", data={**data, "submitted_on": "2018/13/45"})
    assert "dd/mm/yyyy" in text(bad_date)
    assert clients.clerk.post("/admin/onestop_submissions/new/", data=data).status_code == 302
    handled = {**data, "number": "16/TTr-SNV", "submitted_on": "20/02/2018", "deadline": "25/02/2018",
               "outcome": "Đồng ý", "handled_on": "24/02/2018"}
    assert clients.clerk.post("/admin/onestop_submissions/new/", data=handled).status_code == 302
    with state.transaction() as s:
        first = s.scalar(select(Submission).where(Submission.number == "15/TTr-STC"))
        assert first.leader_id == clients.leader_id and first.deadline == date(2018, 1, 10)
    listing = text(clients.clerk.get("/admin/onestop_submissions/?year=2018"))
    assert "15/TTr-STC" in listing and "Lê Lãnh Đạo" in listing and "10/01/2018" in listing
    counts = listing.split('id="onestop-submission-counts"')[1].split("</div></div>")[0]
    assert re.search(r'data-quarter="Quý I/2018"><td>Quý I/2018</td><td>2</td><td>1</td>', counts)
    assert "<td>01/2018</td><td>1</td><td>0</td><td>0</td><td>1</td>" in counts
    assert "<td>02/2018</td><td>1</td><td>1</td><td>1</td><td>0</td>" in counts
    assert "chưa có tờ trình" in text(clients.clerk.get("/admin/onestop_submissions/?year=2017"))
    assert clients.handler.get("/admin/onestop_submissions/").status_code == 404

"""The receipt slip (form 01) with its QR code, and forms 02–06 as printable pages and Word documents."""
from __future__ import annotations

import io
import re
import zipfile
from datetime import date, datetime, timezone
from urllib.parse import parse_qs, urlsplit

import docx
import pytest
import zxingcpp
from PIL import Image, ImageDraw

from plugins.onestop import printing
from plugins.onestop.models import Dossier, Procedure
from tests.plugins.onestop.conftest import ONESTOP
from tests.plugins.onestop.public_fixtures import APPLICANT, build_office, office  # noqa: F401  (fixture)

pytestmark = ONESTOP
MON_16_FEB_2026 = datetime(2026, 2, 16, 3, 0, tzinfo=timezone.utc)


@pytest.fixture
def clerk(office, user_factory):
    return user_factory("canbo", full_name="Phạm Thu Hà", roles=[(office.unit, "onestop.clerk")])


def word_text(data: bytes) -> str:
    document = docx.Document(io.BytesIO(data))
    parts = [p.text for p in document.paragraphs]
    for table in document.tables:
        parts += [cell.text for row in table.rows for cell in row.cells]
    return "\n".join(parts)


def svg_image(svg: str, scale: int = 8) -> Image.Image:
    """The page's own ``<svg>`` drawn as a picture: its white square, then each unit square of its one path."""
    n = int(re.search(r'viewBox="0 0 (\d+) \1"', svg).group(1))
    path = re.search(r'<path d="([^"]*)" fill="#000"/>', svg).group(1)
    squares = [(int(x), int(y)) for x, y in re.findall(r"M(\d+),(\d+)h1v1h-1z", path)]
    assert "".join(f"M{x},{y}h1v1h-1z" for x, y in squares) == path  # every stroke of the path was read
    image = Image.new("L", (n * scale, n * scale), 255)
    draw = ImageDraw.Draw(image)
    for x, y in squares:
        draw.rectangle([x * scale, y * scale, (x + 1) * scale - 1, (y + 1) * scale - 1], fill=0)
    return image


def decode_qr(image: Image.Image) -> str:
    codes = zxingcpp.read_barcodes(image, formats=zxingcpp.BarcodeFormat.QRCode)
    assert len(codes) == 1 and codes[0].valid, codes
    return codes[0].text


def test_slip_page_has_the_receipt_content_and_a_qr_code_to_the_lookup(office, clerk, login):
    dossier = office.receive(actor_id=clerk.id)
    response = login(clerk).get(f"/onestop/slip/{dossier.id}")
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Giấy tiếp nhận hồ sơ và hẹn trả kết quả" in page and dossier.code in page
    for text in (APPLICANT.name, APPLICANT.id_number, APPLICANT.phone, "Cấp giấy phép khai thác đất",
                 "Đơn đề nghị cấp phép", "09 giờ 00 phút, ngày 12/02/2026", "ngày 26/02/2026", "Phạm Thu Hà",
                 dossier.lookup_secret):
        assert text in page, text
    target = re.search(r'id="slip-qr" data-target="([^"]+)"', page).group(1)
    assert target == f"http://localhost/onestop/lookup?code={dossier.code}"
    assert "<svg" in page and 'aria-label="Mã QR tra cứu hồ sơ"' in page
    assert f'href="/onestop/slip/{dossier.id}.docx"' in page


def test_qr_code_encodes_the_lookup_url(office, clerk, login):
    dossier = office.receive(actor_id=clerk.id)
    expected = f"http://localhost/onestop/lookup?code={dossier.code}"
    client = login(clerk)
    page = client.get(f"/onestop/slip/{dossier.id}").get_data(as_text=True)
    svg = re.search(r'<figure class="qr" id="slip-qr"[^>]*>(<svg.*?</svg>)', page, re.S).group(1)
    with zipfile.ZipFile(io.BytesIO(client.get(f"/onestop/slip/{dossier.id}.docx").data)) as word:
        pictures = [word.read(name) for name in word.namelist() if name.startswith("word/media/")]
    assert len(pictures) == 1 and pictures[0].startswith(b"\x89PNG")
    for decoded in (decode_qr(svg_image(svg)), decode_qr(Image.open(io.BytesIO(pictures[0])))):
        assert decoded == expected  # the page's SVG and the Word slip's PNG both open the lookup
        assert parse_qs(urlsplit(decoded).query) == {"code": [dossier.code]}
        assert dossier.lookup_secret not in decoded  # the second factor is only printed, never in the QR


def test_slip_in_word_opens_and_carries_code_applicant_and_appointment(office, clerk, login):
    dossier = office.receive(actor_id=clerk.id)
    response = login(clerk).get(f"/onestop/slip/{dossier.id}.docx")
    assert response.status_code == 200
    assert response.mimetype == "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
    assert "attachment" in response.headers["Content-Disposition"]
    text = word_text(response.data)
    for expected in (dossier.code, APPLICANT.name, "26/02/2026", "Phạm Thu Hà", dossier.lookup_secret,
                     "CỘNG HÒA XÃ HỘI CHỦ NGHĨA VIỆT NAM", "Mẫu số 01"):
        assert expected in text, expected
    assert docx.Document(io.BytesIO(response.data)).inline_shapes, "the QR code picture is missing"


def test_documents_need_a_login_and_stay_in_the_users_units(office, clerk, client, login, user_factory,
                                                            unit_factory, state):
    dossier = office.receive(actor_id=clerk.id)
    assert client.get(f"/onestop/slip/{dossier.id}").status_code == 302  # to the login page
    other_unit = unit_factory("SOTP", "Sở Tư pháp", plugins=("onestop",))
    stranger = login(user_factory("khac", roles=[(other_unit, "onestop.clerk")]))
    for url in (f"/onestop/slip/{dossier.id}", f"/onestop/slip/{dossier.id}.docx", f"/onestop/forms/{dossier.id}/06",
                f"/onestop/forms/{dossier.id}/06.docx"):
        assert stranger.get(url).status_code == 404, url
    mine = login(clerk)
    for url in ("/onestop/slip/abc", "/onestop/slip/99999999999999999999", f"/onestop/forms/{dossier.id}/07",
                f"/onestop/forms/{dossier.id}/02", f"/onestop/forms/{dossier.id}/02.docx"):
        assert mine.get(url).status_code == 404, url


def test_forms_02_to_06_follow_the_transitions(office, clerk, login, user_factory):
    handler = user_factory("xuly", full_name="Đỗ Minh Khoa", roles=[(office.unit, "onestop.handler")])
    leader = user_factory("lanhdao", full_name="Hồ Quang Vinh", roles=[(office.unit, "onestop.leader")])
    dossier = office.receive(actor_id=clerk.id)
    office.act(dossier.id, "assign", actor_id=clerk.id, handler_id=handler.id, now=MON_16_FEB_2026)
    office.act(dossier.id, "request_supplement", "Giấy tờ chưa hợp lệ", handler.id, MON_16_FEB_2026,
               missing_documents=["Bản sao giấy chứng nhận quyền sử dụng đất", "Sơ đồ vị trí khu đất"])
    office.act(dossier.id, "supplement", "Đã nhận đủ", clerk.id, MON_16_FEB_2026)
    office.act(dossier.id, "extend", "Chờ ý kiến Sở Xây dựng", leader.id, MON_16_FEB_2026, new_date=date(2026, 3, 6))
    office.act(dossier.id, "stop", "Người nộp đề nghị dừng", leader.id, MON_16_FEB_2026)
    client = login(clerk)

    def word(number):
        response = client.get(f"/onestop/forms/{dossier.id}/{number}.docx")
        assert response.status_code == 200, number
        return word_text(response.data)

    supplement = word("02")
    assert "Sơ đồ vị trí khu đất" in supplement and "Bản sao giấy chứng nhận quyền sử dụng đất" in supplement
    assert dossier.code in supplement and APPLICANT.name in supplement and "Đỗ Minh Khoa" in supplement
    apology = word("04")
    assert "06/03/2026" in apology and "Chờ ý kiến Sở Xây dựng" in apology and "xin lỗi" in apology
    stop = word("05")
    assert "Người nộp đề nghị dừng" in stop and "Hồ Quang Vinh" in stop
    control = word("06")
    for text in ("Tiếp nhận hồ sơ", "Chuyển xử lý", "Yêu cầu bổ sung (mẫu 02)", "Dừng xử lý (mẫu 05)",
                 "Phạm Thu Hà", "Đỗ Minh Khoa", "Sơ đồ vị trí khu đất", "hẹn lại: 06/03/2026", "Dừng xử lý"):
        assert text in control, text
    page = client.get(f"/onestop/forms/{dossier.id}/06").get_data(as_text=True)
    assert "Phiếu kiểm soát quá trình giải quyết hồ sơ" in page and "Mẫu 02" in page and "Mẫu 05" in page
    printable = {"02": ("Phiếu yêu cầu bổ sung, hoàn thiện hồ sơ", "Sơ đồ vị trí khu đất", "Đỗ Minh Khoa"),
                 "04": ("Phiếu xin lỗi và hẹn lại ngày trả kết quả", "06/03/2026", "Chờ ý kiến Sở Xây dựng"),
                 "05": ("Thông báo về việc dừng xử lý hồ sơ", "Người nộp đề nghị dừng", "Hồ Quang Vinh")}
    for number, expected in printable.items():  # the printable pages say what the Word files say
        response = client.get(f"/onestop/forms/{dossier.id}/{number}")
        assert response.status_code == 200, number
        page = response.get_data(as_text=True)
        assert all(text in page for text in (*expected, dossier.code, APPLICANT.name)), number
        assert f"/onestop/forms/{dossier.id}/{number}.docx" in page, "the page offers its Word download"
    assert client.get(f"/onestop/forms/{dossier.id}/03").status_code == 404  # never refused


def test_refusal_of_an_online_registration_has_form_03(office, clerk, login, state):
    from plugins.onestop.services.public import register
    with state.transaction() as s:
        registration = register(s, s.get(Procedure, office.online_id), APPLICANT)
    office.act(registration.id, "refuse", "Thủ tục không thuộc thẩm quyền của đơn vị", clerk.id)
    text = word_text(login(clerk).get(f"/onestop/forms/{registration.id}/03.docx").data)
    assert f"DK-{registration.id}" in text and "không thuộc thẩm quyền" in text and APPLICANT.name in text
    page = login(clerk).get(f"/onestop/forms/{registration.id}/03").get_data(as_text=True)
    assert "Phiếu từ chối tiếp nhận giải quyết hồ sơ" in page and "không thuộc thẩm quyền" in page
    assert login(clerk).get(f"/onestop/slip/{registration.id}").status_code == 404  # never received: no slip


def test_forms_are_built_without_flask(service_state):
    from core.services.units import create_unit
    from core.services.enablement import enable_plugin
    from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
    from plugins.onestop.services.intake import IntakeRequest, receive
    with service_state.transaction() as s:
        unit = create_unit(s, "H15.50", "Văn phòng UBND tỉnh")
        enable_plugin(s, service_state.registry, "onestop", unit)
        field = get_or_create_field(s, unit.id, "LV01", "Đất đai")
        procedure = save_procedure(s, unit.id, ProcedureSpec("1.000001", "Cấp phép A", "LV01", 5), field)
        dossier = receive(s, service_state.settings, unit, IntakeRequest(procedure.id, APPLICANT), None,
                          now=datetime(2026, 2, 12, 2, 0, tzinfo=timezone.utc))
        doc = printing.build(s, service_state.settings, s.get(Dossier, dossier.id), "01", "https://x/lookup")
        text = word_text(printing.to_docx(doc))
    assert dossier.code in text and "26/02/2026" in text and "https://x/lookup" in text

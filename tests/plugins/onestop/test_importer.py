"""Catalogue import (.xlsx, .csv): a per-row report, nothing imported until the file is clean."""
from __future__ import annotations

import io
import re
from datetime import date

import pytest
from openpyxl import Workbook
from sqlalchemy import func, select

from plugins.onestop import importer
from plugins.onestop.models import Field, Procedure
from plugins.onestop.services.catalogue import get_or_create_field
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP
HEADER = ["national_code", "name", "field_code", "field_name", "time_limit", "limit_kind", "online_time_limit",
          "authority", "fee", "online_level", "online_mode", "supplement_policy", "documents", "steps",
          "published_on"]
GOOD = [
    ["1.000001", "Cấp giấy phép xây dựng", "LV01", "Xây dựng", 15, "working", 12, "Sở Xây dựng", "150.000", 3,
     "partial", "pause", "Đơn đề nghị|1|0|0; Bản vẽ thiết kế|2|0|0", "Tiếp nhận:10; Thẩm định:70; Trả:20",
     "01/07/2025"],
    ["1.000002", "Gia hạn giấy phép xây dựng", "LV01", "", "5", "", "", "Sở Xây dựng", "", "4", "end_to_end",
     "restart", "Đơn đề nghị gia hạn|1|0|0", "", ""],
    ["1.000003", "Cấp phép khai thác nước mặt", "LV02", "", 20, "calendar", "", "UBND tỉnh", 0, "2", "", "", "", "",
     "2025-08-15"],
]


def xlsx(rows, header=HEADER) -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(header)
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


def csv_bytes(rows, header=HEADER, sep=";") -> bytes:
    lines = [sep.join(header)] + [sep.join(f'"{c}"' if sep in str(c) else str(c) for c in row) for row in rows]
    return ("\n".join(lines) + "\n").encode("utf-8-sig")


@pytest.fixture
def unit(state, unit_factory):
    unit = unit_factory("H15.50", "Văn phòng UBND tỉnh", plugins=("onestop",))
    with state.transaction() as s:
        get_or_create_field(s, unit.id, "LV02", "Tài nguyên nước")
    return unit


def preview(state, unit, name, data):
    with state.transaction() as s:
        return importer.preview(s, unit.id, name, data)


def procedures(state) -> int:
    with state.transaction() as s:
        return s.scalar(select(func.count(Procedure.id)))


def errors_by_row(report) -> dict[int, str]:
    return {r.number: " | ".join(r.errors) for r in report.error_rows}


def test_clean_xlsx_imports_everything(state, unit):
    report = preview(state, unit, "danh-muc.xlsx", xlsx(GOOD))
    assert report.ok, report.lines()
    assert report.new_fields == {"LV01": "Xây dựng"} and report.count("Thêm mới") == 3
    with state.transaction() as s:
        assert importer.apply(s, unit.id, report) == {"created": 3, "updated": 0, "fields": 1}
    with state.transaction() as s:
        first = s.scalar(select(Procedure).where(Procedure.national_code == "1.000001"))
        assert (first.time_limit, first.online_time_limit, first.online_level) == (15, 12, "3")
        assert float(first.fee) == 150000
        assert [(d.name, d.originals) for d in first.documents] == [("Đơn đề nghị", 1), ("Bản vẽ thiết kế", 2)]
        assert [(st.name, st.share_percent) for st in first.steps] == [("Tiếp nhận", 10), ("Thẩm định", 70),
                                                                        ("Trả", 20)]
        assert first.published_on == date(2025, 7, 1) and first.field.name == "Xây dựng"
        second = s.scalar(select(Procedure).where(Procedure.national_code == "1.000002"))
        assert (second.supplement_policy, second.online_mode, second.field.code) == ("restart", "end_to_end", "LV01")
        assert s.scalar(select(func.count(Field.id)).where(Field.unit_id == unit.id)) == 2
    again = preview(state, unit, "danh-muc.xlsx", xlsx(GOOD))
    assert again.ok and again.count("Cập nhật") == 3  # a second import updates, it does not duplicate


def test_clean_csv_with_vietnamese_headings_imports(state, unit):
    header = ["Mã thủ tục", "Tên thủ tục", "Mã lĩnh vực", "Thời hạn giải quyết", "Thành phần hồ sơ"]
    data = csv_bytes([["2.000001", "Đăng ký hộ kinh doanh", "LV02", "3", "Giấy đề nghị|1|0|0"]], header)
    report = preview(state, unit, "ho-kinh-doanh.CSV", data)
    assert report.ok, report.lines()
    with state.transaction() as s:
        importer.apply(s, unit.id, report)
    assert procedures(state) == 1


def test_wrong_columns_are_reported_and_nothing_is_imported(state, unit):
    header = ["code", "name", "field_code", "time_limit", "colour"]
    report = preview(state, unit, "sai-cot.xlsx", xlsx([["1", "A", "LV02", 5, "đỏ"]], header))
    assert not report.ok and not report.rows
    text = " ".join(report.file_errors)
    assert "“code” không thuộc mẫu nhập" in text and "“colour” không thuộc mẫu nhập" in text
    assert "Thiếu cột bắt buộc: national_code" in text
    dup = preview(state, unit, "lap.csv", csv_bytes([["1", "A", "LV02", "5", "6"]],
                                                      ["national_code", "name", "field_code", "time_limit",
                                                       "Thời hạn"]))
    assert any("bị lặp" in e for e in dup.file_errors)
    assert procedures(state) == 0


def test_bad_values_unknown_fields_and_duplicates_give_a_per_row_report(state, unit):
    rows = [
        GOOD[0],
        ["1.000010", "Thủ tục A", "LV99", "", "năm", "tuần", "", "", "abc", 7, "qua mạng", "", "Đơn|một|0|0", "",
         "31/02/2026"],
        ["1.000001", "Trùng mã", "LV02", "", 5, "", "", "", "", "", "", "", "", "Bước 1:30; Bước 2:30", ""],
        ["", "", "LV02", "", 0, "", -1, "", "-5", "", "", "hủy", "Đơn không đủ cột", "", "hôm qua"],
    ]
    report = preview(state, unit, "loi.xlsx", xlsx(rows))
    assert not report.ok
    errors = errors_by_row(report)
    assert set(errors) == {3, 4, 5}  # spreadsheet rows (the header is row 1); row 2 is clean
    for expected in ("lĩnh vực “LV99” chưa có trong danh mục", "thời hạn giải quyết “năm” không phải số nguyên",
                     "đơn vị thời hạn “tuần” không hợp lệ", "phí, lệ phí “abc” không phải số tiền",
                     "mức độ trực tuyến “7”", "hình thức trực tuyến “qua mạng”", "“một” không phải số nguyên",
                     "ngày '31/02/2026' không tồn tại"):
        assert expected in errors[3], expected
    assert "trùng mã thủ tục 1.000001 với dòng 2" in errors[4] and "cộng lại bằng 100%" in errors[4]
    for expected in ("thiếu mã thủ tục", "thiếu tên thủ tục", "thời hạn giải quyết phải từ 1 trở lên",
                     "thời hạn trực tuyến phải từ 1", "phí, lệ phí “-5”", "cách tính thời hạn khi bổ sung “hủy”",
                     "phải có dạng tên|bản chính|bản sao chứng thực|bản sao", "không đúng định dạng dd/mm/yyyy"):
        assert expected in errors[5], expected
    lines = "\n".join(report.lines())
    assert "Dòng 3 (1.000010)" in lines and "Dòng 5 (không có mã)" in lines
    with state.transaction() as s, pytest.raises(ValueError, match="chưa nhập dòng nào"):
        importer.apply(s, unit.id, report)
    assert procedures(state) == 0


@pytest.mark.parametrize("name, data, expected", [
    ("danh-muc.xlsx", b"PK\x03\x04 not really a workbook", "không phải bảng tính .xlsx"),
    ("danh-muc.xlsx", b"", "Tệp rỗng"),
    ("danh-muc.xls", b"\xd0\xcf\x11\xe0", "không được hỗ trợ"),
    ("danh-muc.pdf", b"%PDF-1.4", "Chỉ nhận tệp .xlsx hoặc .csv"),
    ("danh-muc.csv", b"\n\n", "không có dữ liệu"),
    ("danh-muc.csv", "national_code;name;field_code;time_limit\n".encode(), "không có dòng dữ liệu"),
    ("danh-muc.csv", b"\x00\x01\x02binary", "ký tự nhị phân"),
])
def test_unreadable_files_are_reported_not_crashed_on(state, unit, name, data, expected):
    report = preview(state, unit, name, data)
    assert not report.ok and expected in " ".join(report.file_errors)


def test_cli_import_dry_run_then_real(cli, state, unit, tmp_path):
    path = tmp_path / "danh-muc.xlsx"
    path.write_bytes(xlsx(GOOD))
    dry = cli("onestop", "import", str(path), "--unit", "H15.50", "--dry-run")
    assert dry.exit_code == 0, dry.output
    assert "Chạy thử" in dry.output and procedures(state) == 0
    real = cli("onestop", "import", str(path), "--unit", "H15.50")
    assert real.exit_code == 0, real.output
    assert "thêm mới 3" in real.output and procedures(state) == 3


def test_cli_import_of_a_bad_file_prints_the_rows_and_exits_1(cli, state, unit, tmp_path):
    path = tmp_path / "loi.csv"
    path.write_bytes(csv_bytes([GOOD[0], ["1.000009", "X", "LV77", "", "năm"] + [""] * 10]))
    result = cli("onestop", "import", str(path), "--unit", "H15.50")
    assert result.exit_code == 1
    assert "Dòng 3 (1.000009)" in result.output and "LV77" in result.output and "chưa nhập dòng nào" in result.output
    assert procedures(state) == 0
    assert cli("onestop", "import", str(path), "--unit", "NOPE").exit_code == 1


def test_import_page_previews_then_imports_all_or_nothing(client_for, state, unit):
    admin = client_for("onestop.admin", unit)
    page = admin.get("/admin/onestop_import/")
    assert page.status_code == 200 and "Nhập danh mục thủ tục hành chính" in page.get_data(as_text=True)
    bad = admin.post("/admin/onestop_import/", data={
        "unit": str(unit.id), "file": (io.BytesIO(xlsx([GOOD[0], ["1.000010", "A", "LV99", "", "năm"]])), "loi.xlsx")},
        content_type="multipart/form-data")
    text = bad.get_data(as_text=True)
    assert bad.status_code == 200 and "chưa có trong danh mục" in text and "Chưa nhập dòng nào" in text
    assert 'id="import-confirm"' not in text and procedures(state) == 0
    good = admin.post("/admin/onestop_import/", data={
        "unit": str(unit.id), "file": (io.BytesIO(xlsx(GOOD)), "danh-muc.xlsx")}, content_type="multipart/form-data")
    text = good.get_data(as_text=True)
    assert 'id="import-confirm"' in text and procedures(state) == 0  # the preview writes nothing
    payload = re.search(r'name="payload" type="hidden" value="([^"]+)"', text).group(1)
    done = admin.post("/admin/onestop_import/", data={"unit": str(unit.id), "payload": payload,
                                                      "filename": "danh-muc.xlsx", "confirm": "1"})
    assert done.status_code == 302 and procedures(state) == 3
    tampered = admin.post("/admin/onestop_import/", data={"unit": str(unit.id), "payload": "!!notbase64",
                                                          "filename": "x.xlsx", "confirm": "1"})
    assert tampered.status_code == 400


def test_import_page_needs_the_catalogue_permission(client_for, unit):
    assert client_for("onestop.clerk", unit).get("/admin/onestop_import/").status_code == 404

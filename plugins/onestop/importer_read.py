"""Reading the rows of an uploaded catalogue file (.xlsx with openpyxl, or .csv), nothing more."""
from __future__ import annotations

import csv
import io
import zipfile

MAX_COLUMNS = 60


class ImportFileError(Exception):
    """The file cannot be read as a table; the message says why, in Vietnamese."""


def _blank(cells) -> bool:
    return all(c is None or str(c).strip() == "" for c in cells)


def _xlsx(data: bytes) -> list[tuple[int, list]]:
    from openpyxl import load_workbook
    try:
        book = load_workbook(io.BytesIO(data), read_only=True, data_only=True)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError, TypeError) as exc:
        raise ImportFileError(f"Tệp không phải bảng tính .xlsx hợp lệ ({type(exc).__name__})") from None
    except Exception as exc:  # openpyxl raises many kinds on a damaged workbook: report, never crash
        raise ImportFileError(f"Không đọc được bảng tính .xlsx ({type(exc).__name__})") from None
    try:
        sheet = book.worksheets[0]
        return [(n, list(row[:MAX_COLUMNS])) for n, row in enumerate(sheet.iter_rows(values_only=True), 1)]
    except Exception as exc:
        raise ImportFileError(f"Không đọc được trang tính đầu tiên ({type(exc).__name__})") from None
    finally:
        book.close()


def _csv(data: bytes) -> list[tuple[int, list]]:
    for encoding in ("utf-8-sig", "cp1258"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - cp1258 decodes almost anything
        raise ImportFileError("Không đọc được bảng mã của tệp .csv; hãy lưu tệp với bảng mã UTF-8")
    if "\x00" in text:
        raise ImportFileError("Tệp .csv chứa ký tự nhị phân; đây không phải tệp văn bản CSV")
    try:
        dialect = csv.Sniffer().sniff(text[:4096], delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    try:
        return [(n, row[:MAX_COLUMNS]) for n, row in enumerate(csv.reader(io.StringIO(text), dialect), 1)]
    except csv.Error as exc:
        raise ImportFileError(f"Tệp .csv sai cấu trúc: {exc}") from None


def read_table(filename: str, data: bytes) -> tuple[list, list[tuple[int, list]]]:
    """(the header cells, [(row number, cells)]) – blank rows left out, numbers as in the spreadsheet."""
    name = (filename or "").lower()
    if not data:
        raise ImportFileError("Tệp rỗng")
    if name.endswith(".xlsx"):
        rows = _xlsx(data)
    elif name.endswith(".csv"):
        rows = _csv(data)
    elif name.endswith(".xls"):
        raise ImportFileError("Định dạng .xls cũ không được hỗ trợ; hãy lưu lại thành .xlsx hoặc .csv")
    else:
        raise ImportFileError("Chỉ nhận tệp .xlsx hoặc .csv")
    rows = [(n, cells) for n, cells in rows if not _blank(cells)]
    if not rows:
        raise ImportFileError("Tệp không có dữ liệu (không tìm thấy dòng tiêu đề)")
    return rows[0][1], rows[1:]

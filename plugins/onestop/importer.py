"""Catalogue import from .xlsx or .csv: a preview with row-by-row errors, then all or nothing.

Columns (the header row; Vietnamese headings are accepted too, see ``ALIASES``):

=================  =========  ====================================================================
national_code      required   the national database code of the procedure (unique in the file)
name               required   the procedure's name
field_code         required   the field (lĩnh vực) code; must exist, or be named in ``field_name``
field_name                    the field's name: creates the field when the code is new
time_limit         required   a positive whole number
limit_kind                    working (default) | calendar | hours
online_time_limit             a positive whole number, when online differs
authority                     the competent authority
fee                           a number of đồng, ≥ 0 ("50.000" and "50000" alike)
fee_note                      text about the fee
online_level                  1–4 (default 2)
online_mode                   (empty) | partial | end_to_end
supplement_policy             pause (default) | restart
documents                     "name|originals|certified|copies; name|…"
steps                         "name:percent; name:percent" (summing to 100)
published_on                  the publication date, dd/mm/yyyy
=================  =========  ====================================================================

Free of Flask: used by the back-office page and by ``cchc onestop import``.
"""
from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import select
from sqlalchemy.orm import Session

from plugins.onestop.importer_read import ImportFileError, read_table
from plugins.onestop.importer_values import ALIASES, COLUMNS, REQUIRED, parse_row, text
from plugins.onestop.models import Field, Procedure
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure

MAX_ROWS = 5000

__all__ = ["COLUMNS", "REQUIRED", "ImportReport", "RowResult", "apply", "preview"]


@dataclass
class RowResult:
    number: int  # the row's number in the spreadsheet (the header is row 1)
    national_code: str
    name: str
    action: str = ""  # "Thêm mới" or "Cập nhật"
    errors: list[str] = field(default_factory=list)
    spec: ProcedureSpec | None = None
    field_name: str = ""


@dataclass
class ImportReport:
    filename: str
    file_errors: list[str] = field(default_factory=list)
    rows: list[RowResult] = field(default_factory=list)
    new_fields: dict[str, str] = field(default_factory=dict)  # code -> name, created on import

    @property
    def error_rows(self) -> list[RowResult]:
        return [r for r in self.rows if r.errors]

    @property
    def ok(self) -> bool:
        """Clean: no file error, at least one row, no row error. Only then is anything imported."""
        return not self.file_errors and bool(self.rows) and not self.error_rows

    def count(self, action: str) -> int:
        return sum(1 for r in self.rows if r.action == action and not r.errors)

    def lines(self) -> list[str]:
        """The report as text lines (the CLI prints them)."""
        out = [f"Tệp {self.filename}: {len(self.rows)} dòng dữ liệu, {len(self.error_rows)} dòng lỗi."]
        out += [f"  Lỗi tệp: {e}" for e in self.file_errors]
        for row in self.error_rows:
            out += [f"  Dòng {row.number} ({row.national_code or 'không có mã'}): {e}" for e in row.errors]
        if self.ok:
            out.append(f"  Hợp lệ: thêm mới {self.count('Thêm mới')} thủ tục, cập nhật {self.count('Cập nhật')} "
                       f"thủ tục, tạo {len(self.new_fields)} lĩnh vực mới.")
        return out


def _headers(raw: list[str], report: ImportReport) -> list[str | None]:
    keys: list[str | None] = []
    for position, heading in enumerate(raw, 1):
        text = " ".join(str(heading or "").split()).strip().lower()
        key = text if text in COLUMNS else ALIASES.get(text)
        if not text:
            keys.append(None)
            continue
        if key is None:
            report.file_errors.append(f"Cột {position} “{heading}” không thuộc mẫu nhập; các cột hợp lệ: "
                                      + ", ".join(COLUMNS))
        elif key in keys:
            report.file_errors.append(f"Cột “{heading}” bị lặp (cột {position})")
        keys.append(key)
    missing = [c for c in REQUIRED if c not in keys]
    if missing:
        report.file_errors.append("Thiếu cột bắt buộc: " + ", ".join(missing))
    return keys


def preview(session: Session, unit_id: int, filename: str, data: bytes) -> ImportReport:
    """Read and check every row against the file itself and the unit's catalogue; change nothing."""
    report = ImportReport(filename)
    try:
        raw_headers, raw_rows = read_table(filename, data)
    except ImportFileError as exc:
        report.file_errors.append(str(exc))
        return report
    keys = _headers(raw_headers, report)
    if report.file_errors:
        return report
    if len(raw_rows) > MAX_ROWS:
        report.file_errors.append(f"Tệp có {len(raw_rows)} dòng; tối đa {MAX_ROWS} dòng mỗi lần nhập")
        return report
    known_fields = dict(session.execute(select(Field.code, Field.name).where(Field.unit_id == unit_id)).all())
    existing = set(session.scalars(select(Procedure.national_code).where(Procedure.unit_id == unit_id)))
    seen: dict[str, int] = {}
    for number, cells in raw_rows:
        values = {k: v for k, v in zip(keys, cells) if k}
        spec, field_name, errors = parse_row(values)
        if any(text(c) for c in cells[len(keys):]):
            errors.append("dòng có ô dữ liệu nằm ngoài các cột tiêu đề")
        row = RowResult(number, spec.national_code, spec.name, errors=errors, spec=spec, field_name=field_name)
        code = spec.national_code
        if code and code in seen:
            row.errors.append(f"trùng mã thủ tục {code} với dòng {seen[code]}")
        elif code:
            seen[code] = number
        row.action = "Cập nhật" if code in existing else "Thêm mới"
        report.rows.append(row)
    if not report.rows:
        report.file_errors.append("Tệp không có dòng dữ liệu nào dưới dòng tiêu đề")
    _check_fields(report, known_fields)
    return report


def _check_fields(report: ImportReport, known: dict[str, str]) -> None:
    """A field code must exist in the unit's catalogue, or be named (once, consistently) in the file."""
    for row in report.rows:
        code = row.spec.field_code
        if code and code not in known and row.field_name:
            named = report.new_fields.setdefault(code, row.field_name)
            if named != row.field_name:
                row.errors.append(f"lĩnh vực “{code}” được đặt hai tên khác nhau: “{named}” và “{row.field_name}”")
    for row in report.rows:
        code = row.spec.field_code
        if code and code not in known and code not in report.new_fields:
            row.errors.append(f"lĩnh vực “{code}” chưa có trong danh mục của đơn vị; ghi tên lĩnh vực ở cột "
                              "field_name để tạo mới")


def apply(session: Session, unit_id: int, report: ImportReport) -> dict[str, int]:
    """Import a clean report (all rows, in the caller's transaction); refuse anything else."""
    if not report.ok:
        raise ValueError("Tệp còn lỗi; chưa nhập dòng nào (fix the file first: all or nothing)")
    fields: dict[str, Field] = {}
    for row in report.rows:
        code = row.spec.field_code
        if code not in fields:
            fields[code] = get_or_create_field(session, unit_id, code, report.new_fields.get(code) or code)
        save_procedure(session, unit_id, row.spec, fields[code])
    return {"created": report.count("Thêm mới"), "updated": report.count("Cập nhật"),
            "fields": len(report.new_fields)}

"""``cchc onestop import FILE --unit CODE [--dry-run]``: the catalogue import from the command line.

The report is printed row by row; a file with any error imports nothing and exits with status 1.
"""
from __future__ import annotations

from pathlib import Path

import click

from core.toolkit import EnablementSnapshot, ServiceError, get_unit
from plugins.onestop import importer


@click.command("import", help="Nhập danh mục thủ tục từ tệp .xlsx hoặc .csv (tất cả hoặc không dòng nào).")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị nhận danh mục.")
@click.option("--dry-run", is_flag=True, help="Chỉ kiểm tra tệp và in báo cáo; không nhập gì.")
def import_command(file: Path, unit_code: str, dry_run: bool) -> None:
    state = click.get_current_context().find_root().obj.state
    data = file.read_bytes()
    with state.transaction() as session:
        try:
            unit = get_unit(session, unit_code)
        except ServiceError as exc:
            raise click.ClickException(str(exc)) from None
        if not EnablementSnapshot.of(session).units_with("onestop", [unit.id]):
            raise click.ClickException(f"Phân hệ Một cửa chưa được bật cho đơn vị {unit.code} (onestop is not enabled)")
        report = importer.preview(session, unit.id, file.name, data)
        for line in report.lines():
            click.echo(line)
        if not report.ok:
            raise click.ClickException("Tệp còn lỗi; chưa nhập dòng nào. Sửa các dòng trên rồi nhập lại.")
        if dry_run:
            click.echo("Chạy thử (--dry-run): tệp hợp lệ, chưa nhập gì.")
            return
        counts = importer.apply(session, unit.id, report)
    click.echo(f"Đã nhập vào đơn vị {unit_code}: thêm mới {counts['created']}, cập nhật {counts['updated']} thủ tục; "
               f"tạo {counts['fields']} lĩnh vực.")

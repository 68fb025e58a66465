"""``cchc units``: import the organisation tree from CSV."""
from __future__ import annotations

import click

from core.cli import cli, handle_errors, state_of
from core.services import ServiceError
from core.services.units import CSV_COLUMNS, import_units_csv


@cli.group(help="Đơn vị (organisational units).")
def units():
    pass


@units.command("import", help=f"Nhập đơn vị từ tệp CSV UTF-8 có các cột {', '.join(CSV_COLUMNS)}; "
                              "không nhập gì nếu có dòng lỗi (all or nothing).")
@click.argument("csv_file", type=click.Path(exists=True, dir_okay=False))
@click.pass_context
@handle_errors
def import_(ctx, csv_file):
    state = state_of(ctx)
    try:
        with open(csv_file, encoding="utf-8") as fh:
            text = fh.read()
    except UnicodeDecodeError:
        raise ServiceError("Tệp CSV phải mã hoá UTF-8 (the CSV file must be UTF-8)") from None
    with state.transaction() as session:
        report = import_units_csv(session, text)
    if report.errors:
        for error in report.errors:
            click.echo(error, err=True)
        raise click.ClickException(f"Không nhập đơn vị nào: {len(report.errors)} dòng lỗi (nothing imported).")
    click.echo(f"Đã nhập {len(report.created)} đơn vị (units imported).")

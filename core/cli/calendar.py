"""``cchc calendar``: due dates, days off, and the admin's overrides (swaps, extra days off)."""
from __future__ import annotations

from datetime import date

import click

from core.cli import cli, handle_errors, state_of
from core.scheduling.calendar_service import add_override, calendar_for, days_off, remove_override
from core.services.units import get_unit


class IsoDate(click.ParamType):
    name = "YYYY-MM-DD"

    def convert(self, value, param, ctx):
        if isinstance(value, date):
            return value
        try:
            return date.fromisoformat(value)
        except (TypeError, ValueError):
            self.fail(f"ngày {value!r} không đúng định dạng YYYY-MM-DD, ví dụ 2026-02-12 (bad date format)", param, ctx)


class NonNegativeInt(click.ParamType):
    name = "N"

    def convert(self, value, param, ctx):
        try:
            number = int(value)
        except (TypeError, ValueError):
            self.fail(f"{value!r} không phải số nguyên (not a whole number)", param, ctx)
        if number < 0:
            self.fail(f"số ngày phải không âm, nhận {number} (must not be negative)", param, ctx)
        return number


ISO_DATE, NON_NEGATIVE = IsoDate(), NonNegativeInt()


@cli.group(help="Lịch làm việc (working-day calendar).")
def calendar():
    pass


@calendar.command(help="In hạn xử lý (YYYY-MM-DD): N ngày làm việc sau ngày tiếp nhận (không tính ngày tiếp nhận).")
@click.option("--from", "start", type=ISO_DATE, required=True, help="Ngày tiếp nhận, YYYY-MM-DD.")
@click.option("--days", type=NON_NEGATIVE, required=True, help="Số ngày.")
@click.option("--calendar-days", is_flag=True, help="Tính theo ngày lịch thay vì ngày làm việc.")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị (giờ làm việc riêng, nếu có).")
@click.pass_context
@handle_errors
def due(ctx, start, days, calendar_days, unit_code):
    state = state_of(ctx)
    with state.transaction() as session:
        if unit_code:
            get_unit(session, unit_code)
        cal = calendar_for(session, state.settings).covering(start)
        result = cal.add_calendar_days(start, days) if calendar_days else cal.add_working_days(start, days)
    click.echo(result.isoformat())


@calendar.command(help="Liệt kê ngày nghỉ của một năm (lễ, Tết, nghỉ bù, hoán đổi, điều chỉnh).")
@click.option("--year", type=int, required=True)
@click.option("--lang", type=click.Choice(["vi", "en"]), default="vi", show_default=True, help="Ngôn ngữ tên ngày lễ.")
@click.pass_context
@handle_errors
def holidays(ctx, year, lang):
    state = state_of(ctx)
    with state.transaction() as session:
        rows = days_off(session, year, lang)
    for day, name in rows:
        click.echo(f"{day:%d/%m/%Y}  {name}")


@calendar.group(help="Điều chỉnh lịch: thêm ngày nghỉ hoặc ngày làm bù (overrides).")
def override():
    pass


@override.command("add", help="Thêm điều chỉnh cho một ngày.")
@click.argument("day", type=ISO_DATE)
@click.option("--working/--day-off", "is_working", required=True, help="Ngày làm bù hay ngày nghỉ.")
@click.option("--reason", required=True, help="Lý do, ví dụ số quyết định hoán đổi.")
@click.pass_context
@handle_errors
def override_add(ctx, day, is_working, reason):
    state = state_of(ctx)
    with state.transaction() as session:
        add_override(session, day, is_working, reason)
    click.echo(f"Đã thêm điều chỉnh ngày {day:%d/%m/%Y} (override added).")


@override.command("remove", help="Xoá điều chỉnh của một ngày.")
@click.argument("day", type=ISO_DATE)
@click.pass_context
@handle_errors
def override_remove(ctx, day):
    state = state_of(ctx)
    with state.transaction() as session:
        remove_override(session, day)
    click.echo(f"Đã xoá điều chỉnh ngày {day:%d/%m/%Y} (override removed).")

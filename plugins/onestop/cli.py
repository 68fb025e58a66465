"""``cchc onestop``: the one-stop counter's commands (registered through the ``register_cli`` hook)."""
from __future__ import annotations

import json
from functools import wraps

import click
from sqlalchemy import select

from core.toolkit import EnablementSnapshot, ServiceError, Unit, UnitTree, get_unit
from plugins.onestop.services import statistics
from plugins.onestop.services.periods import parse_day


def _state():
    # The root context object is the core's lazily built application state (``CliContext``).
    return click.get_current_context().find_root().obj.state


def _refusals(fn):
    """A refused input is a message and exit code 1, never a traceback."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except (ServiceError, ValueError) as exc:
            raise click.ClickException(str(exc)) from None
    return wrapper


class DayType(click.ParamType):
    name = "DATE"

    def convert(self, value, param, ctx):
        try:
            return parse_day(value, f"Tham số --{param.name if param else 'date'}")
        except ServiceError as exc:
            self.fail(f"{exc} (YYYY-MM-DD hoặc dd/mm/yyyy)", param, ctx)


@click.group(help="Một cửa: thống kê hồ sơ thủ tục hành chính (one-stop counter).")
def onestop():
    pass


def _units(session, code: str | None, subunits: bool) -> list[Unit]:
    if code:
        unit = get_unit(session, code)
        ids = UnitTree.load(session).subtree(unit.id) if subunits else {unit.id}
    else:
        ids = set(session.scalars(select(Unit.id)))
    enabled = set(EnablementSnapshot.of(session).units_with("onestop", ids))
    if code and not enabled:
        raise ServiceError(f"Phân hệ Một cửa chưa được bật cho đơn vị {code} (onestop is not enabled there)")
    return list(session.scalars(select(Unit).where(Unit.id.in_(enabled)).order_by(Unit.code)))


def summary_dict(row: statistics.StatRow, start, end, units: list[Unit]) -> dict:
    on_time = row.resolved_early + row.resolved_on_time
    rate = row.on_time_rate
    return {
        "from": start.isoformat(), "to": end.isoformat(), "units": [u.code for u in units],
        "received": row.received, "carried_over": row.carried_over, "received_online": row.received_online,
        "received_counter": row.received_counter,
        "resolved": row.resolved, "resolved_early": row.resolved_early, "resolved_on_time": row.resolved_on_time,
        "resolved_late": row.resolved_late, "on_time_or_early": on_time, "late": row.resolved_late,
        "pending": row.pending, "pending_within": row.pending_within, "pending_overdue": row.pending_overdue,
        "closed": row.closed,
        "on_time_rate": None if rate is None else round(rate, 4),
        "on_time_percent": None if rate is None else round(rate * 100, 1),
    }


@onestop.command("stats", help="Thống kê hồ sơ trong kỳ: tiếp nhận, đã giải quyết (trước hạn, đúng hạn, quá hạn), "
                               "đang giải quyết và tỷ lệ đúng hạn. Ngày dạng YYYY-MM-DD hoặc dd/mm/yyyy.")
@click.option("--from", "start", required=True, type=DayType(), help="Từ ngày.")
@click.option("--to", "end", required=True, type=DayType(), help="Đến ngày (tính cả ngày này).")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị (mặc định: mọi đơn vị đã bật Một cửa).")
@click.option("--subunits", is_flag=True, help="Gồm cả các đơn vị trực thuộc của --unit.")
@click.option("--json", "as_json", is_flag=True, help="In kết quả dạng JSON (machine-readable).")
@_refusals
def stats(start, end, unit_code, subunits, as_json):
    if end < start:
        raise ServiceError("--to phải sau hoặc bằng --from (end before start)")
    with _state().transaction() as session:
        units = _units(session, unit_code, subunits)
        row = statistics.total(statistics.compute(session, start, end, [u.id for u in units], by=()))
        data = summary_dict(row, start, end, units)
    if as_json:
        click.echo(json.dumps(data, ensure_ascii=False))
        return
    rate = "–" if data["on_time_percent"] is None else f"{data['on_time_percent']:g}%"
    scope = ", ".join(data["units"]) or "(không có đơn vị nào bật Một cửa)"
    click.echo(f"Thống kê một cửa từ {start:%d/%m/%Y} đến {end:%d/%m/%Y} – đơn vị: {scope}")
    click.echo(f"  Tiếp nhận:               {row.received} (kỳ trước chuyển sang {row.carried_over}, "
               f"trực tuyến {row.received_online}, trực tiếp/bưu chính {row.received_counter})")
    click.echo(f"  Đã giải quyết:           {row.resolved} (trước hạn {row.resolved_early}, "
               f"đúng hạn {row.resolved_on_time}, quá hạn {row.resolved_late})")
    click.echo(f"  Đúng hạn hoặc trước hạn: {data['on_time_or_early']}")
    click.echo(f"  Quá hạn:                 {row.resolved_late}")
    click.echo(f"  Đang giải quyết:         {row.pending} (trong hạn {row.pending_within}, "
               f"quá hạn {row.pending_overdue})")
    click.echo(f"  Tỷ lệ đúng hạn:          {rate}")


from plugins.onestop.cli_import import import_command  # noqa: E402  (``cchc onestop import``, its own module)
onestop.add_command(import_command)

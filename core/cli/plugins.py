"""``cchc plugins``: list installed plugins, enable and disable them per unit."""
from __future__ import annotations

import json
import sys

import click

from core.cli import cli, handle_errors, state_of
from core.services.enablement import disable_plugin, enable_plugin, enabled_units, missing_dependencies
from core.services.units import get_unit


@cli.group(help="Phân hệ (plugins): liệt kê, bật, tắt theo đơn vị.")
def plugins():
    pass


@plugins.command("list", help="Liệt kê phân hệ: tên, phiên bản, hook, đơn vị đang bật.")
@click.option("--json", "as_json", is_flag=True, help="In dạng JSON.")
@click.pass_context
@handle_errors
def list_plugins(ctx, as_json):
    state = state_of(ctx)
    with state.transaction() as session:
        rows = [{
            "name": m.name, "version": m.version, "label": m.label, "depends": list(m.depends),
            "hooks": state.registry.hooks_implemented(m.name),
            "units": [u.code for u in enabled_units(session, m.name)],
        } for m in state.registry.manifests]
    if as_json:
        click.echo(json.dumps(rows, ensure_ascii=False, indent=2))
        return
    if not rows:
        click.echo("Chưa cài phân hệ nào (no plugins installed).")
    for row in rows:
        click.echo(f"{row['name']} {row['version']} – {row['label']}")
        click.echo(f"  hooks: {', '.join(row['hooks']) or '-'}")
        click.echo(f"  units: {', '.join(row['units']) or '-'}")


@plugins.command(help="Bật phân hệ NAME cho một đơn vị (enable a plugin for a unit).")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị.")
@click.option("--with-subunits", is_flag=True, help="Bật cho cả các đơn vị cấp dưới.")
@click.option("--with-dependencies", is_flag=True, help="Bật luôn các phân hệ phụ thuộc còn thiếu.")
@click.pass_context
@handle_errors
def enable(ctx, name, unit_code, with_subunits, with_dependencies):
    state = state_of(ctx)
    with state.transaction() as session:
        unit = get_unit(session, unit_code)
        state.registry.get(name)
        missing = missing_dependencies(session, state.registry, name, unit)
        if missing and not with_dependencies and sys.stdin.isatty():
            with_dependencies = click.confirm(f"{name} cần {', '.join(missing)}; bật luôn các phân hệ này?", default=True)
        done = enable_plugin(session, state.registry, name, unit, with_subunits, with_dependencies)
    for plugin, code in done:
        click.echo(f"Đã bật {plugin} cho {code} (enabled).")
    if not done:
        click.echo(f"{name} đã được bật cho {unit_code} từ trước (already enabled).")


@plugins.command(help="Tắt phân hệ NAME cho một đơn vị; dữ liệu được giữ lại (data is kept).")
@click.argument("name")
@click.option("--unit", "unit_code", required=True, help="Mã đơn vị.")
@click.pass_context
@handle_errors
def disable(ctx, name, unit_code):
    state = state_of(ctx)
    with state.transaction() as session:
        changed = disable_plugin(session, state.registry, name, get_unit(session, unit_code))
    click.echo(f"Đã tắt {name} cho {unit_code} (disabled)." if changed else f"{name} chưa bật cho {unit_code} (not enabled).")

"""``cchc demo``: the demo organisation and every plugin's demo data (idempotent)."""
from __future__ import annotations

import click

from core.cli import cli, handle_errors, state_of
from core.services.demo import build_demo


@cli.command(help="Tạo tổ chức mẫu: Văn phòng UBND tỉnh, 11 đơn vị trực thuộc, mỗi vai trò một người dùng.")
@click.pass_context
@handle_errors
def demo(ctx):
    state = state_of(ctx)
    with state.transaction() as session:
        result = build_demo(session, state.registry)
    click.echo(f"Tổ chức mẫu: {len(result.units)} đơn vị (demo organisation ready).")
    if result.password:
        click.echo("Tài khoản mẫu (demo logins) – mật khẩu chỉ in một lần / password shown once:")
        for username, role in result.created_users:
            click.echo(f"  {username:<28} {role}")
        click.echo(f"  mật khẩu / password: {result.password}")
    else:
        click.echo("Người dùng mẫu đã có từ trước; dùng 'cchc users reset-password admin' nếu quên mật khẩu.")

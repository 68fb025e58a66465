"""``cchc users``: create users and reset passwords."""
from __future__ import annotations

import os

import click

from core.cli import cli, handle_errors, state_of
from core.services.units import get_unit
from core.services.users import create_user, get_user, grant, set_password


def ask_password(env_var: str | None = None) -> str:
    if env_var and os.environ.get(env_var):
        return os.environ[env_var]
    return click.prompt("Mật khẩu (password)", hide_input=True, confirmation_prompt=True)


@cli.group(help="Người dùng (users).")
def users():
    pass


@users.command("create", help="Tạo người dùng; mật khẩu được hỏi (hoặc lấy từ CCHC_USER_PASSWORD).")
@click.argument("username")
@click.option("--full-name", default="", help="Họ và tên.")
@click.option("--email", default=None, help="Thư điện tử.")
@click.option("--unit", "unit_code", default=None, help="Mã đơn vị để gán vai trò.")
@click.option("--role", "role_code", default=None, help="Mã vai trò, ví dụ core.admin.")
@click.option("--with-subunits", is_flag=True, help="Vai trò có hiệu lực cả ở đơn vị cấp dưới.")
@click.pass_context
@handle_errors
def create(ctx, username, full_name, email, unit_code, role_code, with_subunits):
    if bool(unit_code) != bool(role_code):
        raise click.UsageError("--unit và --role phải đi cùng nhau (give both --unit and --role).")
    state = state_of(ctx)
    password = ask_password("CCHC_USER_PASSWORD")
    with state.transaction() as session:
        user = create_user(session, username, password, full_name, email,
                           min_length=state.settings["security.min_password_length"])
        if unit_code:
            grant(session, user, get_unit(session, unit_code), role_code, with_subunits)
    click.echo(f"Đã tạo người dùng {username} (user created).")


@users.command("reset-password", help="Đặt lại mật khẩu và mở khoá tài khoản.")
@click.argument("username")
@click.pass_context
@handle_errors
def reset_password(ctx, username):
    state = state_of(ctx)
    with state.transaction() as session:
        user = get_user(session, username)
        set_password(session, user, ask_password("CCHC_USER_PASSWORD"), state.settings["security.min_password_length"])
    click.echo(f"Đã đặt lại mật khẩu cho {username} (password reset).")

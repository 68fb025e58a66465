"""``cchc init``: create the database, migrate, and create the first administrator."""
from __future__ import annotations

import click
from sqlalchemy import select

from core import migrate
from core.cli import cli, handle_errors, state_of
from core.cli.users import ask_password
from core.models import Unit, User
from core.services.units import create_unit
from core.services.users import create_user, grant


@cli.command(help="Khởi tạo: tạo CSDL, chạy migration, tạo quản trị viên đầu tiên "
                  "(mật khẩu được hỏi, hoặc lấy từ CCHC_ADMIN_PASSWORD).")
@click.option("--username", default="admin", show_default=True)
@click.option("--unit-code", default="ROOT", show_default=True, help="Mã đơn vị gốc nếu CSDL chưa có đơn vị nào.")
@click.option("--unit-name", default="Văn phòng Ủy ban nhân dân tỉnh", show_default=True)
@click.pass_context
@handle_errors
def init(ctx, username, unit_code, unit_name):
    state = state_of(ctx)
    migrate.upgrade(state.db, state.registry)
    with state.transaction() as session:
        if session.scalar(select(User.id).where(User.username == username)) is not None:
            click.echo(f"Người dùng {username} đã tồn tại; không thay đổi gì (already initialised).")
            return
        root = session.scalar(select(Unit).where(Unit.parent_id.is_(None)).order_by(Unit.id))
        root = root or create_unit(session, unit_code, unit_name, "office")
        user = create_user(session, username, ask_password("CCHC_ADMIN_PASSWORD"), full_name="Quản trị hệ thống",
                           min_length=state.settings["security.min_password_length"])
        grant(session, user, root, "core.admin", include_subunits=True)
    click.echo(f"Đã khởi tạo; đăng nhập bằng {username} (initialised).")

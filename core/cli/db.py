"""``cchc db``: migrations (the core's branch and one per plugin)."""
from __future__ import annotations

import click

from core import migrate
from core.cli import cli, handle_errors, state_of


@cli.group(help="Lược đồ cơ sở dữ liệu (database schema migrations).")
def db():
    pass


@db.command(help="Chạy mọi nhánh migration tới bản mới nhất (upgrade every branch to its head).")
@click.pass_context
@handle_errors
def upgrade(ctx):
    state = state_of(ctx)
    migrate.upgrade(state.db, state.registry)
    click.echo("Đã cập nhật lược đồ cơ sở dữ liệu (database upgraded).")


@db.command(help="Phiên bản migration hiện tại của từng nhánh (current revision per branch).")
@click.pass_context
@handle_errors
def current(ctx):
    state = state_of(ctx)
    for branch, revision in migrate.current_heads(state.db, state.registry).items():
        click.echo(f"{branch}: {revision or '(chưa cài / not installed)'}")


@db.command(help="Hạ cấp tới TARGET; 'PLUGIN@base' xoá toàn bộ bảng của phân hệ đó (purges its tables).")
@click.argument("target")
@click.option("--yes", is_flag=True, help="Xác nhận thao tác không thể hoàn tác (confirm the irreversible purge).")
@click.pass_context
@handle_errors
def downgrade(ctx, target, yes):
    if not yes:
        raise click.ClickException(
            f"Hạ cấp {target} sẽ xoá dữ liệu và không thể hoàn tác; thêm --yes để xác nhận (add --yes to confirm)."
        )
    state = state_of(ctx)
    migrate.downgrade(state.db, state.registry, target)
    click.echo(f"Đã hạ cấp tới {target} (downgraded).")

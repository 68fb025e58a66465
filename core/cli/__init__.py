"""The ``cchc`` command line. Every command has ``--help``; errors are messages, never tracebacks."""
from __future__ import annotations

import sys
from functools import wraps

import click

from core.manifest import PluginError
from core.services import ServiceError
from core.settings import SettingsError, load_settings

EXPECTED_ERRORS = (ServiceError, SettingsError, PluginError)


class CliContext:
    """Builds the application state on first use so that ``--help`` works without a database."""

    def __init__(self, settings=None, plugin_modules=None):
        self._settings, self._plugin_modules, self._state = settings, plugin_modules, None

    @property
    def state(self):
        if self._state is None:
            from core.plugins import PluginRegistry
            from core.state import CoreState
            settings = self._settings or load_settings()
            registry = PluginRegistry(self._plugin_modules) if self._plugin_modules is not None else None
            self._state = CoreState.build(settings, registry)
        return self._state

    def close(self):
        if self._state is not None:
            self._state.db.dispose()


def handle_errors(fn):
    """Turn expected failures (bad input, refused actions) into a message and exit code 1."""
    @wraps(fn)
    def wrapper(*args, **kwargs):
        try:
            return fn(*args, **kwargs)
        except EXPECTED_ERRORS as exc:
            raise click.ClickException(str(exc)) from None
        except Exception as exc:
            from sqlalchemy.exc import OperationalError
            if isinstance(exc, OperationalError):
                raise click.ClickException(f"Không kết nối hoặc truy vấn được cơ sở dữ liệu: {exc.orig}") from None
            raise
    return wrapper


def state_of(ctx: click.Context):
    return ctx.find_object(CliContext).state


@click.group(help="CCHC Suite: quản lý cải cách hành chính (administrative reform office suite).")
@click.pass_context
def cli(ctx: click.Context):
    obj = ctx.obj
    if not isinstance(obj, CliContext):
        obj = obj or {}
        ctx.obj = CliContext(obj.get("settings"), obj.get("plugin_modules"))
    ctx.call_on_close(ctx.obj.close)


def _register_commands() -> None:
    from core.cli import calendar, db, demo, jobs, plans, plugins, serve, setup, units, users  # noqa: F401  (commands attach themselves)


def main(argv: list[str] | None = None) -> None:
    try:
        ctx_obj = CliContext()
        registry = ctx_obj.state.registry if _needs_plugins(argv) else None
        if registry is not None:
            registry.call_each("register_cli", cli=cli)
    except EXPECTED_ERRORS as exc:
        click.echo(f"Lỗi: {exc}", err=True)
        sys.exit(1)
    cli.main(args=argv, obj=ctx_obj, prog_name="cchc")


def _needs_plugins(argv: list[str] | None) -> bool:
    """Plugin commands are loaded unless the call is only for help on core commands."""
    args = sys.argv[1:] if argv is None else argv
    if not args or args[0] in ("--help", "-h"):
        return False
    return not (args[0] in CORE_COMMANDS and "--help" in args)


_register_commands()
CORE_COMMANDS = frozenset(cli.commands)

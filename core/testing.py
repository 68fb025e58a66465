"""Pytest plugin for CCHC Suite and its plugin authors (registered under ``pytest11``).

Run a suite on either database with ``--db sqlite`` (default) or ``--db postgresql``
(``--pg-url``, default ``postgresql://postgres@127.0.0.1:5432/test``). Fixtures:

- ``cchc_plugins``: the plugin modules the app loads; set with ``@pytest.mark.cchc_plugins(module, ...)``.
- ``make_app(plugins=None, **config)``: an application on a freshly migrated, empty database.
- ``app``, ``db_session``, ``state``: the default application, a prepared session, its ``CoreState``.
- ``unit_factory``, ``user_factory``: create units (optionally with plugins enabled) and users with roles.
- ``client``: an HTTP client that adds the CSRF token to form posts; ``login(user)`` logs one in;
  ``client_for(role, unit)`` is a logged-in client of a new user holding ``role`` in ``unit``.
- ``cli``: run ``cchc`` commands in-process against the same database.
"""
from __future__ import annotations

import hashlib
import itertools
import os
import re
import shutil
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest
from flask.testing import FlaskClient
from sqlalchemy import create_engine, text

from core import migrate
from core.app import create_app
from core.plugins import PluginRegistry
from core.settings import load_settings
from core.state import CoreState

DEFAULT_PG_URL = "postgresql://postgres@127.0.0.1:5432/test"
TEST_PASSWORD = "Matkhau#2026"
_CSRF_RE = re.compile(r'name="csrf_token"[^>]*value="([^"]+)"')


def pytest_addoption(parser):
    group = parser.getgroup("cchc")
    group.addoption("--db", default=os.environ.get("CCHC_TEST_DB", "sqlite"), choices=("sqlite", "postgresql"),
                    help="database the CCHC tests run on")
    group.addoption("--pg-url", default=os.environ.get("CCHC_TEST_PG_URL", DEFAULT_PG_URL),
                    help="PostgreSQL server for --db postgresql")


def test_settings(url: str, **sections: dict[str, Any]):
    overrides = {"app": {"secret_key": "test-secret"}, "database": {"url": url}}
    for name, values in sections.items():
        overrides.setdefault(name, {}).update(values)
    return load_settings(environ={}, overrides=overrides)


test_settings.__test__ = False  # a helper, not a test, wherever it is imported


class TemplateDatabases:
    """One migrated database per plugin set, copied (SQLite) or truncated (PostgreSQL) per test."""

    def __init__(self, backend: str, pg_url: str, workdir: Path):
        self.backend, self.pg_url, self.workdir = backend, pg_url, workdir
        self.templates: dict[str, str] = {}
        self.counter = itertools.count()
        self.schemas: list[str] = []
        if backend == "postgresql":
            self._check_server()

    def _check_server(self) -> None:
        try:
            with create_engine(migrate_url(self.pg_url)).connect() as conn:
                conn.execute(text("select 1"))
        except Exception as exc:  # CI must fail, not skip, when PostgreSQL is missing
            raise pytest.UsageError(f"PostgreSQL is unreachable at {self.pg_url}: {exc}") from None

    def url_for(self, modules: list[ModuleType]) -> str:
        key = hashlib.sha1(",".join(sorted(m.__name__ for m in modules)).encode()).hexdigest()[:10]
        if key not in self.templates:
            self.templates[key] = self._build(key, modules)
        if self.backend == "sqlite":
            target = self.workdir / f"test-{next(self.counter)}.sqlite3"
            shutil.copyfile(self.templates[key], target)
            return f"sqlite:///{target}"
        url = self.templates[key]
        self._reset_pg(url, modules)
        return url

    def _build(self, key: str, modules: list[ModuleType]) -> str:
        if self.backend == "sqlite":
            path = self.workdir / f"template-{key}.sqlite3"
            url = f"sqlite:///{path}"
        else:
            schema = f"t{os.getpid()}_{key}"
            self.schemas.append(schema)
            with create_engine(migrate_url(self.pg_url), isolation_level="AUTOCOMMIT").connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
                conn.execute(text(f'CREATE SCHEMA "{schema}"'))
            url = with_search_path(self.pg_url, schema)
        state = CoreState.build(test_settings(url), PluginRegistry(modules))
        migrate.upgrade(state.db, state.registry)
        state.db.dispose()  # closing the last SQLite connection checkpoints the WAL into the file
        return str(path) if self.backend == "sqlite" else url

    def _reset_pg(self, url: str, modules: list[ModuleType]) -> None:
        state = CoreState.build(test_settings(url), PluginRegistry(modules))
        with state.db.engine.begin() as conn:
            tables = list(conn.execute(text(
                "select tablename from pg_tables where schemaname = current_schema() and tablename <> 'alembic_version'"
            )).scalars())
            sequences = list(conn.execute(text(
                "select sequencename from pg_sequences where schemaname = current_schema()")).scalars())
            # Replica mode skips user triggers (the audit log's append-only guard, foreign keys) for the
            # reset only; DELETE on small tables is far cheaper than TRUNCATE, which rewrites files.
            statements = ["SET LOCAL session_replication_role = replica"]
            statements += [f'DELETE FROM "{t}"' for t in tables]
            statements += [f"SELECT setval('\"{q}\"', 1, false)" for q in sequences]
            conn.exec_driver_sql(";".join(statements))
        migrate.record_installed(state.db, state.registry)  # re-seeds permissions, roles and plugin states
        state.db.dispose()

    def close(self) -> None:
        if self.backend == "postgresql" and self.schemas:
            with create_engine(migrate_url(self.pg_url), isolation_level="AUTOCOMMIT").connect() as conn:
                for schema in self.schemas:
                    conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))


def migrate_url(url: str) -> str:
    from core.db import normalise_url
    return normalise_url(url)


def with_search_path(url: str, schema: str) -> str:
    sep = "&" if "?" in url else "?"
    return f"{url}{sep}options=-csearch_path%3D{schema}"


class CchcClient(FlaskClient):
    """A test client that sends the CSRF token with every form post, as a browser would."""

    _token: str | None = None

    def csrf_token(self) -> str:
        if self._token is None:
            page = super().get("/login").get_data(as_text=True)
            match = _CSRF_RE.search(page)
            assert match, "the login page has no CSRF token"
            self._token = match.group(1)
        return self._token

    def post(self, *args, csrf: bool = True, **kwargs):
        if csrf and "json" not in kwargs:
            data = dict(kwargs.pop("data", None) or {})
            data.setdefault("csrf_token", self.csrf_token())
            kwargs["data"] = data
        return super().post(*args, **kwargs)


@pytest.fixture(scope="session")
def cchc_databases(request, tmp_path_factory):
    backend = request.config.getoption("--db")
    dbs = TemplateDatabases(backend, request.config.getoption("--pg-url"), tmp_path_factory.mktemp("cchc-db"))
    yield dbs
    dbs.close()


def pytest_configure(config):
    from core.services import users
    users.PASSWORD_METHOD = "pbkdf2:sha256:1000"  # hashing cost is not what tests measure
    config.addinivalue_line("markers", "cchc_plugins(*modules): plugin modules the app fixture loads")


@pytest.fixture
def cchc_plugins(request) -> list[ModuleType]:
    """The plugin modules the ``app`` fixture loads: ``@pytest.mark.cchc_plugins(my_plugin)``, or override."""
    marker = request.node.get_closest_marker("cchc_plugins")
    return list(marker.args) if marker else []


class CurrentApp:
    """The application that the factories and ``state`` act on: the one ``make_app`` built last."""

    app = None

    @property
    def state(self) -> CoreState:
        return self.app.extensions["cchc"]


class _StateProxy:
    def __init__(self, current: CurrentApp):
        self._current = current

    def __getattr__(self, name):
        return getattr(self._current.state, name)


@pytest.fixture
def cchc_current() -> CurrentApp:
    return CurrentApp()


@pytest.fixture
def make_app(cchc_databases, cchc_plugins, cchc_current):
    built = []

    def factory(plugins: list[ModuleType] | None = None, settings_sections: dict | None = None, **config):
        modules = cchc_plugins if plugins is None else plugins
        url = cchc_databases.url_for(modules)
        app = create_app(test_settings(url, **(settings_sections or {})), plugin_modules=modules, TESTING=True, **config)
        app.test_client_class = CchcClient
        built.append(app)
        cchc_current.app = app
        return app

    yield factory
    for app in built:
        app.extensions["cchc"].db.dispose()


@pytest.fixture
def app(make_app, cchc_current):
    return cchc_current.app or make_app()


@pytest.fixture
def state(app, cchc_current) -> CoreState:
    """The current application's ``CoreState`` (follows a later ``make_app``)."""
    return _StateProxy(cchc_current)  # type: ignore[return-value]


@pytest.fixture
def db_session(app, state):
    with app.app_context():  # a later make_app does not move this session
        session = state.prepare(state.db.session())
        yield session
        session.rollback()


@pytest.fixture
def unit_factory(state):
    from core.services.enablement import enable_plugin
    from core.services.units import create_unit
    counter = itertools.count(1)

    def factory(code: str | None = None, name: str | None = None, parent=None, kind: str = "department",
                plugins: tuple[str, ...] = ()):
        code = code or f"U{next(counter):03d}"
        with state.transaction() as session:
            parent_obj = session.merge(parent) if parent is not None else None
            unit = create_unit(session, code, name or f"Đơn vị {code}", kind, parent_obj)
            for plugin in plugins:
                enable_plugin(session, state.registry, plugin, unit, with_dependencies=True)
        return unit

    return factory


@pytest.fixture
def user_factory(state):
    from core.services.users import create_user, grant
    counter = itertools.count(1)

    def factory(username: str | None = None, password: str = TEST_PASSWORD, roles=(), **fields):
        """``roles`` holds (unit, role_code) or (unit, role_code, include_subunits) tuples."""
        username = username or f"user{next(counter)}"
        with state.transaction() as session:
            user = create_user(session, username, password, full_name=fields.pop("full_name", username.title()), **fields)
            for unit, role, *sub in roles:
                grant(session, user, session.merge(unit), role, include_subunits=bool(sub and sub[0]))
        return user

    return factory


@pytest.fixture
def client(app) -> CchcClient:
    return app.test_client()


@pytest.fixture
def login(app, cchc_current):
    def do_login(user, password: str = TEST_PASSWORD) -> CchcClient:
        client = cchc_current.app.test_client()
        response = client.post("/login", data={"username": user.username, "password": password})
        assert response.status_code == 302, f"login of {user.username} failed: {response.status_code}"
        return client

    return do_login


@pytest.fixture
def client_for(user_factory, login):
    def factory(role: str, unit, include_subunits: bool = False, **fields) -> CchcClient:
        return login(user_factory(roles=[(unit, role, include_subunits)], **fields))

    return factory


@pytest.fixture
def cli(app, cchc_current):
    """Run ``cchc`` in-process, plugin commands included: ``cli("plugins", "list")`` returns click's ``Result``."""
    from click.testing import CliRunner

    from core.cli import cli as root

    runner = CliRunner()
    before = set(root.commands)

    def run(*args: str, input: str | None = None, env: dict[str, str] | None = None):
        state = cchc_current.state
        state.registry.call_each("register_cli", cli=root)  # as ``core.cli.main`` does for the real ``cchc``
        return runner.invoke(root, list(args), input=input, env=env,
                             obj={"settings": state.settings, "plugin_modules": state.registry.modules})

    yield run
    for name in set(root.commands) - before:  # register_cli adds to the process-wide group
        del root.commands[name]

"""A third-party plugin built in a temporary directory and installed with pip, like any other.

It is discovered through the ``cchc.plugins`` entry point, listed, migrated by ``cchc db upgrade``,
enabled for one unit and visible there only; ``cchc db downgrade NAME@base --yes`` purges it.
Its names carry the process id, so that test runs sharing the virtualenv do not uninstall each
other's copy; copies left behind by a killed run are removed.
"""
import importlib
import importlib.metadata
import itertools
import json
import os
import re
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest
from sqlalchemy import create_engine, inspect, select, text

from core.app import create_app
from core.db import normalise_url
from core.models import Unit, User
from core.plugins import dispatch_for_units
from core.services.units import create_unit
from core.services.users import create_user, grant
from core.testing import TEST_PASSWORD, CchcClient, with_search_path
from core.testing import test_settings as settings_for

NAME, DIST = f"pipdemo_{os.getpid()}", f"cchc-pipdemo-{os.getpid()}"
TABLE = f"{NAME}_note"
VIEW_URL, CARD_HINT = f"/admin/{NAME}_notes/", f"{NAME}-card"
SOURCES = {
    "pyproject.toml": f"""
        [build-system]
        requires = ["setuptools>=70.1"]
        build-backend = "setuptools.build_meta"

        [project]
        name = "{DIST}"
        version = "0.3.0"
        requires-python = ">=3.11"

        [project.entry-points."cchc.plugins"]
        {NAME} = "{NAME}"

        [tool.setuptools.packages.find]
        include = ["{NAME}*"]
        """,
    f"{NAME}/__init__.py": f"""
        MANIFEST = {{
            "name": "{NAME}", "version": "0.3.0", "label": "Ghi chú (pip)",
            "permissions": {{"{NAME}.notes.read": "Xem ghi chú"}},
            "roles": {{"{NAME}.reader": {{"label": "Người đọc ghi chú", "permissions": ["{NAME}.notes.read"]}}}},
        }}
        """,
    f"{NAME}/models.py": f"""
        from sqlalchemy import ForeignKey, String
        from sqlalchemy.orm import Mapped, mapped_column
        from core.toolkit import Audited, Base

        class PipdemoNote(Audited, Base):
            __tablename__ = "{TABLE}"
            id: Mapped[int] = mapped_column(primary_key=True)
            unit_id: Mapped[int] = mapped_column(ForeignKey("core_unit.id"), index=True)
            text: Mapped[str] = mapped_column(String(200))
        """,
    f"{NAME}/plugin.py": f"""
        from sqlalchemy import func, select
        from core.toolkit import DashboardCard, ScopedModelView, hookimpl
        from .models import PipdemoNote

        class NoteView(ScopedModelView):
            permission = "{NAME}.notes.read"
            column_list = ("text", "unit_id")

        @hookimpl
        def register_admin_views(session):
            return [NoteView(PipdemoNote, session, name="Ghi chú", endpoint="{NAME}_notes")]

        @hookimpl
        def dashboard_cards(session, user, units):
            ids = [u.id for u in units]
            count = session.scalar(select(func.count(PipdemoNote.id)).where(PipdemoNote.unit_id.in_(ids)))
            return [DashboardCard(title="Ghi chú", value=count, hint="{CARD_HINT}")]
        """,
    f"{NAME}/migrations/versions/{NAME}_0001_notes.py": f"""
        import sqlalchemy as sa
        from alembic import op

        revision = "{NAME}_0001"
        down_revision = None
        branch_labels = ("{NAME}",)
        depends_on = "core_0001"

        def upgrade():
            op.create_table(
                "{TABLE}",
                sa.Column("id", sa.Integer(), primary_key=True),
                sa.Column("unit_id", sa.Integer(), sa.ForeignKey("core_unit.id", name="fk_{TABLE}_unit_id_core_unit"),
                          nullable=False, index=True),
                sa.Column("text", sa.String(200), nullable=False),
            )

        def downgrade():
            op.drop_table("{TABLE}")
        """,
}
PIP = [sys.executable, "-m", "pip", "--disable-pip-version-check"]
_console_script = Path(sys.executable).with_name("cchc")
CCHC = [str(_console_script)] if _console_script.exists() else [sys.executable, "-c", "from core.cli import main; main()"]
_schemas = itertools.count()


def _forget_modules() -> None:
    for module in [m for m in sys.modules if m == NAME or m.startswith(NAME + ".")]:
        del sys.modules[module]
    from core.models.base import Base
    if TABLE in Base.metadata.tables:
        Base.metadata.remove(Base.metadata.tables[TABLE])
    importlib.invalidate_caches()


def _remove_stale_copies() -> None:
    """Uninstall copies of this test plugin whose test run is gone (killed before its teardown)."""
    for dist in importlib.metadata.distributions():
        found = re.fullmatch(r"cchc-pipdemo-(\d+)", dist.metadata["Name"] or "")
        if found and int(found.group(1)) != os.getpid():
            try:
                os.kill(int(found.group(1)), 0)
            except ProcessLookupError:
                subprocess.run([*PIP, "uninstall", "-y", found.group(0)], capture_output=True)
            except PermissionError:
                pass  # alive, owned by someone else


@pytest.fixture(scope="module")
def installed(tmp_path_factory):
    """Build the package and pip-install it (offline); always uninstall afterwards."""
    source = tmp_path_factory.mktemp("pip-plugin")
    for relative, content in SOURCES.items():
        path = source / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(content).lstrip(), encoding="utf-8")
    _remove_stale_copies()
    try:
        done = subprocess.run([*PIP, "install", "--no-build-isolation", "--no-deps", "--no-index", str(source)],
                              capture_output=True, text=True, timeout=300)
        assert done.returncode == 0, (
            "pip could not install the plugin offline (the venv needs setuptools >= 70.1, which builds "
            f"wheels itself):\n{done.stdout}\n{done.stderr}")
        importlib.invalidate_caches()
        yield source
    finally:
        removed = subprocess.run([*PIP, "uninstall", "-y", DIST], capture_output=True, text=True)
        _forget_modules()
        assert removed.returncode == 0, removed.stderr


@pytest.fixture
def database(request, tmp_path):
    """A fresh, empty database: a SQLite file, or a new PostgreSQL schema."""
    if request.config.getoption("--db") == "sqlite":
        yield f"sqlite:///{tmp_path / 'pip.sqlite3'}"
        return
    server = request.config.getoption("--pg-url")
    schema = f"pip_{os.getpid()}_{next(_schemas)}"
    admin = create_engine(normalise_url(server), isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    try:
        yield with_search_path(server, schema)
    finally:
        with admin.connect() as conn:
            conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def cchc(database, tmp_path):
    """Run the installed ``cchc`` console script in a fresh process against ``database``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env.update(CCHC_SECRET_KEY="pip-test-secret", CCHC_DATABASE_URL=database, CCHC_ADMIN_PASSWORD=TEST_PASSWORD)

    def run(*args: str) -> subprocess.CompletedProcess:
        return subprocess.run([*CCHC, *args], env=env, cwd=tmp_path, capture_output=True, text=True, timeout=300)

    return run


def ok(result: subprocess.CompletedProcess) -> str:
    assert result.returncode == 0, f"{result.args}: {result.stdout}\n{result.stderr}"
    assert "Traceback" not in result.stderr
    return result.stdout


def has_table(url: str, table: str) -> bool:
    engine = create_engine(normalise_url(url))
    try:
        return inspect(engine).has_table(table)
    finally:
        engine.dispose()


def listed(cchc) -> dict:
    return {row["name"]: row for row in json.loads(ok(cchc("plugins", "list", "--json")))}


def branch_line(output: str) -> str:
    return next(line for line in output.splitlines() if line.startswith(f"{NAME}:"))


def login(app, username: str) -> CchcClient:
    client = app.test_client()
    assert client.post("/login", data={"username": username, "password": TEST_PASSWORD}).status_code == 302
    return client


def test_pip_installed_plugin_is_discovered_migrated_enabled_and_visible_there_only(installed, database, cchc):
    assert "not installed" in branch_line(ok(cchc("db", "current")))  # discovered, not yet migrated
    assert not has_table(database, TABLE)
    ok(cchc("db", "upgrade"))
    assert has_table(database, TABLE)
    row = listed(cchc)[NAME]
    assert (row["version"], row["hooks"], row["units"]) == ("0.3.0", ["dashboard_cards", "register_admin_views"], [])

    app = create_app(settings_for(database), TESTING=True)  # entry-point discovery, as in production
    app.test_client_class = CchcClient
    state = app.extensions["cchc"]
    try:
        assert NAME in state.registry.plugins
        note = sys.modules[f"{NAME}.models"].PipdemoNote
        with state.transaction() as s:
            for code, notes in (("PIP-A", 1), ("PIP-B", 2)):
                unit = create_unit(s, code, f"Đơn vị {code}")
                s.add_all(note(unit_id=unit.id, text=f"ghi chú {code} {i}") for i in range(notes))
                grant(s, create_user(s, f"reader-{code.lower()}", TEST_PASSWORD), unit, f"{NAME}.reader")
        assert "PIP-A" in ok(cchc("plugins", "enable", NAME, "--unit", "PIP-A"))
        assert listed(cchc)[NAME]["units"] == ["PIP-A"]

        in_a, in_b = login(app, "reader-pip-a"), login(app, "reader-pip-b")
        home_a, home_b = (c.get("/admin/").get_data(as_text=True) for c in (in_a, in_b))
        assert f'href="{VIEW_URL}"' in home_a and CARD_HINT in home_a
        assert f'href="{VIEW_URL}"' not in home_b and CARD_HINT not in home_b
        listing = in_a.get(VIEW_URL)
        assert listing.status_code == 200
        assert "ghi chú PIP-A 0" in listing.get_data(as_text=True)
        assert "ghi chú PIP-B" not in listing.get_data(as_text=True)
        assert in_b.get(VIEW_URL).status_code == 404
        with state.transaction() as s:
            units = list(s.scalars(select(Unit).where(Unit.code.in_(["PIP-A", "PIP-B"]))))
            reader = s.scalar(select(User).where(User.username == "reader-pip-a"))
            cards = dispatch_for_units(s, "dashboard_cards", units, user=reader)
        assert [(c.hint, c.value) for c in cards] == [(CARD_HINT, 1)]  # PIP-A's one note, not PIP-B's two
    finally:
        state.db.dispose()


def test_pip_installed_plugin_purge_needs_confirmation_and_drops_its_table(installed, database, cchc):
    ok(cchc("init"))  # migrates and creates the root unit ROOT
    ok(cchc("plugins", "enable", NAME, "--unit", "ROOT"))
    assert has_table(database, TABLE)

    refused = cchc("db", "downgrade", f"{NAME}@base")
    assert refused.returncode != 0
    assert "--yes" in refused.stderr + refused.stdout and "Traceback" not in refused.stderr
    assert has_table(database, TABLE) and listed(cchc)[NAME]["units"] == ["ROOT"]

    ok(cchc("db", "downgrade", f"{NAME}@base", "--yes"))
    assert not has_table(database, TABLE)
    assert has_table(database, "core_unit")  # the core's tables stay
    assert listed(cchc)[NAME]["units"] == []  # its enablement went with its data
    again = cchc("plugins", "enable", NAME, "--unit", "ROOT")
    assert again.returncode == 1 and "db upgrade" in again.stderr  # must be migrated before use

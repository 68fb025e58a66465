import os
import subprocess
import sys

import click
from sqlalchemy import func, select

from core.cli import cli as root
from core.models import Membership, Unit, User

CCHC = [sys.executable, "-c", "from core.cli import main; main()"]


def _all_commands(group, prefix=()):
    for name, command in group.commands.items():
        yield (*prefix, name)
        if isinstance(command, click.Group):
            yield from _all_commands(command, (*prefix, name))


def test_every_command_has_help(cli):
    for path in _all_commands(root):
        result = cli(*path, "--help")
        assert result.exit_code == 0, path
        assert "Usage:" in result.output


def test_init_creates_root_and_admin_without_builtin_password(cli, state):
    refused = cli("init", input="")
    assert refused.exit_code != 0
    result = cli("init", env={"CCHC_ADMIN_PASSWORD": "Bimat#2026x"})
    assert result.exit_code == 0, result.output
    with state.transaction() as s:
        admin = s.scalar(select(User).where(User.username == "admin"))
        membership = s.scalar(select(Membership).where(Membership.user_id == admin.id))
        assert membership.include_subunits and membership.unit.code == "ROOT"
    assert "đã tồn tại" in cli("init", env={"CCHC_ADMIN_PASSWORD": "Bimat#2026x"}).output


def test_users_create_and_reset_password(cli, client, unit_factory):
    unit_factory("VP")
    short = cli("users", "create", "lan", env={"CCHC_USER_PASSWORD": "123"})
    assert short.exit_code == 1 and "ít nhất 8" in short.output
    created = cli("users", "create", "lan", "--unit", "VP", "--role", "core.staff",
                  input="Matkhau#1\nMatkhau#1\n")
    assert created.exit_code == 0, created.output
    assert client.post("/login", data={"username": "lan", "password": "Matkhau#1"}).status_code == 302
    reset = cli("users", "reset-password", "lan", env={"CCHC_USER_PASSWORD": "Khac#20260"})
    assert reset.exit_code == 0
    assert client.post("/login", data={"username": "lan", "password": "Khac#20260"}).status_code == 302


def test_unknown_unit_code_is_a_clear_error(cli):
    result = cli("plugins", "enable", "anything", "--unit", "NOPE")
    assert result.exit_code == 1
    assert "NOPE" in result.output and "Traceback" not in result.output
    assert cli("users", "create", "x", "--unit", "NOPE", "--role", "core.staff",
               env={"CCHC_USER_PASSWORD": "Matkhau#1"}).exit_code == 1


def test_units_import_reports_rows_and_imports_nothing(cli, state, tmp_path):
    bad = tmp_path / "units.csv"
    bad.write_text("code,name,kind,parent_code\nA,Phòng A,department,\nB,Phòng B,department,NOPE\n", encoding="utf-8")
    result = cli("units", "import", str(bad))
    assert result.exit_code == 1 and "Dòng 3" in result.output
    with state.transaction() as s:
        assert s.scalar(select(func.count(Unit.id))) == 0
    good = tmp_path / "good.csv"
    good.write_text("code,name,kind,parent_code\nA,Phòng A,department,\nB,Phòng B,department,A\n", encoding="utf-8")
    assert cli("units", "import", str(good)).exit_code == 0
    with state.transaction() as s:
        assert s.scalar(select(func.count(Unit.id))) == 2


def test_demo_builds_the_office_and_is_idempotent(cli, state):
    first = cli("demo")
    assert first.exit_code == 0, first.output
    assert "mật khẩu / password:" in first.output
    second = cli("demo")
    assert second.exit_code == 0 and "mật khẩu / password:" not in second.output
    with state.transaction() as s:
        root = s.scalar(select(Unit).where(Unit.code == "VPUBND"))
        assert s.scalar(select(func.count(Unit.id)).where(Unit.parent_id == root.id)) == 11
        assert s.scalar(select(func.count(User.id))) == 2  # one user per role: core.admin and core.staff


def test_downgrade_needs_confirmation(cli):
    result = cli("db", "downgrade", "core@base")
    assert result.exit_code == 1 and "--yes" in result.output


def test_db_current_lists_core_branch(cli):
    result = cli("db", "current")
    assert result.exit_code == 0 and "core: core_0003" in result.output


def test_malformed_settings_file_stops_the_cli_without_traceback(tmp_path):
    bad = tmp_path / "site.toml"
    bad.write_text("[app]\nsecret_key = \n", encoding="utf-8")
    env = {k: v for k, v in os.environ.items() if not k.startswith("CCHC_")}
    env["CCHC_CONFIG"] = str(bad)
    done = subprocess.run([*CCHC, "plugins", "list"], env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 1
    assert "site.toml" in done.stderr and "Traceback" not in done.stderr


def test_demo_plans_reproduce_the_2018_figures(cli):
    assert cli("demo").exit_code == 0
    listing = cli("plans", "list", "--year", "2018")
    assert listing.exit_code == 0, listing.output
    assert "07/07" in listing.output
    coverage = cli("plans", "coverage", "23/KH-VP", "--year", "2018")
    assert coverage.exit_code == 0, coverage.output
    assert "04/11" in coverage.output and "36%" in coverage.output

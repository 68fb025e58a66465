"""Plugin order over ``depends``, fail-fast start-up, and dependency rules of per-unit enablement."""
import sys
import types

import pytest
from click.testing import CliRunner

from core import plugins as core_plugins
from core.app import create_app
from core.cli import cli as root_cli
from core.cli import main as cchc_main
from core.manifest import PluginError
from core.plugins import PluginRegistry, hookimpl
from core.services.enablement import enabled_units
from core.testing import test_settings as settings_for
from tests import example_child, example_plugin
from tests.conftest import EXAMPLE_PLUGINS

CALLED: list[str] = []


@pytest.fixture
def fake_plugin(monkeypatch, tmp_path):
    """Build a plugin package ``fake_<name>`` (and its ``plugin`` module) on the fly."""
    CALLED.clear()

    def build(name: str, *depends: str) -> types.ModuleType:
        package = types.ModuleType(f"fake_{name}")
        package.MANIFEST = {"name": name, "version": "0.1", "label": name.title(), "depends": list(depends)}
        package.__file__ = str(tmp_path / package.__name__ / "__init__.py")  # core.i18n looks beside it
        hooks = types.ModuleType(f"fake_{name}.plugin")

        @hookimpl
        def register_blueprints(app):
            CALLED.append(name)
            return []

        hooks.register_blueprints = register_blueprints
        monkeypatch.setitem(sys.modules, package.__name__, package)
        monkeypatch.setitem(sys.modules, hooks.__name__, hooks)
        return package

    return build


def test_plugins_are_ordered_topologically_over_depends(fake_plugin, make_app):
    modules = [fake_plugin("d", "a", "c"), fake_plugin("c", "b"), fake_plugin("b", "a"), fake_plugin("a")]
    registry = PluginRegistry(modules)
    order = list(registry.plugins)
    assert order == ["a", "b", "c", "d"]
    for manifest in registry.manifests:
        assert all(order.index(dep) < order.index(manifest.name) for dep in manifest.depends)
    make_app(plugins=modules)  # registration hooks run in that order too
    assert CALLED == ["a", "b", "c", "d"]
    assert list(PluginRegistry([example_child, example_plugin]).plugins) == ["example", "example_child"]


def test_a_missing_dependency_stops_start_up_naming_it(fake_plugin, tmp_path):
    modules = [fake_plugin("a"), fake_plugin("needy", "a", "ghost")]
    with pytest.raises(PluginError) as caught:
        create_app(settings_for(f"sqlite:///{tmp_path / 'x.sqlite3'}"), plugin_modules=modules)
    message = str(caught.value)
    assert "'needy'" in message and "'ghost'" in message and "'a'" not in message
    assert CALLED == []  # no hook ran


def test_a_cycle_stops_start_up_naming_it(fake_plugin, tmp_path):
    modules = [fake_plugin("a"), fake_plugin("x", "y"), fake_plugin("y", "z"), fake_plugin("z", "x", "a")]
    with pytest.raises(PluginError) as caught:
        create_app(settings_for(f"sqlite:///{tmp_path / 'x.sqlite3'}"), plugin_modules=modules)
    message = str(caught.value)
    assert "cycle" in message
    assert all(name in message for name in ("x", "y", "z"))
    assert CALLED == []


@pytest.mark.parametrize("depends, expected", [(("ghost",), "ghost"), (("loop",), "cycle")])
def test_the_cli_exits_non_zero_with_the_message_and_no_traceback(fake_plugin, tmp_path, depends, expected):
    modules = [fake_plugin("loop", *depends)]
    result = CliRunner().invoke(root_cli, ["plugins", "list"], obj={
        "settings": settings_for(f"sqlite:///{tmp_path / 'x.sqlite3'}"), "plugin_modules": modules})
    assert result.exit_code == 1
    assert expected in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)


def test_the_cchc_entry_point_exits_non_zero_on_a_broken_plugin_set(fake_plugin, monkeypatch, tmp_path, capsys):
    modules = [fake_plugin("x", "y"), fake_plugin("y", "x")]
    monkeypatch.setattr(core_plugins, "discover_modules", lambda: modules)
    monkeypatch.chdir(tmp_path)
    monkeypatch.delenv("CCHC_CONFIG", raising=False)
    monkeypatch.setenv("CCHC_SECRET_KEY", "test-secret")
    monkeypatch.setenv("CCHC_DATABASE_URL", f"sqlite:///{tmp_path / 'x.sqlite3'}")
    with pytest.raises(SystemExit) as exited:
        cchc_main(["plugins", "list"])
    assert exited.value.code == 1
    err = capsys.readouterr().err
    assert err.startswith("Lỗi: ") and "cycle" in err
    assert "x -> y -> x" in err or "y -> x -> y" in err
    assert "Traceback" not in err


def test_a_plugin_whose_hook_module_fails_is_named(fake_plugin, monkeypatch, tmp_path):
    broken = fake_plugin("broken")
    monkeypatch.setitem(sys.modules, "fake_broken.plugin", None)  # makes the import fail
    result = CliRunner().invoke(root_cli, ["plugins", "list"], obj={
        "settings": settings_for(f"sqlite:///{tmp_path / 'x.sqlite3'}"), "plugin_modules": [fake_plugin("a"), broken]})
    assert result.exit_code == 1
    assert "'broken'" in result.output and "fake_broken.plugin" in result.output
    assert "Traceback" not in result.output


@EXAMPLE_PLUGINS
def test_enabling_needs_the_dependencies_there(cli, state, unit_factory):
    unit_factory("A", plugins=("example",))
    unit_factory("B")
    refused = cli("plugins", "enable", "example_child", "--unit", "B")
    assert refused.exit_code == 1
    assert "example" in refused.output and "--with-dependencies" in refused.output
    assert "Traceback" not in refused.output
    assert cli("plugins", "enable", "example_child", "--unit", "A").exit_code == 0  # example is on there
    with_deps = cli("plugins", "enable", "example_child", "--unit", "B", "--with-dependencies")
    assert with_deps.exit_code == 0, with_deps.output
    with state.transaction() as s:
        assert [u.code for u in enabled_units(s, "example_child")] == ["A", "B"]
        assert [u.code for u in enabled_units(s, "example")] == ["A", "B"]


@EXAMPLE_PLUGINS
def test_disabling_is_refused_while_a_dependant_is_enabled_there(cli, state, unit_factory):
    unit_factory("A", plugins=("example", "example_child"))
    refused = cli("plugins", "disable", "example", "--unit", "A")
    assert refused.exit_code == 1
    assert "example_child" in refused.output and "Traceback" not in refused.output
    with state.transaction() as s:
        assert [u.code for u in enabled_units(s, "example")] == ["A"]
    assert cli("plugins", "disable", "example_child", "--unit", "A").exit_code == 0
    assert cli("plugins", "disable", "example", "--unit", "A").exit_code == 0
    with state.transaction() as s:
        assert enabled_units(s, "example") == []

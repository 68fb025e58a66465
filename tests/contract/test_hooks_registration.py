"""Registration hooks, driven through the example plugin: admin views, blueprints, CLI commands."""
import pytest

from core import plugins as core_plugins
from core.cli import cli as root_cli
from core.cli import main as cchc_main
from core.services.enablement import disable_plugin
from tests import example_child, example_plugin
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS

VIEW_URL = "/admin/example_records/"


def _menu_has_example(client) -> bool:
    page = client.get("/admin/")
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    return f'href="{VIEW_URL}"' in html


def test_hook_register_admin_views_menu_and_view_only_where_enabled(app, state, unit_factory, client_for):
    enabled = unit_factory("A", plugins=("example",))
    other = unit_factory("B")  # the same role there, but the plugin is not enabled
    with state.transaction() as s:
        s.add_all([ExampleRecord(unit_id=enabled.id, title="hồ sơ của A"),
                   ExampleRecord(unit_id=other.id, title="hồ sơ của B")])
    in_a = client_for("example.clerk", enabled)
    in_b = client_for("example.clerk", other)

    assert _menu_has_example(in_a)
    listing = in_a.get(VIEW_URL)
    assert listing.status_code == 200
    assert "hồ sơ của A" in listing.get_data(as_text=True)
    assert "hồ sơ của B" not in listing.get_data(as_text=True)

    assert not _menu_has_example(in_b)
    assert in_b.get(VIEW_URL).status_code == 404

    anonymous = app.test_client().get(VIEW_URL)
    assert anonymous.status_code == 302 and "/login" in anonymous.location

    # The check is live: disabling the plugin for A hides the menu and closes the view at once.
    with state.transaction() as s:
        disable_plugin(s, state.registry, "example", s.merge(enabled))
    assert not _menu_has_example(in_a)
    assert in_a.get(VIEW_URL).status_code == 404


def test_hook_register_admin_views_menu_category_is_the_plugin_label(app):
    admin = app.extensions["admin"][0]
    views = [v for v in admin._views if getattr(v, "plugin", None) == "example"]
    assert [v.endpoint for v in views] == ["example_records"]
    assert views[0].category == "Ví dụ"  # the manifest's label


def test_hook_register_blueprints_serves_the_plugin_route(app, make_app):
    response = app.test_client().get("/example/ping")
    assert response.status_code == 200
    assert response.get_json() == {"plugin": "example", "ok": True}
    without = make_app(plugins=[])
    assert without.test_client().get("/example/ping").status_code == 404


@pytest.fixture
def real_cli(state, monkeypatch, tmp_path):
    """Run ``core.cli.main`` (the ``cchc`` console script) with the example plugins as if installed."""
    monkeypatch.setattr(core_plugins, "discover_modules", lambda: [example_plugin, example_child])
    monkeypatch.chdir(tmp_path)  # no instance/cchc.toml from a checkout
    monkeypatch.delenv("CCHC_CONFIG", raising=False)
    monkeypatch.setenv("CCHC_DATABASE_URL", state.settings["database.url"])
    monkeypatch.setenv("CCHC_SECRET_KEY", "test-secret")
    before = set(root_cli.commands)

    def run(*argv: str) -> int:
        with pytest.raises(SystemExit) as exited:
            cchc_main(list(argv))
        return exited.value.code

    yield run
    for name in set(root_cli.commands) - before:  # register_cli adds to the process-wide group
        del root_cli.commands[name]


def test_hook_register_cli_adds_the_plugin_group_to_cchc(real_cli, capsys):
    assert "example" not in root_cli.commands
    assert real_cli("example", "count") == 0
    assert "example records: ok" in capsys.readouterr().out
    assert "example" in root_cli.commands
    assert real_cli("example", "--help") == 0
    assert "Đếm hồ sơ mẫu" in capsys.readouterr().out


def test_hook_register_cli_not_called_without_the_plugin(real_cli, monkeypatch, capsys):
    monkeypatch.setattr(core_plugins, "discover_modules", lambda: [])
    assert real_cli("example", "count") == 2  # click: no such command
    assert "No such command" in capsys.readouterr().err

"""Demo data and the unit lifecycle hooks, driven through ``cchc`` and the enablement service."""
import pytest
from sqlalchemy import func, select

from core.models import PluginEnablement, Unit
from core.services import ServiceError
from core.services.enablement import enable_plugin, enabled_units
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin import plugin as example_hooks
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


def calls(hook: str) -> list:
    return [arg for name, arg in example_hooks.CALLS if name == hook]


def count(state, model=ExampleRecord) -> int:
    with state.transaction() as s:
        return s.scalar(select(func.count()).select_from(model))


def enabled_codes(state, plugin: str = "example") -> list[str]:
    with state.transaction() as s:
        return [u.code for u in enabled_units(s, plugin)]


def test_hook_demo_data_called_by_cchc_demo(cli, state):
    result = cli("demo")
    assert result.exit_code == 0, result.output
    [codes] = calls("demo_data")
    assert "VPUBND" in codes and len(codes) == 12  # the office and its 11 units, all passed to the hook
    assert count(state) == 12  # the example plugin wrote one record per demo unit
    assert "VPUBND" in enabled_codes(state)  # the units it got have the plugin enabled


def test_hook_demo_data_is_idempotent(cli, state):
    assert cli("demo").exit_code == 0
    units, records, enablements = count(state, Unit), count(state), count(state, PluginEnablement)
    second = cli("demo")
    assert second.exit_code == 0, second.output
    assert len(calls("demo_data")) == 2  # the hook ran again ...
    assert (count(state, Unit), count(state), count(state, PluginEnablement)) == (units, records, enablements)


def test_hook_on_unit_enabled_called_when_enabled(cli, state, unit_factory):
    unit_factory("X")
    result = cli("plugins", "enable", "example", "--unit", "X")
    assert result.exit_code == 0, result.output
    assert calls("on_unit_enabled") == ["X"]
    assert enabled_codes(state) == ["X"]
    again = cli("plugins", "enable", "example", "--unit", "X")
    assert again.exit_code == 0 and calls("on_unit_enabled") == ["X"]  # not called twice
    # Enabling another plugin (example_child) there does not call example's hook.
    assert cli("plugins", "enable", "example_child", "--unit", "X").exit_code == 0
    assert calls("on_unit_enabled") == ["X"]


def test_hook_on_unit_enabled_raising_refuses_and_saves_nothing(cli, state, unit_factory):
    unit_factory("REFUSE")
    result = cli("plugins", "enable", "example", "--unit", "REFUSE")
    assert result.exit_code == 1
    assert "REFUSE" in result.output and "Traceback" not in result.output
    assert isinstance(result.exception, SystemExit)
    assert calls("on_unit_enabled") == ["REFUSE"]
    assert enabled_codes(state) == []
    assert count(state, PluginEnablement) == 0


def test_hook_on_unit_enabled_refusal_rolls_back_the_whole_enablement(cli, state, unit_factory):
    parent = unit_factory("P")
    unit_factory("REFUSE", parent=parent)
    # With sub-units: P is enabled first, then REFUSE refuses; P must not stay enabled.
    result = cli("plugins", "enable", "example", "--unit", "P", "--with-subunits")
    assert result.exit_code == 1 and "REFUSE" in result.output
    assert calls("on_unit_enabled") == ["P", "REFUSE"]
    assert count(state, PluginEnablement) == 0
    # Through the service with dependencies: example refuses, so example_child is not enabled either.
    with pytest.raises(ServiceError, match="REFUSE"):
        with state.transaction() as s:
            refuse = s.scalar(select(Unit).where(Unit.code == "REFUSE"))
            enable_plugin(s, state.registry, "example_child", refuse, with_dependencies=True)
    assert count(state, PluginEnablement) == 0


def test_hook_on_unit_disabled_called_and_data_kept(cli, state, unit_factory):
    unit = unit_factory("Y", plugins=("example",))
    with state.transaction() as s:
        s.add(ExampleRecord(unit_id=unit.id, title="giữ lại"))
    result = cli("plugins", "disable", "example", "--unit", "Y")
    assert result.exit_code == 0, result.output
    assert calls("on_unit_disabled") == ["Y"]
    assert enabled_codes(state) == []
    assert count(state) == 1  # disabling keeps the plugin's data
    not_enabled = cli("plugins", "disable", "example", "--unit", "Y")
    assert not_enabled.exit_code == 0
    assert calls("on_unit_disabled") == ["Y"]  # nothing to disable: the hook is not called again

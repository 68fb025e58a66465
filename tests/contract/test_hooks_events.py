"""``handle_event``: delivered by ``core.events.emit`` to the plugins enabled for the event's unit."""
import pytest
from sqlalchemy import select

from core.events import Event, EventHandlerError, emit
from core.models import Unit
from core.services.enablement import enable_plugin
from tests.conftest import EXAMPLE_PLUGINS
from tests.example_plugin import plugin as example_hooks
from tests.example_plugin.models import ExampleRecord

pytestmark = EXAMPLE_PLUGINS


def handled() -> list:
    return [kind for name, kind in example_hooks.CALLS if name == "handle_event"]


def titles(state) -> set[str]:
    with state.transaction() as s:
        return set(s.scalars(select(ExampleRecord.title)))


def test_hook_handle_event_only_for_units_where_enabled(state, unit_factory):
    enabled = unit_factory("A", plugins=("example",))
    other = unit_factory("B")
    with state.transaction() as s:
        emit(s, Event("test.happened", enabled.id, "core_unit:1", {"title": "từ sự kiện A"}))
        emit(s, Event("test.ignored", other.id, "core_unit:2", {"title": "từ sự kiện B"}))
    assert handled() == ["test.happened"]
    assert titles(state) == {"từ sự kiện A"}  # written by the handler, committed with the emitter


def test_hook_handle_event_follows_enablement_changes(state, unit_factory):
    unit = unit_factory("A")
    with state.transaction() as s:
        emit(s, Event("test.before", unit.id))
    with state.transaction() as s:
        enable_plugin(s, state.registry, "example", s.merge(unit))
        emit(s, Event("test.after", unit.id))  # same session: the enablement snapshot was refreshed
    assert handled() == ["test.after"]


def test_hook_handle_event_failure_names_the_plugin_and_rolls_back_everything(state, unit_factory):
    unit = unit_factory("A", name="Tên cũ", plugins=("example",))
    with pytest.raises(EventHandlerError) as caught:
        with state.transaction() as s:
            s.get(Unit, unit.id).name = "Tên mới"  # the emitter's own change (a core table) ...
            s.add(ExampleRecord(unit_id=unit.id, title="thay đổi của bên phát"))  # ... and a record
            s.flush()
            emit(s, Event("test.boom", unit.id, payload={"fail": True}))
    assert caught.value.plugin == "example"
    assert "'example'" in str(caught.value) and "test.boom" in str(caught.value)
    assert isinstance(caught.value.cause, RuntimeError)
    with state.transaction() as s:
        assert s.get(Unit, unit.id).name == "Tên cũ"
    assert titles(state) == set()


def test_hook_handle_event_writes_share_the_emitters_transaction(state, unit_factory):
    unit = unit_factory("A", plugins=("example",))
    with pytest.raises(ValueError):
        with state.transaction() as s:
            emit(s, Event("test.happened", unit.id, payload={"title": "viết bởi bộ xử lý"}))
            raise ValueError("the emitter fails after the event was handled")
    assert handled() == ["test.happened"]
    assert titles(state) == set()  # the handler's write went with the emitter's rollback

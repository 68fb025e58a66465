"""Our own suite uses the same pytest plugin (core.testing) that plugin authors get."""
import pytest

from tests import example_child, example_plugin
from tests.example_plugin import plugin as example_hooks

EXAMPLE_PLUGINS = pytest.mark.cchc_plugins(example_plugin, example_child)


@pytest.fixture(autouse=True)
def _fresh_example_calls():
    example_hooks.CALLS.clear()
    yield

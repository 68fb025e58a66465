import pytest

import plugins.onestop as onestop
from core.plugins import PluginRegistry
from core.state import CoreState
from core.testing import test_settings

ONESTOP = pytest.mark.cchc_plugins(onestop)


@pytest.fixture
def service_state(cchc_databases):
    """A CoreState with the onestop plugin on a fresh database, without the web layer."""
    url = cchc_databases.url_for([onestop])
    state = CoreState.build(test_settings(url), PluginRegistry([onestop]))
    yield state
    state.db.dispose()

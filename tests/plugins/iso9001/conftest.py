import pytest

import plugins.iso9001 as iso9001

ISO = pytest.mark.cchc_plugins(iso9001)

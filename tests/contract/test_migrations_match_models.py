"""The migrations build exactly the tables the models declare, for the core and every built-in plugin."""
import pytest
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext

import plugins.iso9001 as iso9001
import plugins.onestop as onestop
from core.models import Base

# Tables of the example plugins under tests/ share the metadata; only these owners are migrated here.
OWNERS = ("core_", "onestop_", "iso9001_")


def _owned(obj, name, type_, reflected, compare_to) -> bool:
    table = obj if type_ == "table" else getattr(obj, "table", None)
    return (table.name if table is not None else name or "").startswith(OWNERS)


@pytest.mark.cchc_plugins(onestop, iso9001)
def test_upgraded_database_has_no_difference_from_the_models(state):
    with state.db.engine.connect() as connection:
        context = MigrationContext.configure(connection, opts={"compare_type": True, "include_object": _owned})
        differences = compare_metadata(context, Base.metadata)
    assert differences == [], "a model changed without a migration (cchc db revision …)"

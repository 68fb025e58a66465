
from tests.conftest import EXAMPLE_PLUGINS

pytestmark = EXAMPLE_PLUGINS

from sqlalchemy import select

from tests.example_plugin.models import ExampleRecord


def test_example_plugin_records_are_scoped(app, unit_factory, user_factory, login):
    a = unit_factory("A", plugins=("example",))
    b = unit_factory("B", plugins=("example",))
    state = app.extensions["cchc"]
    with state.transaction() as s:
        s.add_all([ExampleRecord(unit_id=a.id, title="hồ sơ A"), ExampleRecord(unit_id=b.id, title="hồ sơ B")])
    with state.transaction() as s:
        rec_b = s.scalar(select(ExampleRecord).where(ExampleRecord.unit_id == b.id))
    client = login(user_factory(roles=[(a, "example.clerk")]))
    listing = client.get("/admin/example_records/").get_data(as_text=True)
    assert "hồ sơ A" in listing and "hồ sơ B" not in listing
    assert client.get(f"/admin/example_records/details/?id={rec_b.id}").status_code == 404

"""The management review takes other programmes' figures only through the ``report_metrics`` hook: with
onestop disabled for a unit its review works and shows no one-stop figures; with it enabled they appear.
The two plugins never import each other (checked on the sources)."""
import ast
from pathlib import Path

import pytest
from sqlalchemy import select

import plugins.iso9001 as iso9001
import plugins.onestop as onestop
from plugins.iso9001.models import Review
from tests.plugins.iso9001.world import flashes, page, text

pytestmark = pytest.mark.cchc_plugins(onestop, iso9001)
ROOT = Path(__file__).resolve().parents[3] / "plugins"


def test_iso9001_never_imports_onestop():
    for path in (ROOT / "iso9001").rglob("*.py"):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            names = [a.name for a in node.names] if isinstance(node, ast.Import) else \
                [node.module or ""] if isinstance(node, ast.ImportFrom) else []
            assert not any(n.startswith("plugins.onestop") for n in names), f"{path} imports onestop"


def test_the_review_shows_one_stop_figures_only_where_onestop_is_enabled(unit_factory, user_factory, login, state):
    with_counter = unit_factory("TTPVHCC", "Trung tâm Phục vụ hành chính công", plugins=("onestop", "iso9001"))
    without = unit_factory("VP-TH", "Phòng Tổng hợp", plugins=("iso9001",))
    manager = user_factory("thuky", roles=[(with_counter, "iso9001.qms_manager"), (without, "iso9001.qms_manager")])
    web = login(manager)
    shown = {}
    for unit in (with_counter, without):
        response = web.post("/admin/iso9001_reviews/create/", data={"unit_id": unit.id, "held_on": "15/12/2026"})
        assert response.status_code == 302, flashes(text(response))
        shown[unit.code] = page(web, response.headers["Location"])
    with state.transaction() as s:
        inputs = {r.unit_id: r.inputs for r in s.scalars(select(Review))}
    names = {unit: [m["name"] for m in data["metrics"]] for unit, data in inputs.items()}
    assert "onestop.on_time_rate" in names[with_counter.id]
    assert not any(n.startswith("onestop.") for n in names[without.id])
    assert 'data-metric="onestop.on_time_rate"' in shown["TTPVHCC"]
    assert "Tỷ lệ hồ sơ một cửa giải quyết đúng hạn" in shown["TTPVHCC"]
    assert "onestop" not in shown["VP-TH"] and "Không có phân hệ nào khác đang bật" in shown["VP-TH"]
    assert "Tỷ lệ hồ sơ một cửa" not in shown["VP-TH"]

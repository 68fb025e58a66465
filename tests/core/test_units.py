import pytest
from sqlalchemy import func, select

from core.models import Unit
from core.services import ServiceError
from core.services.units import UnitTree, check_parent, create_unit, import_units_csv


def test_tree_of_any_depth(state):
    with state.transaction() as s:
        root = create_unit(s, "T", "Tỉnh")
        level = root
        for depth in range(1, 6):
            level = create_unit(s, f"T{depth}", f"Cấp {depth}", parent=level)
        tree = UnitTree.load(s)
        assert len(tree.subtree(root.id)) == 6
        assert len(tree.ancestors(level.id)) == 5
        with pytest.raises(ServiceError, match="cấp dưới"):
            check_parent(s, root, level.id)


def test_csv_import_is_all_or_nothing(state):
    bad = "code,name,kind,parent_code\nA,Phòng A,department,\nB,,department,A\nC,Phòng C,department,ZZ\n"
    with state.transaction() as s:
        report = import_units_csv(s, bad)
    assert len(report.errors) == 2 and "Dòng 3" in report.errors[0] and "ZZ" in report.errors[1]
    with state.transaction() as s:
        assert s.scalar(select(func.count(Unit.id))) == 0
    good = "code,name,kind,parent_code\nA,Phòng A,department,\nB,Tổ B,team,A\n"
    with state.transaction() as s:
        assert import_units_csv(s, good).created == ["A", "B"]
        b = s.scalar(select(Unit).where(Unit.code == "B"))
        assert b.parent.code == "A"


def test_csv_with_wrong_columns_is_refused(state):
    with state.transaction() as s, pytest.raises(ServiceError, match="cột"):
        import_units_csv(s, "ma,ten\nA,B\n")


def test_duplicate_code_is_refused(state):
    with state.transaction() as s:
        create_unit(s, "D", "Một")
    with state.transaction() as s, pytest.raises(ServiceError, match="đã tồn tại"):
        create_unit(s, "D", "Hai")

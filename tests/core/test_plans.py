"""Plans and tasks: the workflow, validation, overdue from the calendar (Tết 2026), counts, coverage, CLI."""
import json
from datetime import date

import pytest
from sqlalchemy import func, select

from core.models import AuditLog, Plan, PlanTask, TaskAttachment, Unit
from core.scheduling.calendar import WorkingCalendar
from core.scheduling.plans import (counts_by_year, create_plan, find_plan, inspection_coverage, plan_counts,
                                   transition_plan, update_plan)
from core.scheduling.tasks import (add_attachment, add_task, deadline_of, overdue_tasks, remove_attachment,
                                   update_task)
from core.services import ServiceError

CAL = WorkingCalendar()
PDF = b"%PDF-1.4\n%test evidence\n"


@pytest.fixture
def office(unit_factory):
    """The source office: VP with 11 subordinate units, one of which has a sub-unit of its own."""
    root = unit_factory("VP", "Văn phòng UBND tỉnh")
    subs = [unit_factory(f"VP-{i:02d}", f"Phòng {i}", parent=root) for i in range(1, 12)]
    unit_factory("VP-01-A", "Tổ thuộc phòng 1", parent=subs[0])
    return {"root": root, "subs": subs}


def plan_in(s, unit, **fields):
    values = {"number": "90", "symbol": "KH-VP", "title": "Rà soát thủ tục hành chính", "year": 2018}
    values.update(fields)
    return create_plan(s, s.get(Unit, unit.id), **values)


def count(s, model) -> int:
    return s.scalar(select(func.count()).select_from(model))


def test_workflow_draft_issued_done_and_every_other_move_refused(state, office):
    with state.transaction() as s:
        plan = plan_in(s, office["root"])
        assert plan.status == "draft" and plan.reference == "90/KH-VP"
        for wrong in ("done", "draft"):
            with pytest.raises(ServiceError, match="Không thể chuyển kế hoạch 90/KH-VP từ “Dự thảo”"):
                transition_plan(s, plan, wrong)
        transition_plan(s, plan, "issued", today=date(2018, 1, 26))
        assert plan.issue_date == date(2018, 1, 26)  # issuing without a date records the day
        add_task(s, plan, title="Rà soát", due_date="30/03/2018")
        with pytest.raises(ServiceError, match="còn 1 nhiệm vụ chưa hoàn thành"):
            transition_plan(s, plan, "done")
        update_task(s, plan.tasks[0], status="done", today=date(2018, 3, 20))
        transition_plan(s, plan, "done")
        for wrong in ("cancelled", "issued", "draft"):
            with pytest.raises(ServiceError, match="Trạng thái tiếp theo được phép: không có"):
                transition_plan(s, plan, wrong)
        with pytest.raises(ServiceError, match="không sửa được"):
            update_plan(s, plan, title="Đổi tên sau khi xong")
        plan_id = plan.id
    with state.transaction() as s:
        actions = list(s.scalars(select(AuditLog.action).where(AuditLog.table_name == "core_plan",
                                                               AuditLog.record_id == str(plan_id))))
        assert {"create", "transition:draft -> issued", "transition:issued -> done"} <= set(actions)


def test_cancel_needs_a_reason_and_is_final(state, office):
    with state.transaction() as s:
        plan = plan_in(s, office["root"])
        with pytest.raises(ServiceError, match="lý do huỷ"):
            transition_plan(s, plan, "cancelled", note="  ")
        transition_plan(s, plan, "cancelled", note="Gộp vào kế hoạch 91/KH-VP")
        with pytest.raises(ServiceError, match="từ “Đã huỷ” sang “Đã ban hành”"):
            transition_plan(s, plan, "issued")
        with pytest.raises(ServiceError, match="không thêm, sửa nhiệm vụ"):
            add_task(s, plan, title="Muộn", due_date="01/03/2018")


@pytest.mark.parametrize("fields, message", [
    ({"issue_date": "31/02/2018"}, "không phải ngày hợp lệ; nhập theo dạng dd/mm/yyyy"),
    ({"issue_date": "2018/01/26"}, "dd/mm/yyyy"),
    ({"issue_date": "26/01/2021"}, "không khớp với năm kế hoạch 2018"),
    ({"year": "20x8"}, "Năm '20x8' không hợp lệ"),
    ({"year": 1890}, "ngoài khoảng"),
    ({"number": "90/KH-VP"}, "chỉ gồm phần số"),
    ({"number": " "}, "Số và ký hiệu kế hoạch là bắt buộc"),
    ({"title": ""}, "Trích yếu"),
    ({"programme": "khong-co"}, "Chương trình 'khong-co' không có"),
    ({"kind": "survey"}, "Loại kế hoạch"),
])
def test_bad_plan_input_is_refused_clearly_and_nothing_saved(state, office, fields, message):
    with pytest.raises(ServiceError, match=message):
        with state.transaction() as s:
            plan_in(s, office["root"], **fields)
    with state.transaction() as s:
        assert count(s, Plan) == 0 and s.scalar(select(func.count(AuditLog.id)).where(
            AuditLog.table_name == "core_plan")) == 0


def test_duplicate_number_in_the_same_unit_and_year_is_refused(state, office):
    with state.transaction() as s:
        plan_in(s, office["root"])
        plan_in(s, office["root"], year=2019)          # another year: fine
        plan_in(s, office["subs"][0])                  # another unit: fine
        with pytest.raises(ServiceError, match="90/KH-VP năm 2018 của đơn vị này đã có"):
            plan_in(s, office["root"])


def test_counts_per_year_07_of_07_issued(state, office):
    with state.transaction() as s:
        for n in range(1, 8):
            transition_plan(s, plan_in(s, office["root"], number=str(n), issue_date=f"{n + 10:02d}/01/2018"), "issued")
        transition_plan(s, plan_in(s, office["root"], number="50"), "cancelled", note="trùng")  # not counted
        plan_in(s, office["root"], number="1", year=2019)
        plan_in(s, office["subs"][0], number="99")     # another unit
        root_only = [office["root"].id]
        assert plan_counts(s, 2018, root_only).label == "07/07 kế hoạch đã ban hành"
        assert plan_counts(s, 2018).label == "07/08 kế hoạch đã ban hành"
        assert plan_counts(s, 2019, root_only).label == "00/01 kế hoạch đã ban hành"
        assert [(c.year, c.issued, c.total) for c in counts_by_year(s, root_only)] == [(2019, 0, 1), (2018, 7, 7)]


def inspection_plan(s, office, done=4, pending=1):
    plan = plan_in(s, office["root"], number="15", title="Kiểm tra CCHC các đơn vị", kind="inspection",
                   issue_date="05/02/2018")
    transition_plan(s, plan, "issued")
    contents = ["Công tác chỉ đạo", "Thủ tục hành chính", "Tổ chức bộ máy", "Công chức", "Tài chính công",
                "Hiện đại hoá"]
    for i, unit in enumerate(office["subs"][:done + pending]):
        add_task(s, plan, title=f"Kiểm tra {unit.code}", due_date="30/06/2018", target_unit_id=unit.id,
                 contents="\n".join(contents[i % 3:i % 3 + 4]), status="done" if i < done else "open")
    return plan


def test_inspection_coverage_04_of_11_is_36_percent(state, office):
    with state.transaction() as s:
        plan = inspection_plan(s, office)
        coverage = inspection_coverage(s, plan)
        assert coverage.label == "04/11 = 36%"
        assert (len(coverage.inspected), coverage.total, coverage.percent) == (4, 11, 36)
        assert [u.code for u in coverage.pending] == ["VP-05"]
        assert len(coverage.not_targeted) == 6 and len(coverage.contents) == 6
        with pytest.raises(ServiceError, match="không phải kế hoạch kiểm tra"):
            inspection_coverage(s, plan_in(s, office["root"], number="16"))
        with pytest.raises(ServiceError, match="không đổi sang loại khác"):
            update_plan(s, plan, kind="plan")


def test_inspection_tasks_target_direct_subordinates_with_contents(state, office):
    with state.transaction() as s:
        plan = inspection_plan(s, office, done=0, pending=0)
        grandchild = s.scalar(select(Unit).where(Unit.code == "VP-01-A"))
        for target in (office["root"].id, grandchild.id, None):
            with pytest.raises(ServiceError, match="đơn vị được kiểm tra"):
                add_task(s, plan, title="KT", due_date="30/06/2018", target_unit_id=target, contents="Nội dung")
        with pytest.raises(ServiceError, match="ít nhất một nội dung"):
            add_task(s, plan, title="KT", due_date="30/06/2018", target_unit_id=office["subs"][0].id, contents=" \n ")
        ordinary = plan_in(s, office["root"], number="17")
        with pytest.raises(ServiceError, match="Chỉ kế hoạch kiểm tra"):
            add_task(s, ordinary, title="KT", due_date="30/06/2018", target_unit_id=office["subs"][0].id)
        assert plan.tasks == [] and ordinary.tasks == []


@pytest.mark.parametrize("fields, message", [
    ({"progress": 150}, "Tiến độ phải từ 0 đến 100 \\(%\\), nhận 150"),
    ({"progress": "-5"}, "nhận -5"),
    ({"progress": "nửa"}, "Tiến độ 'nửa' không hợp lệ"),
    ({"due_date": "30-02-2018"}, "Hạn hoàn thành: '30-02-2018' không phải ngày hợp lệ"),
    ({"due_date": None}, "Cần nhập hạn hoàn thành"),
    ({"due_date": "10/01/2018"}, "không được trước ngày ban hành kế hoạch 26/01/2018"),
    ({"due_date": "10/01/2025"}, "không thuộc kỳ của kế hoạch năm 2018"),
    ({"title": "  "}, "Tên nhiệm vụ là bắt buộc"),
    ({"status": "paused"}, "Trạng thái nhiệm vụ 'paused'"),
])
def test_bad_task_input_is_refused_clearly_and_nothing_saved(state, office, fields, message):
    with state.transaction() as s:
        plan_id = plan_in(s, office["root"], issue_date="26/01/2018").id
    values = {"title": "Cập nhật thủ tục", "due_date": "30/03/2018", **fields}
    with pytest.raises(ServiceError, match=message):
        with state.transaction() as s:
            add_task(s, s.get(Plan, plan_id), **values)
    with state.transaction() as s:
        task = add_task(s, s.get(Plan, plan_id), title="Cập nhật thủ tục", due_date="30/03/2018", progress="40")
        task_id = task.id
    with pytest.raises(ServiceError, match=message):
        with state.transaction() as s:
            update_task(s, s.get(PlanTask, task_id), **values)
    with state.transaction() as s:
        assert count(s, PlanTask) == 1
        task = s.get(PlanTask, task_id)
        assert (task.title, task.progress, task.due_date, task.status) == ("Cập nhật thủ tục", 40, date(2018, 3, 30),
                                                                            "open")


def test_task_owner_unit_must_belong_to_the_plans_organisation(state, office, unit_factory):
    stranger = unit_factory("KHAC")
    with state.transaction() as s:
        plan = plan_in(s, office["root"])
        with pytest.raises(ServiceError, match="Đơn vị chủ trì"):
            add_task(s, plan, title="Việc", due_date="30/03/2018", unit_id=stranger.id)
        task = add_task(s, plan, title="Việc", due_date="30/03/2018", unit_id=office["subs"][2].id)
        update_task(s, task, status="done", today=date(2018, 3, 1))
        assert (task.progress, task.done_on) == (100, date(2018, 3, 1))
        update_task(s, task, status="open", progress=80)
        assert (task.progress, task.done_on) == (80, None)


def test_overdue_is_derived_from_the_working_day_calendar_across_tet_2026(state, office):
    with state.transaction() as s:
        plan = plan_in(s, office["root"], year=2026, issue_date="05/01/2026")
        before_tet = add_task(s, plan, title="Báo cáo trước Tết", due_date="13/02/2026")
        after_tet = add_task(s, plan, title="Báo cáo sau Tết", due_date="23/02/2026")
        finished = add_task(s, plan, title="Đã xong", due_date="10/02/2026", status="done")
        state_on = {d: {t.title: deadline_of(t, d, CAL) for t in (before_tet, after_tet, finished)}
                    for d in (date(2026, 2, 12), date(2026, 2, 20), date(2026, 2, 24))}
        # 12/02: 13/02 is the next working day; then nine days of Tết; 23/02 is the 2nd working day after.
        assert state_on[date(2026, 2, 12)]["Báo cáo sau Tết"].label == "Còn 2 ngày làm việc"
        assert state_on[date(2026, 2, 12)]["Báo cáo trước Tết"].label == "Còn 1 ngày làm việc"
        # In the middle of Tết the first task is overdue, but not a single working day late yet.
        mid = state_on[date(2026, 2, 20)]["Báo cáo trước Tết"]
        assert mid.overdue and mid.working_days == 0 and mid.label == "Quá hạn"
        assert not state_on[date(2026, 2, 20)]["Báo cáo sau Tết"].overdue
        late = state_on[date(2026, 2, 24)]
        assert late["Báo cáo trước Tết"].label == "Quá hạn 2 ngày làm việc"       # 23/02 and 24/02
        assert late["Báo cáo sau Tết"].label == "Quá hạn 1 ngày làm việc"
        assert not late["Đã xong"].overdue and late["Đã xong"].level == "success"
        assert [t.title for t in overdue_tasks(s, date(2026, 2, 23))] == ["Báo cáo trước Tết"]
        assert overdue_tasks(s, date(2026, 2, 13)) == []
        assert overdue_tasks(s, date(2026, 3, 2), [office["subs"][0].id]) == []   # another unit's view
        transition_plan(s, plan, "cancelled", note="Huỷ")
        assert overdue_tasks(s, date(2026, 3, 2)) == []                           # a cancelled plan has none


def test_attachments_limits_and_types(state, office):
    with state.transaction() as s:
        task = add_task(s, plan_in(s, office["root"]), title="Minh chứng", due_date="30/03/2018")
        first = add_attachment(s, task, "C:\\Bao cao\\Biên bản kiểm tra.pdf", PDF)
        assert (first.filename, first.content_type, first.size) == ("Biên bản kiểm tra.pdf", "application/pdf",
                                                                    len(PDF))
        task_id = task.id
    cases = [
        ("setup.exe", b"MZ\x90\x00", "định dạng không được phép"),
        ("bao-cao.pdf", b"MZ\x90\x00 not a pdf", "không đúng định dạng .pdf"),
        ("ghi-chu.txt", b"\xff\xfe\x00bad", "không phải văn bản UTF-8"),
        ("rong.pdf", b"", "rỗng"),
        ("", PDF, "Chưa chọn tệp"),
        ("lon.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024), "vượt giới hạn 10 MB"),
    ]
    for filename, data, message in cases:
        with pytest.raises(ServiceError, match=message):
            with state.transaction() as s:
                add_attachment(s, s.get(PlanTask, task_id), filename, data)
    with state.transaction() as s:
        assert [a.filename for a in s.scalars(select(TaskAttachment))] == ["Biên bản kiểm tra.pdf"]
        remove_attachment(s, s.scalar(select(TaskAttachment)))
    with state.transaction() as s:
        assert count(s, TaskAttachment) == 0
        logged = set(s.scalars(select(AuditLog.action).where(AuditLog.table_name == "core_task_attachment")))
        assert logged == {"create", "delete"}
        entry = s.scalar(select(AuditLog).where(AuditLog.table_name == "core_task_attachment"))
        assert "data" not in entry.changes and entry.changes["filename"][1] == "Biên bản kiểm tra.pdf"


def test_find_plan_by_id_or_reference(state, office):
    with state.transaction() as s:
        plan = plan_in(s, office["root"])
        plan_in(s, office["root"], year=2019)
        assert find_plan(s, str(plan.id)) is plan
        assert find_plan(s, "90/KH-VP", year=2018) is plan
        with pytest.raises(ServiceError, match="Có 2 kế hoạch 90/KH-VP"):
            find_plan(s, "90/KH-VP")
        with pytest.raises(ServiceError, match="Không tìm thấy kế hoạch 91/KH-VP"):
            find_plan(s, "91/KH-VP")


# -- CLI ------------------------------------------------------------------------------------------------------

@pytest.fixture
def year_2018(state, office):
    with state.transaction() as s:
        for n in range(1, 8):
            transition_plan(s, plan_in(s, office["root"], number=str(80 + n), issue_date=f"{n + 1:02d}/02/2018"),
                            "issued")
        inspection_plan(s, office)
        plan_in(s, office["subs"][0], number="3", symbol="KH-P1")
    return office


def test_cli_plans_list_with_counts(cli, year_2018):
    result = cli("plans", "list", "--year", "2018", "--unit", "VP")
    assert result.exit_code == 0, result.output
    assert "81/KH-VP  02/02/2018  Đã ban hành" in result.output
    assert result.output.strip().endswith("Năm 2018: 08/08 kế hoạch đã ban hành.")
    everything = cli("plans", "list", "--year", "2018")
    assert "08/09 kế hoạch đã ban hành" in everything.output and "3/KH-P1" in everything.output
    data = json.loads(cli("plans", "list", "--year", "2018", "--unit", "VP", "--json").output)
    assert (data["issued"], data["total"], len(data["plans"])) == (8, 8, 8)
    assert data["plans"][0]["issue_date"] == "2018-02-02"
    assert "Chưa có kế hoạch nào năm 2020" in cli("plans", "list", "--year", "2020").output


def test_cli_plans_coverage_by_reference_or_id(cli, state, year_2018):
    result = cli("plans", "coverage", "15/KH-VP")
    assert result.exit_code == 0, result.output
    assert "Đã kiểm tra 04/11 = 36% đơn vị cấp dưới; 06 nội dung kiểm tra." in result.output
    with state.transaction() as s:
        plan_id = s.scalar(select(Plan.id).where(Plan.number == "15"))
    data = json.loads(cli("plans", "coverage", str(plan_id), "--json").output)
    assert (data["label"], data["percent"], len(data["inspected"])) == ("04/11 = 36%", 36, 4)


@pytest.mark.parametrize("args, message", [
    (("plans", "list", "--year", "2018", "--unit", "NOPE"), "Không tìm thấy đơn vị có mã 'NOPE'"),
    (("plans", "list", "--year", "hai-nghin"), "không hợp lệ; nhập năm bốn chữ số"),
    (("plans", "list"), "--year"),
    (("plans", "coverage", "81/KH-VP"), "không phải kế hoạch kiểm tra"),
    (("plans", "coverage", "99/KH-VP"), "Không tìm thấy kế hoạch 99/KH-VP"),
    (("plans", "coverage", "15/KH-VP", "--unit", "NOPE"), "NOPE"),
    (("plans", "coverage", "mười lăm"), "bad plan reference"),
])
def test_cli_bad_input_is_a_clear_message(cli, state, year_2018, args, message):
    with state.transaction() as s:
        before = count(s, Plan), count(s, AuditLog)
    result = cli(*args)
    assert result.exit_code != 0 and message in result.output and "Traceback" not in result.output
    with state.transaction() as s:
        assert (count(s, Plan), count(s, AuditLog)) == before

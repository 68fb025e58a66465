"""Plan and task pages over HTTP: counts, scoping (another unit's ids answer 404), forms, attachments, transitions."""
import io
import re

import pytest
from sqlalchemy import func, select

from core.models import AuditLog, Plan, PlanTask, TaskAttachment, Unit
from core.scheduling.plans import transition_plan
from core.scheduling.tasks import add_attachment, add_task
from tests.core.test_plans import PDF, inspection_plan, office, plan_in  # noqa: F401  (office is a fixture)


@pytest.fixture
def world(state, office, unit_factory):
    other = unit_factory("KHAC", "Sở khác")
    with state.transaction() as s:
        for n in range(1, 8):
            transition_plan(s, plan_in(s, office["root"], number=str(n), issue_date=f"{n + 1:02d}/02/2018"), "issued")
        inspection = inspection_plan(s, office)
        secret = plan_in(s, other, number="66", symbol="KH-KHAC", title="KEHOACHBIMAT")
        secret_task = add_task(s, secret, title="NHIEMVUBIMAT", due_date="30/06/2018")
        secret_file = add_attachment(s, secret_task, "bimat.pdf", PDF)
        ids = {"inspection": inspection.id, "secret": secret.id, "secret_task": secret_task.id,
               "secret_file": secret_file.id, "open_task": inspection.tasks[-1].id}
    return {**office, "other": other, **ids}


@pytest.fixture
def manager(world, client_for):
    return client_for("core.admin", world["root"], include_subunits=True)


def snapshot(state):
    with state.transaction() as s:
        return (sorted((p.id, p.status, p.title) for p in s.scalars(select(Plan))),
                sorted((t.id, t.title, t.progress, t.status) for t in s.scalars(select(PlanTask))),
                s.scalar(select(func.count(TaskAttachment.id))), s.scalar(select(func.count(AuditLog.id))))


def flashes(html: str) -> str:
    return " ".join(re.findall(r'class="alert[^"]*"[^>]*>(.*?)</div>', html, re.S))


def test_plan_list_counts_per_year_and_only_own_units(world, manager):
    html = manager.get("/admin/plans/").get_data(as_text=True)
    assert "Năm 2018: <strong>08/08 kế hoạch đã ban hành</strong>" in html
    assert "1/KH-VP" in html and "KEHOACHBIMAT" not in html
    filtered = manager.get("/admin/plans/?flt0_year=2018&search=Kiểm tra").get_data(as_text=True)
    assert "15/KH-VP" in filtered and "1/KH-VP<" not in filtered
    empty = manager.get("/admin/plans/?flt0_year=2030").get_data(as_text=True)
    assert "Chưa có kế hoạch nào trong phạm vi của bạn khớp với bộ lọc" in empty
    export = manager.get("/admin/plans/export/csv/").get_data(as_text=True)
    assert "15/KH-VP" in export and "KEHOACHBIMAT" not in export


def test_another_units_plan_task_and_file_answer_404_and_change_nothing(world, manager, state):
    before = snapshot(state)
    plan, task, file = world["secret"], world["secret_task"], world["secret_file"]
    gets = [f"/admin/plans/plan/{plan}", f"/admin/plans/plan/{plan}/transition?to=issued",
            f"/admin/plans/plan/{plan}/task/new", f"/admin/plans/task/{task}", f"/admin/plans/task/{task}/delete",
            f"/admin/plans/attachment/{file}", f"/admin/plans/attachment/{file}/delete",
            f"/admin/plans/edit/?id={plan}", "/admin/plans/plan/999999", "/admin/plans/task/999999"]
    for url in gets:
        response = manager.get(url)
        body = response.get_data(as_text=True)
        assert response.status_code == 404, url
        assert "BIMAT" not in body and "Traceback" not in body
    posts = [(f"/admin/plans/plan/{plan}/transition", {"to": "issued"}),
             (f"/admin/plans/plan/{plan}/task/new", {"title": "x", "due_date": "01/03/2018", "status": "open"}),
             (f"/admin/plans/task/{task}", {"title": "HACKED", "progress": "99", "status": "done"}),
             (f"/admin/plans/task/{task}/delete", {}), (f"/admin/plans/task/{task}/attachments", {}),
             (f"/admin/plans/attachment/{file}/delete", {}), ("/admin/plans/delete/", {"id": str(plan)})]
    for url, data in posts:
        assert manager.post(url, data=data).status_code == 404, url
    assert snapshot(state) == before


def test_create_plan_with_a_ddmmyyyy_date_and_refuse_bad_input(world, manager, state):
    form = {"unit": str(world["root"].id), "number": "90", "symbol": "KH-VP", "title": "Rà soát, cập nhật thủ tục",
            "issue_date": "26/01/2018", "year": "2018", "period": "", "programme": "core", "kind": "plan"}
    before = snapshot(state)
    for bad, message in (({"issue_date": "2018/26/01"}, "nhập theo dạng dd/mm/yyyy"),
                         ({"issue_date": "26/01/2022"}, "không khớp với năm kế hoạch 2018"),
                         ({"number": "1"}, "1/KH-VP năm 2018 của đơn vị này đã có"),
                         ({"programme": "khong-co"}, "khong-co")):
        response = manager.post("/admin/plans/new/", data={**form, **bad})
        assert message in response.get_data(as_text=True), bad
        assert snapshot(state) == before
    created = manager.post("/admin/plans/new/", data=form)
    assert created.status_code == 302 and "/admin/plans/plan/" in created.location
    with state.transaction() as s:
        plan = s.scalar(select(Plan).where(Plan.number == "90"))
        assert (plan.issue_date.isoformat(), plan.status, plan.unit_id) == ("2018-01-26", "draft", world["root"].id)
    page = manager.get(created.location).get_data(as_text=True)
    assert "26/01/2018" in page and "Kế hoạch chưa có nhiệm vụ nào" in page


def test_plan_page_shows_tasks_deadlines_and_coverage(world, manager):
    html = manager.get(f"/admin/plans/plan/{world['inspection']}").get_data(as_text=True)
    assert "Đã kiểm tra 04/11 = 36% đơn vị cấp dưới" in html and "06 nội dung kiểm tra" in html
    assert "Kiểm tra VP-05" in html and re.search(r"Quá hạn \d+ ngày làm việc", html)  # due 30/06/2018, not done
    assert "30/06/2018" in html and "Hoàn thành" in html


def test_transitions_need_confirmation_and_refuse_forbidden_moves(world, manager, state):
    with state.transaction() as s:
        plan_id = plan_in(s, world["root"], number="40").id
    confirm = manager.get(f"/admin/plans/plan/{plan_id}/transition?to=cancelled").get_data(as_text=True)
    assert "Lý do huỷ (bắt buộc)" in confirm and 'name="csrf_token"' in confirm
    url = f"/admin/plans/plan/{plan_id}/transition"
    refused = manager.post(url, data={"to": "cancelled", "note": ""}, follow_redirects=True).get_data(as_text=True)
    assert "Cần ghi lý do huỷ kế hoạch" in refused
    forbidden = manager.post(url, data={"to": "done"}, follow_redirects=True).get_data(as_text=True)
    assert "Không thể chuyển kế hoạch 40/KH-VP từ “Dự thảo” sang “Đã hoàn thành”" in forbidden
    with state.transaction() as s:
        assert s.get(Plan, plan_id).status == "draft"
    issued = manager.post(url, data={"to": "issued"}, follow_redirects=True).get_data(as_text=True)
    assert "Đã ban hành" in issued
    assert "Xác nhận xoá" not in manager.get(f"/admin/plans/plan/{plan_id}").get_data(as_text=True)
    deleted = manager.post("/admin/plans/delete/", data={"id": str(plan_id)}, follow_redirects=True)
    assert "Chỉ xoá được kế hoạch dự thảo" in deleted.get_data(as_text=True)
    with state.transaction() as s:
        assert s.get(Plan, plan_id).status == "issued"
        assert s.scalar(select(AuditLog.id).where(AuditLog.action == "transition:draft -> issued",
                                                  AuditLog.record_id == str(plan_id))) is not None


def test_task_forms_refuse_bad_input_and_save_nothing(world, manager, state):
    plan_id = world["inspection"]
    base = {"title": "Kiểm tra VP-06", "unit_id": str(world["root"].id), "owner_user_id": "",
            "target_unit_id": str(world["subs"][5].id), "contents": "Thủ tục hành chính\nCông chức",
            "due_date": "30/06/2018", "status": "open", "progress": "0", "evidence_note": ""}
    before = snapshot(state)
    for bad, message in (({"progress": "150"}, "Tiến độ phải từ 0 đến 100 (%), nhận 150"),
                         ({"due_date": "31/02/2018"}, "Hạn hoàn thành: &#39;31/02/2018&#39; không phải ngày hợp lệ"),
                         ({"target_unit_id": str(world["other"].id)}, "đơn vị được kiểm tra"),
                         ({"contents": ""}, "ít nhất một nội dung")):
        response = manager.post(f"/admin/plans/plan/{plan_id}/task/new", data={**base, **bad})
        assert response.status_code == 200 and message in response.get_data(as_text=True), bad
        assert snapshot(state) == before
    created = manager.post(f"/admin/plans/plan/{plan_id}/task/new", data=base)
    assert created.status_code == 302
    task_id = world["open_task"]
    edit = manager.post(f"/admin/plans/task/{task_id}", data={**base, "title": "Kiểm tra VP-05", "progress": "150",
                                                              "target_unit_id": str(world["subs"][4].id)})
    assert "nhận 150" in edit.get_data(as_text=True)
    done = manager.post(f"/admin/plans/task/{task_id}", data={**base, "title": "Kiểm tra VP-05", "status": "done",
                                                              "target_unit_id": str(world["subs"][4].id)})
    assert done.status_code == 302
    page = manager.get(f"/admin/plans/plan/{plan_id}").get_data(as_text=True)
    assert "Đã kiểm tra 05/11 = 45% đơn vị cấp dưới" in page


def test_attachments_upload_download_limits_and_delete(world, manager, state):
    task_id = world["open_task"]
    url = f"/admin/plans/task/{task_id}/attachments"
    ok = manager.post(url, data={"file": (io.BytesIO(PDF), "Biên bản VP-05.pdf")}, follow_redirects=True)
    assert "Đã đính kèm tệp “Biên bản VP-05.pdf”" in ok.get_data(as_text=True)
    for filename, data, message in (("virus.exe", b"MZ..", "định dạng không được phép"),
                                    ("gia.pdf", b"MZ not pdf", "không đúng định dạng .pdf"),
                                    ("lon.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024 + 1), "vượt giới hạn 10 MB")):
        response = manager.post(url, data={"file": (io.BytesIO(data), filename)}, follow_redirects=True)
        assert message in response.get_data(as_text=True), filename
    with state.transaction() as s:
        attachment = s.scalar(select(TaskAttachment).where(TaskAttachment.task_id == task_id))
        assert s.scalar(select(func.count(TaskAttachment.id)).where(TaskAttachment.task_id == task_id)) == 1
    download = manager.get(f"/admin/plans/attachment/{attachment.id}")
    assert download.data == PDF and download.mimetype == "application/pdf"
    assert "attachment" in download.headers["Content-Disposition"]
    confirm = manager.get(f"/admin/plans/attachment/{attachment.id}/delete").get_data(as_text=True)
    assert "Xác nhận xoá tệp" in confirm
    manager.post(f"/admin/plans/attachment/{attachment.id}/delete")
    with state.transaction() as s:
        assert s.get(TaskAttachment, attachment.id) is None


def test_staff_read_only_and_the_assigned_person_reports_progress(world, state, user_factory, login):
    staff = login(user_factory("canbo", roles=[(world["root"], "core.staff")]))
    plan_page = staff.get(f"/admin/plans/plan/{world['inspection']}").get_data(as_text=True)
    assert "04/11 = 36%" in plan_page and "Thêm nhiệm vụ" not in plan_page
    task_id = world["open_task"]
    assert "Bạn chỉ có quyền xem" in staff.get(f"/admin/plans/task/{task_id}").get_data(as_text=True)
    assert staff.post(f"/admin/plans/task/{task_id}", data={"progress": "50", "status": "open"}).status_code == 404
    assert staff.get(f"/admin/plans/plan/{world['inspection']}/transition?to=done").status_code == 404
    staff.post("/admin/plans/new/", data={"unit": str(world["root"].id), "number": "77", "symbol": "KH-VP",
                                         "title": "x", "year": "2018", "programme": "core", "kind": "plan"})
    owner = user_factory("phutrach", roles=[(world["subs"][4], "core.staff")])
    with state.transaction() as s:
        s.get(PlanTask, task_id).owner_user_id = owner.id
    reporter = login(owner)
    response = reporter.post(f"/admin/plans/task/{task_id}",
                             data={"title": "ĐỔI TÊN", "status": "open", "progress": "60", "evidence_note": "Đã làm"})
    assert response.status_code == 302
    with state.transaction() as s:
        task = s.get(PlanTask, task_id)
        assert (task.title, task.progress, task.evidence_note) == ("Kiểm tra VP-05", 60, "Đã làm")
        assert s.scalar(select(Plan.id).where(Plan.number == "77")) is None
        assert s.scalar(select(Unit.code).where(Unit.id == task.unit_id)) == "VP"


def test_forms_without_csrf_token_are_refused(world, manager, state):
    before = snapshot(state)
    response = manager.post(f"/admin/plans/plan/{world['inspection']}/transition", data={"to": "done"}, csrf=False)
    assert response.status_code == 400 and "CSRF" in response.get_data(as_text=True)
    assert snapshot(state) == before

"""A full cycle over HTTP, one logged-in client per role: scope, programme, audit, answers, nonconformity,
actions, verification, closing, management review; with the guards on the way."""
from datetime import date, timedelta

from sqlalchemy import func, select

from core.models import AuditLog, PlanTask
from plugins.iso9001.models import Audit, NcAction, NcHistory, Nonconformity, Programme, Review, Scope, Template
from tests.plugins.iso9001.conftest import ISO
from tests.plugins.iso9001.world import YEAR, clients, flashes, page, text, world  # noqa: F401

pytestmark = ISO


def answers_for(line_ids, answer="conforming", evidence="Đã kiểm tra hồ sơ lưu"):
    data = {}
    for line_id in line_ids:
        data[f"answer_{line_id}"] = answer
        data[f"evidence_{line_id}"] = evidence
    return data


def test_the_whole_cycle_with_its_guards(world, clients, state):
    # The QMS manager declares the two departments in scope.
    for unit in (world.kt, world.hc):
        response = clients.manager.post("/admin/iso9001_scopes/new/", data={
            "unit": unit.id, "in_scope": "y", "covers_all_procedures": "y",
            "statement": f"Toàn bộ thủ tục hành chính của {unit.name}"})
        assert response.status_code == 302, flashes(text(response))
    # A scope that leaves procedures out is refused (Decision 19/2014, art. 3), nothing saved.
    refused = clients.manager.post("/admin/iso9001_scopes/new/", data={"unit": world.office.id, "in_scope": "y",
                                                                       "statement": "Một phần"})
    assert "bao trùm toàn bộ hoạt động giải quyết thủ tục hành chính" in flashes(text(refused))
    with state.transaction() as s:
        assert s.scalar(select(func.count(Scope.id))) == 2

    # The lead auditor plans the year: a core plan of programme "iso9001", then an audit of KT.
    response = clients.lead.post("/admin/iso9001_programmes/create/", data={
        "unit_id": world.office.id, "year": YEAR, "number": "18", "symbol": "KH-VP", "issue_date": f"10/01/{YEAR}"})
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        programme = s.scalar(select(Programme))
        assert programme.plan.programme == "iso9001" and programme.plan.kind == "plan"
        programme_id, template_id = programme.id, s.scalar(select(Template.id))
    overview = page(clients.lead, f"/admin/iso9001_programmes/programme/{programme_id}")
    assert "2 đơn vị thuộc phạm vi HTQLCL chưa có cuộc đánh giá" in overview
    new_audit = f"/admin/iso9001_programmes/programme/{programme_id}/audit/new"
    form = {"unit_id": world.kt.id, "starts_on": f"11/05/{YEAR}", "ends_on": f"12/05/{YEAR}",
            "lead_auditor_id": world.lead.id, "template_id": template_id, "scope_clauses": "7.5, 8.5",
            "auditees": "Trưởng phòng Kinh tế"}
    # Guard: an auditor from KT may not audit KT.
    selfish = clients.lead.post(new_audit, data={**form, "auditor_ids": [world.kt_auditor.id]})
    assert "Đỗ Kinh Tế là thành viên của Phòng Kinh tế" in flashes(text(selfish))
    assert "không được đánh giá chính đơn vị mình" in flashes(text(selfish))
    # Guard: a clause outside the standard.
    unknown = clients.lead.post(new_audit, data={**form, "auditor_ids": [world.auditor.id], "scope_clauses": "7.5, 11"})
    assert "Điều khoản “11” không có trong TCVN ISO 9001:2015" in flashes(text(unknown))
    with state.transaction() as s:
        assert s.scalar(select(func.count(Audit.id))) == 0 and s.scalar(select(func.count(PlanTask.id))) == 0
    response = clients.lead.post(new_audit, data={**form, "auditor_ids": [world.auditor.id]})
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        audit = s.scalar(select(Audit))
        audit_id, line_ids = audit.id, [line.id for line in audit.lines]
        assert [line.clause for line in audit.lines] == ["7.5.2", "7.5.3", "8.5.1", "8.5.2", "8.5.3", "8.5.4"]
        assert s.get(PlanTask, audit.task_id).plan_id == programme.plan_id
    audit_url = f"/admin/iso9001_audits/audit/{audit_id}"

    # The auditor answers every line but the last, one of them a finding.
    data = answers_for(line_ids[:-1])
    data.update({f"answer_{line_ids[1]}": "minor_nc",
                 f"evidence_{line_ids[1]}": "Hai biểu mẫu đang dùng là bản đã hết hiệu lực."})
    response = clients.auditor.post(audit_url, data=data)
    assert response.status_code == 302
    assert "còn 1 câu chưa trả lời" in flashes(text(clients.auditor.get(audit_url)))
    # Guard: closing with a line unanswered is refused and the audit stays open.
    close = clients.lead.post(f"{audit_url}/close", data={"summary": "Phù hợp", "strong_points": "Chu đáo"},
                              follow_redirects=True)
    assert "còn 1 câu hỏi chưa có kết quả: câu 6 (8.5.4)" in flashes(text(close))
    with state.transaction() as s:
        assert s.get(Audit, audit_id).status == "in_progress"
    # A finding without evidence is refused.
    bare = clients.auditor.post(audit_url, data={f"answer_{line_ids[-1]}": "major_nc", f"evidence_{line_ids[-1]}": ""})
    assert "cần ghi bằng chứng khách quan" in flashes(text(bare))
    clients.auditor.post(audit_url, data={f"answer_{line_ids[-1]}": "na", f"evidence_{line_ids[-1]}": ""})
    # Only the lead auditor closes.
    assert "Chỉ trưởng đoàn" in flashes(text(clients.auditor.post(f"{audit_url}/close", data={"summary": "x"},
                                                                   follow_redirects=True)))
    closed = clients.lead.post(f"{audit_url}/close", follow_redirects=True, data={
        "summary": "Hệ thống được duy trì; một điểm không phù hợp về kiểm soát tài liệu.",
        "strong_points": "Lãnh đạo phòng quan tâm"})
    assert "lập 1 phiếu điểm không phù hợp" in flashes(text(closed))
    with state.transaction() as s:
        audit = s.get(Audit, audit_id)
        assert audit.status == "closed" and s.get(PlanTask, audit.task_id).status == "done"
        nc = s.scalar(select(Nonconformity))
        nc_id, raised_on = nc.id, nc.raised_on
        assert nc.unit_id == world.kt.id and nc.clause == "7.5.3" and nc.stage == "draft" and nc.origin == "audit"
    assert "Kết thúc cuộc đánh giá" not in page(clients.lead, audit_url)  # closed: no more answering

    # The auditee (KT) sees the finding and answers it: analysis, then the action plan.
    nc_url = f"/admin/iso9001_nonconformities/nc/{nc_id}"
    assert nc.reference in page(clients.auditee, "/admin/iso9001_nonconformities/")
    clients.auditee.post(f"{nc_url}/analysis", data={
        "description": nc.description, "immediate_action": "Thu hồi bản cũ",
        "root_cause": "Không có danh mục tài liệu hiện hành"})
    for stage in ("analysis", "action_plan"):
        assert clients.auditee.post(f"{nc_url}/stage/{stage}").status_code == 302
    # Guard: a due date before the nonconformity's date.
    early = clients.auditee.post(f"{nc_url}/action", follow_redirects=True, data={
        "kind": "corrective", "owner_id": world.auditee.id, "description": "Lập danh mục tài liệu",
        "due_date": (raised_on - timedelta(days=1)).strftime("%d/%m/%Y")})
    assert "không được trước ngày lập điểm không phù hợp" in flashes(text(early))
    due = (raised_on + timedelta(days=30)).strftime("%d/%m/%Y")
    for owner in (world.auditee, world.manager):
        response = clients.auditee.post(f"{nc_url}/action", data={
            "kind": "corrective", "owner_id": owner.id, "description": f"Việc của {owner.full_name}", "due_date": due})
        assert response.status_code == 302
    with state.transaction() as s:
        actions = list(s.scalars(select(NcAction).order_by(NcAction.id)))
        assert len(actions) == 2 and all(a.due_date == raised_on + timedelta(days=30) for a in actions)
        action_ids = [a.id for a in actions]
    # The auditee may not approve the plan; the QMS manager does.
    assert clients.auditee.post(f"{nc_url}/stage/open").status_code == 404
    assert clients.manager.post(f"{nc_url}/stage/open").status_code == 302
    # Guard: closing while actions are open.
    confirm = page(clients.manager, f"{nc_url}/stage/done")  # a final step asks for confirmation first
    assert "Đóng điểm không phù hợp" in confirm and 'name="csrf_token"' in confirm
    refused = clients.manager.post(f"{nc_url}/stage/done", follow_redirects=True)
    assert "còn 2 hành động chưa hoàn thành" in flashes(text(refused))
    # The owners report their actions done.
    clients.auditee.post(f"/admin/iso9001_nonconformities/nc-action/{action_ids[0]}",
                         data={"status": "done", "result": "Đã ban hành danh mục"})
    clients.manager.post(f"/admin/iso9001_nonconformities/nc-action/{action_ids[1]}",
                         data={"status": "done", "result": "Đã kiểm tra lại"})
    # Guard: no closing without an evaluation of effectiveness.
    assert "chưa có đánh giá hiệu lực" in flashes(text(clients.manager.post(f"{nc_url}/stage/done",
                                                                            follow_redirects=True)))
    # Guard: the verifier may own none of the actions (the manager owns one).
    own = clients.manager.post(f"{nc_url}/verify", follow_redirects=True,
                               data={"evaluation": "Hiệu lực", "effective": "1"})
    assert "không được tự đánh giá hiệu lực" in flashes(text(own))
    ok = clients.lead.post(f"{nc_url}/verify", follow_redirects=True,
                           data={"evaluation": "Kiểm tra 3 hồ sơ: dùng bản hiện hành", "effective": "1"})
    assert "Đã ghi đánh giá hiệu lực" in flashes(text(ok))
    assert clients.manager.post(f"{nc_url}/stage/done").status_code == 302
    with state.transaction() as s:
        nc = s.get(Nonconformity, nc_id)
        assert nc.stage == "done" and nc.verified_by_id == world.lead.id and nc.closed_on is not None
        history = [(h.from_stage, h.to_stage) for h in s.scalars(select(NcHistory).order_by(NcHistory.id))]
        assert history == [("new", "draft"), ("draft", "analysis"), ("analysis", "action_plan"),
                           ("action_plan", "open"), ("open", "done")]
        logged = set(s.scalars(select(AuditLog.action).where(AuditLog.table_name == "iso9001_nonconformity")))
        assert {"transition:draft -> analysis", "transition:open -> done", "transition:verify"} <= logged

    # The management review gathers the year's results by itself, and records decisions.
    response = clients.manager.post("/admin/iso9001_reviews/create/", data={
        "unit_id": world.office.id, "held_on": f"15/12/{YEAR}", "chair": "Chánh Văn phòng"})
    assert response.status_code == 302, flashes(text(response))
    with state.transaction() as s:
        review = s.scalar(select(Review))
        assert review.inputs["audits"][0]["counts"]["minor_nc"] == 1
        assert review.inputs["nonconformities"]["by_stage"]["done"] == 1
        review_url = f"/admin/iso9001_reviews/review/{review.id}"
    shown = page(clients.manager, review_url)
    assert "ĐGNB-2026-01" in shown and "Phòng Kinh tế" in shown
    assert "Cần ghi ít nhất một quyết định" in flashes(text(clients.manager.post(f"{review_url}/close",
                                                                                data={"notes": "x"},
                                                                                follow_redirects=True)))
    clients.manager.post(f"{review_url}/decision", data={"topic": "resources", "decision": "Đào tạo thêm chuyên gia",
                                                         "owner_id": world.lead.id, "due_date": f"31/03/{YEAR + 1}"})
    clients.manager.post(f"{review_url}/close", data={"notes": "Hệ thống có hiệu lực"})
    with state.transaction() as s:
        review = s.scalar(select(Review))
        assert review.status == "done" and [d.decision for d in review.decisions] == ["Đào tạo thêm chuyên gia"]


def test_an_auditee_sees_only_their_own_units_findings(world, clients, state):
    from plugins.iso9001.services.nonconformity import raise_nc
    with state.transaction() as s:
        mine = raise_nc(s, s.merge(world.kt), description="Thiếu sổ theo dõi", raised_on=date(YEAR, 3, 1))
        theirs = raise_nc(s, s.merge(world.hc), description="Thiếu biên bản họp", raised_on=date(YEAR, 3, 1))
        mine_id, theirs_id, theirs_ref = mine.id, theirs.id, theirs.reference
    listing = page(clients.auditee, "/admin/iso9001_nonconformities/")
    assert "Thiếu sổ theo dõi" in listing and "Thiếu biên bản họp" not in listing and theirs_ref not in listing
    assert clients.auditee.get(f"/admin/iso9001_nonconformities/nc/{mine_id}").status_code == 200
    assert clients.auditee.get(f"/admin/iso9001_nonconformities/nc/{theirs_id}").status_code == 404
    assert clients.auditee.post(f"/admin/iso9001_nonconformities/nc/{theirs_id}/analysis",
                                data={"root_cause": "x"}).status_code == 404
    # The auditee may not raise or plan anything.
    assert clients.auditee.get("/admin/iso9001_programmes/create/").status_code == 302
    assert "Ghi nhận điểm không phù hợp" not in listing

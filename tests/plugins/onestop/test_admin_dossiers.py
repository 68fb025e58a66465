"""Reception and the dossier workflow in the back office, over HTTP, per role and per unit."""
import re

from sqlalchemy import select

from plugins.onestop.models import Dossier, Transition
from plugins.onestop.services.intake import Applicant, IntakeRequest, register_online
from plugins.onestop.services.workflow import allowed_actions, transition
from tests.plugins.onestop.admin_world import (clients, dossier_state, filter_choices, flashes, received,  # noqa: F401
                                               text, world)
from tests.plugins.onestop.conftest import ONESTOP

pytestmark = ONESTOP

APPLICANT = {"applicant_name": "Phạm Thị Hoa", "applicant_id_number": "079201001234", "applicant_phone": "0912345678",
             "applicant_address": "Rạch Giá, Kiên Giang", "channel": "counter"}
ALL_DOCUMENTS = {"doc_0": "1", "doc_0_originals": "1", "doc_1": "1", "doc_1_certified": "1"}


def page(client, url):
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    return text(response)


def test_a_clerk_receives_a_dossier_at_the_counter_and_it_gets_a_code(world, clients, state):
    choose = page(clients.clerk, "/admin/onestop_receive/?q=khai+thác")
    assert "Cấp giấy phép khai thác" in choose and "Gia hạn giấy phép" not in choose
    assert "Thủ tục của sở khác" not in page(clients.clerk, "/admin/onestop_receive/")
    form = page(clients.clerk, f"/admin/onestop_receive/?procedure={world.permit}")
    assert "Đơn đề nghị theo mẫu" in form and "Bản sao giấy tờ pháp lý" in form and 'name="csrf_token"' in form

    response = clients.clerk.post("/admin/onestop_receive/", data={"procedure": world.permit, **APPLICANT, **ALL_DOCUMENTS})
    assert response.status_code == 302
    with state.transaction() as s:
        dossier = s.scalar(select(Dossier))
        assert response.headers["Location"].endswith(f"/onestop/slip/{dossier.id}")
        assert re.fullmatch(r"H15\.50-\d{6}-0001", dossier.code) and dossier.status == "received"
        assert dossier.applicant_name == "Phạm Thị Hoa" and dossier.received_by is not None
        assert sorted(d.name for d in dossier.documents) == ["Bản sao giấy tờ pháp lý", "Đơn đề nghị theo mẫu"]
        code, dossier_id = dossier.code, dossier.id
    listing = page(clients.clerk, "/admin/onestop_dossiers/?search=Phạm+Thị+Hoa")
    assert code in listing
    detail = page(clients.clerk, f"/admin/onestop_dossiers/dossier/{dossier_id}")
    assert "Phiếu kiểm soát quá trình" in detail and "Tiếp nhận hồ sơ" in detail and "Nguyễn Một Cửa" in detail
    assert f"/onestop/slip/{dossier_id}" in detail


def test_an_incomplete_dossier_is_refused_with_the_full_list_of_what_is_missing(world, clients, state):
    response = clients.clerk.post("/admin/onestop_receive/", data={
        "procedure": world.permit, **APPLICANT, "doc_0": "1", "doc_0_originals": "1", "applicant_id_number": "12ab"})
    assert response.status_code == 200
    message = flashes(text(response))
    assert "còn thiếu: Bản sao giấy tờ pháp lý" in message and "12 chữ số" in message
    assert 'value="Phạm Thị Hoa"' in text(response)  # what was typed is kept
    with state.transaction() as s:
        assert s.scalar(select(Dossier.id)) is None


def test_an_online_registration_is_received_from_the_back_office(world, clients, state):
    with state.transaction() as s:
        registration = register_online(s, s.merge(world.office), IntakeRequest(world.permit, Applicant("Trần Thị Bình")))
        registration_id = registration.id
    assert "Tiếp nhận hồ sơ trực tuyến" in page(clients.clerk, f"/admin/onestop_dossiers/dossier/{registration_id}")
    assert "Trần Thị Bình" in page(clients.clerk, f"/admin/onestop_receive/?dossier={registration_id}")
    response = clients.clerk.post("/admin/onestop_receive/", data={"dossier": registration_id, **ALL_DOCUMENTS})
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/onestop/slip/{registration_id}")
    with state.transaction() as s:
        dossier = s.get(Dossier, registration_id)
        assert dossier.code.startswith("H15.50-") and dossier.channel == "online" and dossier.status == "received"
    again = clients.clerk.get(f"/admin/onestop_receive/?dossier={registration_id}", follow_redirects=True)
    assert "không còn chờ tiếp nhận" in flashes(text(again))


def test_the_dossier_page_offers_exactly_the_allowed_actions_and_records_each_step(world, clients, state):
    dossier = received(state, world.office, world.permit)
    detail = page(clients.handler, f"/admin/onestop_dossiers/dossier/{dossier.id}")
    with state.transaction() as s:
        expected = set(allowed_actions(s.get(Dossier, dossier.id)))
    assert set(re.findall(r'data-action="([a-z_]+)"', detail.split('id="onestop-slip"')[0])) == expected
    form = page(clients.handler, f"/admin/onestop_dossiers/dossier/{dossier.id}/action/assign")
    assert "Trần Xử Lý" in form and "Thẩm định" in form

    response = clients.handler.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/assign",
                                    data={"handler_id": clients.handler_id, "step": "1", "note": "Giao thẩm định"},
                                    follow_redirects=True)
    assert "đã thực hiện “Chuyển xử lý”" in flashes(text(response))
    status, handler_id, _, count = dossier_state(state, dossier.id)
    assert status == "in_progress" and handler_id == clients.handler_id and count == 2
    slip = text(response).split('id="onestop-slip"')[1]
    assert "Chuyển xử lý" in slip and "Giao thẩm định" in slip and "Trần Xử Lý" in slip


def test_forbidden_actions_are_refused_in_vietnamese_and_change_nothing(world, clients, state):
    dossier = received(state, world.office, world.permit)
    before = dossier_state(state, dossier.id)
    response = clients.clerk.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/return", data={"note": "x"})
    message = flashes(text(response))
    assert "Không thể 'Trả kết quả'" in message and "Đã tiếp nhận" in message
    # Not yet with a handler: asking for a supplement is the counter's, and it must list what is missing.
    response = clients.handler.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/request_supplement",
                                    data={"note": "Thiếu giấy tờ", "missing_documents": "Bản sao"}, follow_redirects=True)
    assert "Bạn không có quyền thực hiện “Yêu cầu bổ sung (mẫu 02)”" in flashes(text(response))
    response = clients.clerk.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/request_supplement",
                                  data={"note": "Thiếu giấy tờ", "missing_documents": ""})
    assert "Phải liệt kê đầy đủ giấy tờ cần bổ sung" in flashes(text(response))
    assert dossier_state(state, dossier.id) == before
    assert clients.clerk.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/nonsense").status_code == 404


def test_a_handler_cannot_do_a_leaders_action_but_the_leader_can(world, clients, state):
    dossier = received(state, world.office, world.permit)
    with state.transaction() as s:
        transition(s, state.settings, s.get(Dossier, dossier.id), "assign", None, handler_id=clients.handler_id)
    before = dossier_state(state, dossier.id)
    detail = page(clients.handler, f"/admin/onestop_dossiers/dossier/{dossier.id}")
    assert re.search(r'<button[^>]*disabled data-action="stop"', detail)  # shown, but not offered
    response = clients.handler.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/stop",
                                    data={"note": "Hồ sơ không đủ điều kiện"}, follow_redirects=True)
    assert "Bạn không có quyền thực hiện “Dừng xử lý (mẫu 05)”" in flashes(text(response))
    assert dossier_state(state, dossier.id) == before

    refused = clients.leader.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/stop", data={"note": " "})
    assert "cần ghi rõ lý do" in flashes(text(refused)) and dossier_state(state, dossier.id) == before
    confirm = page(clients.leader, f"/admin/onestop_dossiers/dossier/{dossier.id}/action/stop")
    assert "không hoàn tác được" in confirm  # a destructive act asks for confirmation first
    done = clients.leader.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/stop",
                               data={"note": "Hồ sơ không đủ điều kiện"}, follow_redirects=True)
    assert "Dừng xử lý" in flashes(text(done)) and dossier_state(state, dossier.id)[0] == "stopped"


def test_extension_takes_a_ddmmyyyy_date_and_rejects_a_bad_one(world, clients, state):
    dossier = received(state, world.office, world.permit)  # appointment 26/02/2026, long past
    with state.transaction() as s:
        transition(s, state.settings, s.get(Dossier, dossier.id), "assign", None, handler_id=clients.handler_id)
    url = f"/admin/onestop_dossiers/dossier/{dossier.id}/action/extend"
    bad = clients.leader.post(url, data={"note": "Cần xác minh", "new_date": "31/02/2026"})
    assert "Ngày hẹn mới không hợp lệ" in flashes(text(bad)) and 'value="31/02/2026"' in text(bad)
    late = clients.leader.post(url, data={"note": "Cần xác minh", "new_date": "15/12/2099"})
    assert "chậm nhất vào ngày hẹn trả 26/02/2026" in flashes(text(late))
    assert dossier_state(state, dossier.id)[2] is None


def test_another_units_dossier_answers_404_and_is_not_listed(world, clients, state):
    foreign = received(state, world.other, world.foreign, name="Người Bí Mật")
    mine = received(state, world.office, world.permit)
    before = dossier_state(state, foreign.id)
    for url in (f"/admin/onestop_dossiers/dossier/{foreign.id}", f"/admin/onestop_dossiers/dossier/{foreign.id}/action/assign",
                f"/admin/onestop_receive/?procedure={world.foreign}", "/admin/onestop_dossiers/dossier/abc",
                "/admin/onestop_dossiers/dossier/99999999999", f"/admin/onestop_receive/?dossier={foreign.id}"):
        assert clients.clerk.get(url).status_code == 404, url
    assert clients.clerk.post(f"/admin/onestop_dossiers/dossier/{foreign.id}/action/withdraw",
                              data={"note": "rút"}).status_code == 404
    assert dossier_state(state, foreign.id) == before
    listing = page(clients.clerk, "/admin/onestop_dossiers/")
    assert mine.code in listing and foreign.code not in listing and "Người Bí Mật" not in listing
    assert clients.foreign_clerk.get(f"/admin/onestop_dossiers/dossier/{mine.id}").status_code == 404


def test_the_list_filters_by_status_field_channel_and_appointment_date(world, clients, state):
    first = received(state, world.office, world.permit, name="Nguyễn Văn An")
    second = received(state, world.office, world.renew, name="Lê Thị Cúc", channel="post")
    with state.transaction() as s:
        transition(s, state.settings, s.get(Dossier, second.id), "assign", None, handler_id=clients.handler_id)
    by_status = page(clients.clerk, "/admin/onestop_dossiers/?flt0_status=in_progress")
    assert second.code in by_status and first.code not in by_status
    by_field = page(clients.clerk, f"/admin/onestop_dossiers/?flt0_field={world.land}")
    assert first.code in by_field and second.code not in by_field
    assert sorted(filter_choices(by_field, "Lĩnh vực")) == ["Xây dựng", "Đất đai"]  # the user's own fields only
    assert second.code in page(clients.clerk, "/admin/onestop_dossiers/?flt0_channel=post")
    day = first.appointment_on
    from_calendar = page(clients.clerk, f"/admin/onestop_dossiers/?flt1_appointment_on_equals={day:%Y-%m-%d}")
    typed = page(clients.clerk, f"/admin/onestop_dossiers/?flt1_appointment_on_equals={day:%d/%m/%Y}")
    assert first.code in from_calendar and first.code in typed and second.code not in typed
    empty = page(clients.clerk, "/admin/onestop_dossiers/?search=KHONGCOAI")
    assert "Không có hồ sơ nào khớp" in empty
    bad = page(clients.clerk, "/admin/onestop_dossiers/?flt1_appointment_on_equals=31/02/2026")
    assert first.code in bad  # an invalid filter value is ignored (and reported), never a 500
    export = clients.clerk.get("/admin/onestop_dossiers/export/csv/?flt0_status=in_progress").get_data(as_text=True)
    assert second.code in export and "Đang xử lý" in export and first.code not in export


def test_an_empty_list_explains_how_to_start(world, clients):
    empty = page(clients.clerk, "/admin/onestop_dossiers/")
    assert "Chưa có hồ sơ nào" in empty and "Tiếp nhận hồ sơ" in empty
    with_nothing = page(clients.clerk, "/admin/onestop_receive/?q=khôngtồntại")
    assert "Không có thủ tục nào khớp" in with_nothing


def test_the_process_control_slip_lists_every_transition_in_order(world, clients, state):
    dossier = received(state, world.office, world.permit)
    with state.transaction() as s:
        d = s.get(Dossier, dossier.id)
        transition(s, state.settings, d, "assign", None, "Giao xử lý", handler_id=clients.handler_id)
        transition(s, state.settings, d, "resolve", clients.handler_id, "Đã có kết quả")
    detail = page(clients.clerk, f"/admin/onestop_dossiers/dossier/{dossier.id}")
    slip = detail.split('id="onestop-slip"')[1]
    assert slip.index("Tiếp nhận hồ sơ") < slip.index("Chuyển xử lý") < slip.index("Có kết quả, chờ trả")
    assert "Trần Xử Lý" in slip and "Đã có kết quả" in slip
    done = clients.clerk.post(f"/admin/onestop_dossiers/dossier/{dossier.id}/action/return", follow_redirects=True)
    assert "Đã trả kết quả" in flashes(text(done))
    with state.transaction() as s:
        assert [t.action for t in s.scalars(select(Transition).where(Transition.dossier_id == dossier.id)
                                            .order_by(Transition.id))] == ["receive", "assign", "resolve", "return"]

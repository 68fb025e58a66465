"""The public side: catalogue, online registration (form and JSON API), lookup, statistics, rating."""
from __future__ import annotations

import re
from datetime import date

import pytest
from sqlalchemy import func, select

import plugins.onestop as onestop
from core.app import create_app
from core.rules import rules_for
from core.testing import CchcClient
from plugins.onestop.models import Dossier, Rating
from plugins.onestop.services.catalogue import ProcedureSpec, get_or_create_field, save_procedure
from tests.plugins.onestop.conftest import ONESTOP
from tests.plugins.onestop.public_fixtures import PERSONAL, build_office, office  # noqa: F401  (fixture)

pytestmark = ONESTOP
TOKEN = re.compile(r'name="csrf_token"[^>]*value="[^"]+"')


def count_dossiers(state) -> int:
    with state.transaction() as s:
        return s.scalar(select(func.count(Dossier.id)))


def lookup(client, code: str, secret: str, ip: str = "203.0.113.7"):
    return client.post("/onestop/lookup", data={"code": code, "secret": secret}, environ_base={"REMOTE_ADDR": ip})


# -- catalogue ------------------------------------------------------------------------------------------
def test_catalogue_shows_only_units_with_the_counter_and_searches(client, office, state, unit_factory):
    other = unit_factory("SOTP", "Sở Tư pháp")  # one-stop not enabled: its catalogue is not published
    with state.transaction() as s:
        field = get_or_create_field(s, other.id, "LV09", "Hộ tịch")
        save_procedure(s, other.id, ProcedureSpec("2.000009", "Đăng ký khai sinh", "LV09", 3), field)
    page = client.get("/onestop/").get_data(as_text=True)
    assert "Cấp giấy phép khai thác đất" in page and "Đăng ký kinh doanh rượu" in page
    assert "Đăng ký khai sinh" not in page
    assert "Cấp giấy phép khai thác đất" not in client.get("/onestop/?q=rượu").get_data(as_text=True)
    by_name = client.get("/onestop/?q=" + "KHAI THÁC").get_data(as_text=True)
    assert "Cấp giấy phép khai thác đất" in by_name and "rượu" not in by_name.split("catalogue-total")[1]
    with state.transaction() as s:
        trade = get_or_create_field(s, office.unit.id, "LV02", "")
    by_field = client.get(f"/onestop/?field={trade.id}").get_data(as_text=True)
    assert "Đăng ký kinh doanh rượu" in by_field and "Cấp giấy phép khai thác đất" not in by_field
    for junk in ("?field=abc", "?page=-3", "?page=99999999999999", "?q=%25%25%5C", "?unit=NOPE"):
        assert client.get("/onestop/" + junk).status_code == 200


def test_procedure_page_and_its_404s(client, office):
    page = client.get(f"/onestop/procedures/{office.online_id}").get_data(as_text=True)
    assert "Đơn đề nghị cấp phép" in page and "50.000 đồng" in page and "Đăng ký trực tuyến" in page
    for bad in ("abc", "999999", "99999999999999999999"):
        assert client.get(f"/onestop/procedures/{bad}").status_code == 404


# -- online registration --------------------------------------------------------------------------------
def test_public_form_rejects_malformed_input_in_vietnamese_and_saves_nothing(client, office, state):
    url = f"/onestop/register/{office.online_id}"
    assert client.get(url).status_code == 200
    response = client.post(url, data={"name": "  ", "id_number": "12ab", "address": "x" * 600,
                                      "phone": "123", "email": "an@"})
    page = response.get_data(as_text=True)
    assert response.status_code == 400
    for message in ("Vui lòng nhập họ và tên.", "Số định danh phải gồm 12 chữ số", "Tối đa 500 ký tự.",
                    "Số điện thoại phải gồm 10–11 chữ số", "Địa chỉ thư điện tử không hợp lệ."):
        assert message in page
    assert client.post(url, data={"name": "A"}, csrf=False).status_code == 400  # no CSRF token
    assert count_dossiers(state) == 0


def test_public_form_registers_and_the_registration_can_be_looked_up(client, office, state):
    response = client.post(f"/onestop/register/{office.online_id}", data={
        "name": "Trần Thị Bình", "id_number": "079123456789", "address": "Huế", "phone": "0905123456"})
    page = response.get_data(as_text=True)
    assert response.status_code == 201, page
    with state.transaction() as s:
        dossier = s.scalar(select(Dossier))
        assert (dossier.status, dossier.channel, dossier.code) == ("registered", "online", None)
    assert f"DK-{dossier.id}" in page and dossier.lookup_secret in page
    found = lookup(client, f"DK-{dossier.id}", dossier.lookup_secret.lower()).get_data(as_text=True)
    assert "Đăng ký trực tuyến, chờ tiếp nhận" in found and "Trần Thị Bình" not in found


def test_counter_only_procedure_is_not_offered_online(client, office, state):
    response = client.post(f"/onestop/register/{office.counter_id}", data={
        "name": "Trần Thị Bình", "id_number": "079123456789", "address": "Huế", "phone": "0905123456"})
    assert response.status_code == 400 and "chưa cung cấp dịch vụ công trực tuyến" in response.get_data(as_text=True)
    assert count_dossiers(state) == 0


def test_json_api_registers(client, office, state):
    response = client.post("/onestop/api/registrations", json={
        "unit": "H15.50", "procedure": "1.000001",
        "applicant": {"name": "Lê Văn Cường", "id_number": "001088000111", "address": "Hà Nội",
                      "phone": "0987654321", "email": "cuong@example.vn"}})
    assert response.status_code == 201, response.get_json()
    body = response.get_json()
    assert body["ok"] and body["reference"].startswith("DK-") and len(body["secret"]) == 6
    assert body["status"] == "registered" and body["lookup_url"].endswith(f"/onestop/lookup?code={body['reference']}")
    assert count_dossiers(state) == 1


@pytest.mark.parametrize("payload, expected", [
    ('{"unit": "H15.50", ', "không phải JSON hợp lệ"),
    ("[1, 2]", "phải là một đối tượng JSON"),
    ('{"unit": 5, "procedure": "1.000001", "applicant": {"name": "A"}}', "Thiếu mã đơn vị"),
    ('{"unit": "H15.50", "procedure": "1.000001", "applicant": "Lê Văn Cường"}', "Thiếu thông tin người nộp"),
    ('{"unit": "H15.50", "procedure": "1.000001", "applicant": {"name": 12}}', "phải là chuỗi ký tự"),
    ('{"unit": "H15.50", "procedure": "1.000001", "applicant": {"name": "A", "phone": "12", '
     '"id_number": "001088000111", "address": "HN"}}', "Số điện thoại phải gồm"),
    ('{"unit": "H15.50", "procedure": "9.999", "applicant": {"name": "A", "phone": "0987654321", '
     '"id_number": "001088000111", "address": "HN"}}', "không có trong danh mục"),
    ('{"unit": "XYZ", "procedure": "1.000001", "applicant": {"name": "A"}}', "không tiếp nhận hồ sơ một cửa"),
    ('{"unit": "H15.50", "procedure": "1.000002", "applicant": {"name": "A", "phone": "0987654321", '
     '"id_number": "001088000111", "address": "HN"}}', "chưa cung cấp dịch vụ công trực tuyến"),
])
def test_json_api_answers_400_with_vietnamese_messages(client, office, state, payload, expected):
    response = client.post("/onestop/api/registrations", data=payload, content_type="application/json", csrf=False)
    assert response.status_code == 400
    body = response.get_json()
    assert body["ok"] is False and expected in body["error"] and body["errors"]
    assert count_dossiers(state) == 0


def test_json_api_wants_json(client, office):
    response = client.post("/onestop/api/registrations", data={"unit": "H15.50"}, csrf=False)
    assert response.status_code == 415 and "application/json" in response.get_json()["error"]


# -- lookup ---------------------------------------------------------------------------------------------
def test_lookup_by_code_and_secret_shows_status_and_dates_only(client, office):
    dossier = office.receive()
    prefilled = client.get(f"/onestop/lookup?code={dossier.code}").get_data(as_text=True)
    assert f'value="{dossier.code}"' in prefilled
    response = lookup(client, dossier.code, dossier.lookup_secret)
    page = response.get_data(as_text=True)
    assert response.status_code == 200
    assert "Đã tiếp nhận" in page and "12/02/2026" in page and "26/02/2026" in page
    for personal in PERSONAL + ("Cấp giấy phép khai thác đất",):
        assert personal not in page


def test_wrong_secret_and_unknown_code_answer_the_same(client, office):
    dossier = office.receive()
    unknown_code = dossier.code[:-4] + "9999"

    def answer(code, secret):
        response = lookup(client, code, secret)
        return response.status_code, TOKEN.sub("", response.get_data(as_text=True)).replace(code, "CODE")

    wrong_secret = answer(dossier.code, "ABCDEF" if dossier.lookup_secret != "ABCDEF" else "ABCDEG")
    unknown = answer(unknown_code, dossier.lookup_secret)
    assert wrong_secret == unknown
    assert wrong_secret[0] == 404 and "Không tìm thấy hồ sơ" in wrong_secret[1] and "lookup-result" not in unknown[1]


def test_lookup_is_rate_limited_per_client(client, office):
    dossier = office.receive()
    limit = rules_for("plugins.onestop").value("lookup_attempts_per_minute", on=date.today())
    for _ in range(limit):
        assert lookup(client, dossier.code, "WRONG1").status_code == 404
    blocked = lookup(client, dossier.code, dossier.lookup_secret)  # even the right secret: the client is blocked
    assert blocked.status_code == 429 and blocked.headers["Retry-After"] == "60"
    assert "quá nhiều lần" in blocked.get_data(as_text=True) and "lookup-result" not in blocked.get_data(as_text=True)
    assert lookup(client, dossier.code, dossier.lookup_secret, ip="198.51.100.4").status_code == 200


def test_the_lookup_budget_is_shared_by_every_worker(app, client, office, state):
    """Two applications on one database stand for two gunicorn workers: guesses add up across them."""
    other_worker = create_app(state.settings, plugin_modules=[onestop], TESTING=True)
    other_worker.test_client_class = type(client)
    other = other_worker.test_client()
    dossier = office.receive()
    limit = rules_for("plugins.onestop").value("lookup_attempts_per_minute", on=date.today())
    try:
        answers = [lookup(worker, dossier.code, "WRONG1").status_code
                   for worker in [client, other] * (limit // 2 + 1)][:limit + 1]
    finally:
        other_worker.extensions["cchc"].db.dispose()
    assert answers == [404] * limit + [429]


def test_forwarded_addresses_are_trusted_only_behind_a_configured_proxy(make_app, unit_factory, state):
    def guesses(client, office):
        limit = rules_for("plugins.onestop").value("lookup_attempts_per_minute", on=date.today())
        dossier = office.receive()
        return [client.post("/onestop/lookup", data={"code": dossier.code, "secret": "WRONG1"},
                            headers={"X-Forwarded-For": f"198.51.100.{i}"}).status_code for i in range(limit + 1)]

    direct = make_app()  # clients connect directly: a forged X-Forwarded-For does not buy new guesses
    direct.test_client_class = CchcClient
    assert guesses(direct.test_client(), build_office(state, unit_factory))[-1] == 429
    proxied = make_app(settings_sections={"app": {"proxy_hops": 1}})  # behind nginx: each address is a client
    proxied.test_client_class = CchcClient
    assert set(guesses(proxied.test_client(), build_office(state, unit_factory))) == {404}


def test_lookup_rejects_bad_input_without_errors(client, office):
    assert client.post("/onestop/lookup", data={"code": "", "secret": ""}).status_code == 400
    assert client.post("/onestop/lookup", data={"code": "x" * 500, "secret": "y" * 100}).status_code == 400
    assert client.post("/onestop/lookup", data={"code": "A", "secret": "B"}, csrf=False).status_code == 400
    assert lookup(client, "DK-99999999999", "ABCDEF").status_code == 404


def test_disabled_counter_hides_its_dossiers(client, office, state):
    dossier = office.receive()
    from core.services.enablement import disable_plugin
    with state.transaction() as s:
        disable_plugin(s, state.registry, "onestop", s.merge(office.unit))
    assert lookup(client, dossier.code, dossier.lookup_secret).status_code == 404
    assert "Cấp giấy phép" not in client.get("/onestop/").get_data(as_text=True)


# -- statistics and rating ------------------------------------------------------------------------------
def test_public_statistics_per_field(client, office):
    office.receive()
    office.receive(office.counter_id)
    page = client.get("/onestop/statistics?kind=quarter&year=2026&number=1").get_data(as_text=True)
    assert "Quý I/2026" in page and "Đất đai" in page and "Thương mại" in page and "Tổng cộng" in page
    for bad in ("?kind=custom&start=31/02/2026&end=01/03/2026", "?kind=month&number=13", "?kind=zzz&year=abc"):
        response = client.get("/onestop/statistics" + bad)
        assert response.status_code == 200 and "class=\"flash error\"" in response.get_data(as_text=True)


def test_rating_a_returned_dossier(client, office, state, user_factory):
    handler = user_factory("xuly", roles=[(office.unit, "onestop.handler")])
    dossier = office.returned(handler.id)
    form = client.get(f"/onestop/rate?code={dossier.code}").get_data(as_text=True)
    assert "Thái độ của cán bộ" in form
    criteria = re.findall(r'name="(score_[a-z_]+)"', form)
    scores = {name: "5" for name in criteria}
    wrong = client.post("/onestop/rate", data={"code": dossier.code, "secret": "ZZZZZ2", **scores})
    assert wrong.status_code == 404 and "Không tìm thấy hồ sơ" in wrong.get_data(as_text=True)
    missing = client.post("/onestop/rate", data={"code": dossier.code, "secret": dossier.lookup_secret})
    assert missing.status_code == 400 and "Chọn mức đánh giá" in missing.get_data(as_text=True)
    done = client.post("/onestop/rate", data={"code": dossier.code, "secret": dossier.lookup_secret,
                                              "comment": "Nhanh, đúng hẹn", **scores})
    assert done.status_code == 200 and "Cảm ơn" in done.get_data(as_text=True)
    again = client.post("/onestop/rate", data={"code": dossier.code, "secret": dossier.lookup_secret, **scores})
    assert again.status_code == 400 and "đã được đánh giá" in again.get_data(as_text=True)
    with state.transaction() as s:
        assert s.scalar(select(func.count(Rating.id))) == 1


def test_control_characters_never_reach_the_database(client, office, state):
    # PostgreSQL refuses NUL in text: such input must be answered, not crash the request.
    nul = "A\x00B"
    assert client.get("/onestop/?q=" + "%00abc").status_code == 200
    assert client.get("/onestop/statistics?start=%00&kind=custom").status_code == 200
    assert lookup(client, nul, nul).status_code in (400, 404)
    form = client.post(f"/onestop/register/{office.online_id}", data={
        "name": nul, "id_number": "079123456789", "address": "Huế\x00", "phone": "0905123456"})
    assert form.status_code == 400 and "ký tự không hợp lệ" in form.get_data(as_text=True)
    api = client.post("/onestop/api/registrations", json={"unit": "H15.50\x00", "procedure": "1.000001\x00",
                                                          "applicant": {"name": nul}})
    assert api.status_code == 400
    assert count_dossiers(state) == 0


JUNK = ["", "%00", "-1", "99999999999999999999999", "abc", "%E2%80%8B", "<script>", "../x", "%FF"]


def test_junk_input_never_gives_a_server_error(client, office, client_for):
    dossier = office.receive()
    clerk = client_for("onestop.clerk", office.unit)
    failures = []
    for n, j in enumerate(JUNK):
        for who, url in [(client, f"/onestop/?q={j}&field={j}&page={j}&unit={j}"), (client, f"/onestop/procedures/{j}"),
                         (client, f"/onestop/statistics?kind={j}&year={j}&number={j}&start={j}&end={j}&unit={j}"),
                         (client, f"/onestop/lookup?code={j}"), (client, f"/onestop/rate?code={j}"),
                         (client, f"/onestop/register/{j}"), (clerk, f"/onestop/slip/{j}"),
                         (clerk, f"/onestop/slip/{j}.docx"), (clerk, f"/onestop/forms/{dossier.id}/{j}"),
                         (clerk, f"/onestop/forms/{j}/01.docx")]:
            if who.get(url).status_code >= 500:
                failures.append(url)
        for url in ("/onestop/lookup", "/onestop/rate", f"/onestop/register/{office.online_id}"):
            data = {"code": dossier.code, "secret": j, "comment": j, "name": j, "phone": j, "score_timeliness": j}
            if client.post(url, data=data, environ_base={"REMOTE_ADDR": f"10.0.0.{n}"}).status_code >= 500:
                failures.append(url)
        if client.post("/onestop/api/registrations", data=j, content_type="application/json",
                       csrf=False).status_code >= 500:
            failures.append("api")
    assert not failures

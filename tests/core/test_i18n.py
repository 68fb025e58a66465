"""Vietnamese by default, English after switching, remembered per user; dates as dd/mm/yyyy."""
from __future__ import annotations

import sys
import textwrap
from datetime import date, datetime, timezone
from pathlib import Path

import pytest
from babel.messages.catalog import Catalog
from babel.messages.extract import extract_from_dir
from babel.messages.frontend import parse_mapping_cfg
from babel.messages.mofile import write_mo
from babel.messages.pofile import read_po
from flask import abort
from sqlalchemy import select

from core.i18n import format_date
from core.models import User

ROOT = Path(__file__).resolve().parents[2]
CORE_CATALOGUE = ROOT / "core" / "translations" / "{}" / "LC_MESSAGES" / "messages.po"


@pytest.fixture(autouse=True, scope="module")
def _compiled_catalogues():
    for locale in ("vi", "en"):
        po = Path(str(CORE_CATALOGUE).format(locale))
        mo = po.with_suffix(".mo")
        if not mo.is_file() or mo.stat().st_mtime < po.stat().st_mtime:
            pytest.fail(f"{mo} is missing or older than its .po: run `make i18n-compile` (make test does)")


def text_of(response) -> str:
    return response.get_data(as_text=True)


def switch(client, code: str, referrer: str = "/login"):
    response = client.post(f"/locale/{code}", headers={"Referer": f"http://localhost{referrer}"})
    assert response.status_code == 302
    return response


# -- the login page -----------------------------------------------------------------------------

def test_login_page_is_vietnamese_by_default(client):
    page = text_of(client.get("/login"))
    assert '<html lang="vi">' in page
    assert "Hệ thống quản lý cải cách hành chính" in page
    assert "Đăng nhập bằng tài khoản của bạn." in page
    assert ">Tên đăng nhập</label>" in page and ">Mật khẩu</label>" in page
    assert ">Đăng nhập</button>" in page
    assert "Username" not in page and "Log in with your account." not in page


def test_login_page_in_english_after_switching_and_back(client):
    response = switch(client, "en")
    assert response.headers["Location"].endswith("/login")
    page = text_of(client.get("/login"))
    assert '<html lang="en">' in page
    assert "Administrative reform office suite" in page
    assert "Log in with your account." in page
    assert ">Username</label>" in page and ">Password</label>" in page
    assert ">Log in</button>" in page
    assert "Tên đăng nhập" not in page

    switch(client, "vi")
    assert "Đăng nhập bằng tài khoản của bạn." in text_of(client.get("/login"))


def test_language_switch_is_offered_on_the_login_page_with_csrf(client):
    page = text_of(client.get("/login"))
    assert 'action="/locale/en"' in page and 'action="/locale/vi"' in page
    assert ">English</button>" in page and "Tiếng Việt" in page
    refused = client.post("/locale/en", csrf=False)
    assert refused.status_code == 400
    assert "Đăng nhập bằng tài khoản của bạn." in text_of(client.get("/login"))


def test_unknown_language_is_refused_with_a_message(client):
    switch(client, "fr")
    page = text_of(client.get("/login"))
    assert "Ngôn ngữ không được hỗ trợ." in page
    assert '<html lang="vi">' in page


def test_missing_fields_are_reported_in_the_chosen_language(client):
    page = text_of(client.post("/login", data={"username": "", "password": ""}))
    assert "Vui lòng nhập tên đăng nhập." in page and "Vui lòng nhập mật khẩu." in page
    switch(client, "en")
    page = text_of(client.post("/login", data={"username": "", "password": ""}))
    assert "Please enter your username." in page and "Please enter your password." in page


def test_refused_login_is_reported_in_the_chosen_language(client, user_factory, state):
    user_factory("hoa")
    vi = client.post("/login", data={"username": "hoa", "password": "sai-mat-khau"})
    assert vi.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng." in text_of(vi)

    switch(client, "en")
    en = client.post("/login", data={"username": "hoa", "password": "wrong-password"})
    assert en.status_code == 401
    assert "Wrong username or password." in text_of(en)
    assert "Tên đăng nhập" not in text_of(en)

    user_factory("khanh")
    with state.transaction() as session:
        session.scalar(select(User).where(User.username == "khanh")).active = False
    disabled = client.post("/login", data={"username": "khanh", "password": "Matkhau#2026"})
    assert "This account has been disabled." in text_of(disabled)


def test_lockout_message_in_both_languages(client, user_factory, state):
    user_factory("minh")
    attempts = state.settings["security.max_failed_logins"]
    for _ in range(attempts):
        client.post("/login", data={"username": "minh", "password": "wrong-password"})
    page = text_of(client.post("/login", data={"username": "minh", "password": "Matkhau#2026"}))
    assert "Tài khoản tạm khoá do đăng nhập sai nhiều lần; thử lại sau" in page
    switch(client, "en")
    page = text_of(client.post("/login", data={"username": "minh", "password": "Matkhau#2026"}))
    assert "The account is temporarily locked after repeated failed logins; try again in" in page
    assert "minutes." in page


# -- error pages -------------------------------------------------------------------------------

ERRORS = {
    403: ("Bạn không có quyền truy cập trang này.", "You do not have permission to access this page."),
    404: ("Không tìm thấy trang hoặc bản ghi.", "Page or record not found."),
    413: ("Tệp tải lên quá lớn.", "The uploaded file is too large."),
    500: ("Đã xảy ra lỗi hệ thống; thay đổi chưa được lưu.", "A system error occurred; your changes were not saved."),
}


@pytest.mark.parametrize("code", sorted(ERRORS))
def test_error_pages_follow_the_language(app, client, code):
    app.add_url_rule(f"/test-abort-{code}", f"test_abort_{code}", lambda: abort(code))
    vi_text, en_text = ERRORS[code]

    vi = client.get(f"/test-abort-{code}")
    assert vi.status_code == code
    assert f"Lỗi {code}" in text_of(vi) and vi_text in text_of(vi)
    assert "Về trang chủ" in text_of(vi)

    switch(client, "en")
    en = client.get(f"/test-abort-{code}")
    assert en.status_code == code
    assert f"Error {code}" in text_of(en) and en_text in text_of(en)
    assert "Back to the home page" in text_of(en)
    assert vi_text not in text_of(en)


def test_unknown_url_and_missing_csrf_pages_in_both_languages(client):
    assert "Không tìm thấy trang hoặc bản ghi." in text_of(client.get("/khong-co-trang-nay"))
    no_token = client.post("/login", data={"username": "a", "password": "b"}, csrf=False)
    assert no_token.status_code == 400
    assert "Phiên làm việc đã hết hạn hoặc thiếu mã bảo vệ CSRF." in text_of(no_token)

    switch(client, "en")
    assert "Page or record not found." in text_of(client.get("/khong-co-trang-nay"))
    no_token = client.post("/login", data={"username": "a", "password": "b"}, csrf=False)
    assert no_token.status_code == 400
    assert "Your session has expired or the form lacks its CSRF protection token." in text_of(no_token)


# -- the user's choice is remembered -----------------------------------------------------------

def _stored_locale(state, username: str) -> str:
    with state.transaction() as session:
        return session.scalar(select(User.locale).where(User.username == username))


def test_logged_in_users_choice_is_remembered_across_sessions(app, unit_factory, user_factory, login, state):
    unit = unit_factory("VP", "Văn phòng UBND tỉnh")
    user = user_factory("lan", full_name="Nguyễn Thị Lan", roles=[(unit, "core.admin", True)])
    assert _stored_locale(state, "lan") == "vi"

    first = login(user)
    assert "Không tìm thấy trang hoặc bản ghi." in text_of(first.get("/khong-co"))
    switch(first, "en", referrer="/admin/")
    assert _stored_locale(state, "lan") == "en"
    assert "Page or record not found." in text_of(first.get("/khong-co"))
    logged_out = first.post("/logout", follow_redirects=True)
    assert "You have been logged out." in text_of(logged_out)

    # A new browser: Vietnamese until the user logs in, then their remembered English.
    second = app.test_client()
    assert "Đăng nhập bằng tài khoản của bạn." in text_of(second.get("/login"))
    assert second.post("/login", data={"username": "lan", "password": "Matkhau#2026"}).status_code == 302
    assert "Page or record not found." in text_of(second.get("/khong-co"))
    assert second.get("/admin/").status_code == 200

    switch(second, "vi", referrer="/admin/")
    assert _stored_locale(state, "lan") == "vi"
    assert "Bạn đã đăng xuất." in text_of(second.post("/logout", follow_redirects=True))


def test_language_chosen_on_the_login_page_is_saved_to_the_user(client, user_factory, state):
    user_factory("quang")
    switch(client, "en")
    assert client.post("/login", data={"username": "quang", "password": "Matkhau#2026"}).status_code == 302
    assert _stored_locale(state, "quang") == "en"
    assert "Page or record not found." in text_of(client.get("/khong-co"))


def test_a_users_stored_locale_applies_at_login(client, user_factory):
    user_factory("thu", locale="en")
    assert "Đăng nhập bằng tài khoản của bạn." in text_of(client.get("/login"))
    assert client.post("/login", data={"username": "thu", "password": "Matkhau#2026"}).status_code == 302
    assert "Page or record not found." in text_of(client.get("/khong-co"))


# -- dates -------------------------------------------------------------------------------------

def test_format_date_is_dd_mm_yyyy():
    assert format_date(date(2026, 3, 5)) == "05/03/2026"
    assert format_date(date(2026, 12, 31)) == "31/12/2026"
    assert format_date(None) == ""
    # naive datetimes are shown as they are; aware ones in the office's time zone (UTC+7)
    assert format_date(datetime(2026, 3, 5, 8, 7)) == "05/03/2026 08:07"
    assert format_date(datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc)) == "01/01/2027 03:00"
    assert format_date(datetime(2026, 12, 31, 20, 0, tzinfo=timezone.utc), tz="UTC") == "31/12/2026 20:00"


def test_template_dates_are_dd_mm_yyyy_in_both_languages(app):
    template = app.jinja_env.from_string("{{ d|ddmmyyyy }} {{ t|ddmmyyyy }}")
    for code in ("vi", "en"):
        with app.test_request_context("/"):
            from flask import session
            session["locale"] = code
            rendered = template.render(d=date(2026, 9, 2), t=datetime(2026, 9, 1, 17, 30, tzinfo=timezone.utc))
        assert rendered == "02/09/2026 02/09/2026 00:30"


# -- catalogues --------------------------------------------------------------------------------

def _extracted_core_msgids() -> set[str]:
    with open(ROOT / "babel.cfg", encoding="utf-8") as fh:
        method_map, options_map = parse_mapping_cfg(fh)
    keywords = {"_": None, "gettext": None, "ngettext": (1, 2), "lazy_gettext": None, "_l": None}
    found = set()
    for _filename, _lineno, message, _comments, _context in extract_from_dir(
            str(ROOT / "core"), method_map, options_map, keywords=keywords):
        found.add(message[0] if isinstance(message, tuple) else message)
    return found


def test_vietnamese_core_catalogue_is_complete():
    with open(str(CORE_CATALOGUE).format("vi"), "rb") as fh:
        catalogue = read_po(fh, locale="vi")
    translated = {m.id: m for m in catalogue if m.id}
    missing = sorted(m for m in _extracted_core_msgids() if m not in translated or not translated[m].string)
    assert not missing, f"untranslated core messages (run `make i18n-update` and translate): {missing}"
    fuzzy = sorted(m.id for m in translated.values() if m.fuzzy)
    assert not fuzzy, f"fuzzy Vietnamese translations to review: {fuzzy}"
    problems = [(m.id, errors) for m, errors in catalogue.check() if errors]
    assert not problems, f"placeholders differ between msgid and msgstr: {problems}"


def test_english_catalogue_exists():
    with open(str(CORE_CATALOGUE).format("en"), "rb") as fh:
        catalogue = read_po(fh, locale="en")
    assert "Log in" in catalogue


# -- a plugin's own catalogue ------------------------------------------------------------------

@pytest.fixture
def plugin_with_catalogue(tmp_path, monkeypatch):
    package = tmp_path / "i18n_probe_plugin"
    (package / "translations" / "vi" / "LC_MESSAGES").mkdir(parents=True)
    (package / "__init__.py").write_text(textwrap.dedent('''
        MANIFEST = {"name": "i18nprobe", "version": "0.1.0", "label": "Probe"}
    '''), encoding="utf-8")
    (package / "plugin.py").write_text("", encoding="utf-8")
    catalogue = Catalog(locale="vi", domain="messages")
    catalogue.add("Probe records", "Hồ sơ thăm dò")
    with open(package / "translations" / "vi" / "LC_MESSAGES" / "messages.mo", "wb") as fh:
        write_mo(fh, catalogue)
    monkeypatch.syspath_prepend(str(tmp_path))
    import importlib
    module = importlib.import_module("i18n_probe_plugin")
    yield module
    for name in [n for n in sys.modules if n.startswith("i18n_probe_plugin")]:
        del sys.modules[name]


def test_plugin_catalogue_is_merged_with_the_core(make_app, plugin_with_catalogue):
    from flask_babel import gettext
    app = make_app(plugins=[plugin_with_catalogue])
    with app.test_request_context("/"):
        assert gettext("Probe records") == "Hồ sơ thăm dò"
        assert gettext("Log in") == "Đăng nhập"
    with app.test_request_context("/"):
        from flask import session
        session["locale"] = "en"
        assert gettext("Probe records") == "Probe records"

"""A real browser logs in, sees the dashboard, switches language and logs out."""
from __future__ import annotations

import re

import pytest
from playwright.sync_api import expect

pytestmark = pytest.mark.e2e

PASSWORD = "Matkhau#2026"


def log_out(page) -> None:
    """Open the user menu (a Bootstrap dropdown: its script must have loaded) and press "log out"."""
    page.wait_for_load_state("load")
    logout = page.locator("#cchc-logout")
    for _ in range(5):
        page.locator("#cchc-user-menu").click()
        try:
            expect(logout).to_be_visible(timeout=2_000)
            break
        except AssertionError:
            continue
    logout.click()


@pytest.fixture
def admin_user(unit_factory, user_factory):
    unit = unit_factory("VPUBND", "Văn phòng Ủy ban nhân dân tỉnh", kind="office")
    return user_factory("lan", password=PASSWORD, full_name="Nguyễn Thị Lan", roles=[(unit, "core.admin", True)])


def test_login_dashboard_logout(live_server, page, admin_user):
    # An anonymous visitor is sent to the login page, in Vietnamese.
    page.goto(f"{live_server}/admin/")
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.locator("html")).to_have_attribute("lang", "vi")
    expect(page.get_by_role("heading", name="Hệ thống quản lý cải cách hành chính")).to_be_visible()

    # A wrong password is refused with a message, and the form is still there.
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill("sai-mat-khau")
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page.get_by_role("alert")).to_contain_text("Tên đăng nhập hoặc mật khẩu không đúng.")

    # The right one (the form carries its CSRF token) reaches the dashboard.
    page.get_by_label("Tên đăng nhập").fill("lan")
    page.get_by_label("Mật khẩu").fill(PASSWORD)
    page.get_by_role("button", name="Đăng nhập", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.get_by_text("Nguyễn Thị Lan").first).to_be_visible()

    # Log out through the user menu.
    log_out(page)
    expect(page).to_have_url(re.compile(r"/login"))
    expect(page.get_by_role("alert")).to_contain_text("Bạn đã đăng xuất.")

    # The session is gone: the back office asks for a login again.
    page.goto(f"{live_server}/admin/")
    expect(page).to_have_url(re.compile(r"/login"))


def test_switch_to_english_on_the_login_page(live_server, page, admin_user):
    page.goto(f"{live_server}/login")
    page.get_by_role("button", name="English").click()
    expect(page.locator("html")).to_have_attribute("lang", "en")
    expect(page.get_by_role("heading", name="Administrative reform office suite")).to_be_visible()

    page.get_by_label("Username").fill("lan")
    page.get_by_label("Password").fill(PASSWORD)
    page.get_by_role("button", name="Log in", exact=True).click()
    expect(page).to_have_url(re.compile(r"/admin/?$"))
    expect(page.get_by_text("Nguyễn Thị Lan").first).to_be_visible()
    log_out(page)
    expect(page.get_by_role("alert")).to_contain_text("You have been logged out.")

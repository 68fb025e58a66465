from sqlalchemy import select

from core.models import User


def test_lockout_after_repeated_failures(make_app, user_factory):
    app = make_app(settings_sections={"security": {"max_failed_logins": 3, "lockout_minutes": 10}})
    user_factory("cuong")
    client = app.test_client()
    for _ in range(3):
        assert client.post("/login", data={"username": "cuong", "password": "wrong-pass"}).status_code == 401
    locked = client.post("/login", data={"username": "cuong", "password": "Matkhau#2026"})
    assert locked.status_code == 401
    assert "tạm khoá" in locked.get_data(as_text=True)


def test_successful_login_resets_failures_and_logout_needs_csrf(app, user_factory, login):
    user = user_factory("dung")
    client = app.test_client()
    client.post("/login", data={"username": "dung", "password": "nope-nope"})
    client = login(user)
    with app.app_context():
        assert app.extensions["cchc"].db.session.scalar(select(User.failed_logins).where(User.username == "dung")) == 0
    refused = client.post("/logout", csrf=False)
    assert refused.status_code == 400
    assert "CSRF" in refused.get_data(as_text=True)
    assert client.get("/admin/").status_code == 200
    assert client.post("/logout").status_code == 302
    assert client.get("/admin/").status_code == 302


def test_login_without_csrf_token_is_refused_clearly(client, user_factory):
    user_factory("em")
    response = client.post("/login", data={"username": "em", "password": "Matkhau#2026"}, csrf=False)
    assert response.status_code == 400
    assert "Traceback" not in response.get_data(as_text=True)


def test_open_redirect_after_login_is_ignored(client, user_factory):
    user_factory("giang")
    response = client.post("/login?next=https://evil.example/x", data={"username": "giang", "password": "Matkhau#2026"})
    assert response.status_code == 302 and response.headers["Location"] == "/admin/"


def test_inactive_user_cannot_log_in(client, user_factory):
    user = user_factory("hoa2")
    with client.application.app_context():
        session = client.application.extensions["cchc"].db.session
        session.get(User, user.id).active = False
        session.commit()
    response = client.post("/login", data={"username": "hoa2", "password": "Matkhau#2026"})
    assert response.status_code == 401 and "vô hiệu hoá" in response.get_data(as_text=True)

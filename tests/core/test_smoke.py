def test_login_reaches_dashboard(unit_factory, user_factory, login):
    unit = unit_factory("VP", "Văn phòng UBND tỉnh")
    user = user_factory("an", roles=[(unit, "core.admin", True)])
    client = login(user)
    page = client.get("/admin/")
    assert page.status_code == 200
    assert "An" in page.get_data(as_text=True)


def test_wrong_password_is_refused_in_vietnamese(client, user_factory):
    user_factory("binh")
    response = client.post("/login", data={"username": "binh", "password": "sai-mat-khau"})
    assert response.status_code == 401
    assert "Tên đăng nhập hoặc mật khẩu không đúng" in response.get_data(as_text=True)

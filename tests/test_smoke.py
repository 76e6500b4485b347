def test_healthz_ok(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.get_json() == {"status": "ok", "database": "ok"}


def test_login_page_is_russian(client):
    response = client.get("/login")
    assert response.status_code == 200
    assert "Вход" in response.get_data(as_text=True)


def test_department_sees_schools(department_client, school):
    response = department_client.get("/schools/")
    assert response.status_code == 200
    assert school.short_name in response.get_data(as_text=True)

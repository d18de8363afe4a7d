def test_health(http):
    assert http.get("/health").json() == {"status": "ok"}


def test_ready(http):
    response = http.get("/ready")
    assert response.status_code == 200, response.text

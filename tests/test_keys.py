from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from tests.factories import client


def test_key_is_shown_once_and_stored_as_hash(org, database_url):
    from app.auth.models import ApiKey
    from app.db import get_sessionmaker

    created = org.admin.post(f"{org.prefix}/keys", json={"name": "HR", "role": "analyst"}).json()
    secret = created["key"]
    assert secret.startswith("cgk_") and len(secret) > 40
    listed = org.admin.get(f"{org.prefix}/keys").json()
    assert all("key" not in k and "secret_hash" not in k for k in listed)
    assert secret not in str(listed)
    with get_sessionmaker()() as session:
        stored = session.scalars(select(ApiKey.secret_hash)).all()
    assert secret not in stored and all(len(h) == 64 for h in stored)


def test_me_describes_the_key(org, server_url):
    unit = org.unit("Team A")
    with client(server_url, org.key("analyst", unit)) as c:
        me = c.get("/api/v1/me").json()
    assert me["role"] == "analyst" and me["unit_id"] == unit and me["organisation_id"] == org.id


def test_revoked_key_stops_working(org, server_url):
    created = org.admin.post(f"{org.prefix}/keys", json={"name": "tmp", "role": "analyst"}).json()
    with client(server_url, created["key"]) as c:
        assert c.get(org.prefix).status_code == 200
        assert org.admin.delete(f"{org.prefix}/keys/{created['id']}").status_code == 204
        assert c.get(org.prefix).status_code == 401
    listed = {k["id"]: k for k in org.admin.get(f"{org.prefix}/keys").json()}
    assert listed[created["id"]]["revoked_at"] is not None


def test_expired_key_stops_working(org, server_url, database_url):
    from app.auth.models import ApiKey
    from app.db import get_sessionmaker

    soon = (datetime.now(UTC) + timedelta(hours=1)).isoformat()
    created = org.admin.post(f"{org.prefix}/keys", json={"name": "tmp", "role": "analyst", "expires_at": soon}).json()
    with get_sessionmaker().begin() as session:  # let an hour pass
        session.get(ApiKey, __import__("uuid").UUID(created["id"])).expires_at = datetime.now(UTC) - timedelta(1)
    with client(server_url, created["key"]) as c:
        assert c.get(org.prefix).status_code == 401


def test_key_creation_validation(org, other_org):
    past = (datetime.now(UTC) - timedelta(hours=1)).isoformat()
    foreign_unit = other_org.unit("Elsewhere")
    own_unit = org.unit("Here")
    bad = [
        {"name": "x", "role": "platform_admin"},
        {"name": "x", "role": "superuser"},
        {"name": "x", "role": "analyst", "expires_at": past},
        {"name": "x", "role": "analyst", "unit_id": foreign_unit},
        {"name": "x", "role": "org_admin", "unit_id": own_unit},
        {"name": "", "role": "analyst"},
    ]
    for body in bad:
        assert org.admin.post(f"{org.prefix}/keys", json=body).status_code == 422, body


def test_analysts_cannot_manage_keys(org):
    analyst = org.client_for("analyst")
    assert analyst.get(f"{org.prefix}/keys").status_code == 403
    assert analyst.post(f"{org.prefix}/keys", json={"name": "x", "role": "org_admin"}).status_code == 403


def test_revoking_another_organisations_key_is_404(org, other_org):
    foreign = other_org.admin.post(f"{other_org.prefix}/keys", json={"name": "x", "role": "analyst"}).json()
    assert org.admin.delete(f"{org.prefix}/keys/{foreign['id']}").status_code == 404

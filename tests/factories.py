"""Builders for test data, going through the real API."""

import itertools
import uuid
import weakref
from dataclasses import dataclass, field
from typing import Any

import httpx

_counter = itertools.count()


def unique_name(prefix: str = "Org") -> str:
    return f"{prefix} {uuid.uuid4().hex[:8]}"


def closing_client(**options: Any) -> httpx.Client:
    """An httpx client whose connections close when the test drops it. Many tests never close their clients; left
    to the garbage collector, an open socket raises a ResourceWarning inside whichever test runs then, which pytest
    reports as that test's failure (seen in CI)."""
    transport = httpx.HTTPTransport()
    made = httpx.Client(transport=transport, **options)
    weakref.finalize(made, transport.close)
    return made


def client(base_url: str, key: str) -> httpx.Client:
    return closing_client(base_url=base_url, timeout=30, headers={"Authorization": f"Bearer {key}"})


@dataclass
class OrgContext:
    id: str
    admin: httpx.Client
    base_url: str
    layers: dict[str, str] = field(default_factory=dict)  # layer key -> id
    _clients: list[httpx.Client] = field(default_factory=list)

    @property
    def prefix(self) -> str:
        return f"/api/v1/organisations/{self.id}"

    def unit(self, name: str, parent: str | None = None, **extra: Any) -> str:
        response = self.admin.post(f"{self.prefix}/units", json={"name": name, "parent_id": parent, **extra})
        assert response.status_code == 201, response.text
        return str(response.json()["id"])

    def tree(self, spec: dict[str, Any], parent: str | None = None) -> dict[str, str]:
        """Create nested units from {"Name": {"Child": {}}}; returns name -> id."""
        ids: dict[str, str] = {}
        for name, children in spec.items():
            ids[name] = self.unit(name, parent)
            ids.update(self.tree(children, ids[name]))
        return ids

    def key(self, role: str = "analyst", unit_id: str | None = None) -> str:
        body: dict[str, Any] = {"name": f"{role} key", "role": role}
        if unit_id:
            body["unit_id"] = unit_id
        response = self.admin.post(f"{self.prefix}/keys", json=body)
        assert response.status_code == 201, response.text
        return str(response.json()["key"])

    def client_for(self, role: str = "analyst", unit_id: str | None = None) -> httpx.Client:
        c = client(self.base_url, self.key(role, unit_id))
        self._clients.append(c)
        return c

    def close(self) -> None:
        for c in [self.admin, *self._clients]:
            c.close()


def new_organisation(platform: httpx.Client, base_url: str) -> OrgContext:
    response = platform.post("/api/v1/organisations", json={"name": unique_name()})
    assert response.status_code == 201, response.text
    org_id = response.json()["id"]
    key = platform.post(f"/api/v1/organisations/{org_id}/keys", json={"name": "admin", "role": "org_admin"})
    assert key.status_code == 201, key.text
    ctx = OrgContext(id=org_id, admin=client(base_url, key.json()["key"]), base_url=base_url)
    layers = ctx.admin.get(f"{ctx.prefix}/layers").json()
    ctx.layers = {layer["key"]: layer["id"] for layer in layers}
    return ctx

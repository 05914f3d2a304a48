"""Helpers of the web-app tests: log a test client in, read CSRF tokens, get API tokens."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient

PASSWORD = "correct horse battery"


def csrf_of(client: TestClient, path: str) -> str:
    page = client.get(path)
    match = re.search(r'name="csrf_token" value="([^"]+)"', page.text)
    assert match, f"no CSRF token on {path}: {page.status_code} {page.text[:300]}"
    return match.group(1)


def login(client: TestClient, role: str) -> str:
    """Log ``client`` in as the user of ``role``; returns the session's CSRF token."""
    token = csrf_of(client, "/login")
    r = client.post(
        "/login",
        data={"username": role[:4] + "_user", "password": PASSWORD, "csrf_token": token},
        follow_redirects=False,
    )
    assert r.status_code == 303, r.text
    return csrf_of(client, "/trials")


def api_token(client: TestClient, role: str) -> dict[str, str]:
    r = client.post("/api/token", json={"username": role[:4] + "_user", "password": PASSWORD})
    assert r.status_code == 200, r.text
    return {"Authorization": f"Bearer {r.json()['access_token']}"}

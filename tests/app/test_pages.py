"""Pages: login, CSRF, roles, forms with bad input, design page, exports, report viewer."""

from __future__ import annotations

import io
import time

from sqlalchemy import func, select

from earlyphase.app.models import AuditEvent, TrialRow

from ._client import csrf_of, login


def test_pages_need_login_and_a_right_password(client):
    r = client.get("/trials", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/login")
    token = csrf_of(client, "/login")
    r = client.post(
        "/login", data={"username": "stat_user", "password": "wrong", "csrf_token": token}
    )
    assert r.status_code == 401 and "wrong user name or password" in r.text


def test_forms_without_csrf_token_are_refused(client, store):
    login(client, "investigator")
    r = client.post("/trials", data={"name": "x", "builtin": "isak-phase1b"})
    assert r.status_code == 403 and "security token" in r.text
    r = client.post("/trials", data={"name": "x", "builtin": "isak-phase1b", "csrf_token": "guess"})
    assert r.status_code == 403
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(TrialRow)) == 0


def test_session_cookie_flags(store, reports_dir):
    from fastapi.testclient import TestClient

    from earlyphase.app import AppSettings, create_app

    app = create_app(AppSettings(db_url="unused", secure_cookies=True), store)
    with TestClient(app, base_url="https://testserver") as c:
        header = c.get("/login").headers["set-cookie"].lower()
    assert "httponly" in header and "samesite=strict" in header and "; secure" in header
    page = TestClient(app).get("/login")
    assert page.headers["x-frame-options"] == "DENY"
    assert page.headers["x-content-type-options"] == "nosniff"


def _create_trial(client, token, **extra):
    data = {"name": "Trial P", "builtin": "isak-phase1b", "csrf_token": token, **extra}
    return client.post("/trials", data=data, follow_redirects=False)


def test_viewer_cannot_record_a_decision(client):
    token = login(client, "investigator")
    assert _create_trial(client, token).status_code == 303
    client.post("/trials/1/cohorts", data={"dose": "1", "outcomes": "NNN", "csrf_token": token})
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "viewer")
    page = client.get("/trials/1")
    assert 'id="decide"' not in page.text and 'id="add-cohort"' not in page.text
    r = client.post(
        "/trials/1/decisions",
        data={"decision": "2", "attendees": "A", "csrf_token": token},
    )
    assert r.status_code == 403 and "only a statistician" in r.text
    r = client.post("/trials/1/cohorts", data={"dose": "2", "outcomes": "NNN", "csrf_token": token})
    assert r.status_code == 403


def test_bad_form_input_is_shown_on_the_page(client, store):
    token = login(client, "statistician")
    _create_trial(client, token)
    with store.read() as s:
        n_audit = s.scalar(select(func.count()).select_from(AuditEvent))
    for dose, outcomes, word in (
        ("1", "1NNX", "outcomes"),
        ("9", "NNN", "dose"),
        ("1", "", "outcomes"),
    ):
        r = client.post(
            "/trials/1/cohorts", data={"dose": dose, "outcomes": outcomes, "csrf_token": token}
        )
        assert r.status_code == 422 and 'role="alert"' in r.text and word in r.text
        assert "Traceback" not in r.text
    r = client.post(
        "/trials/1/decisions", data={"decision": "2", "attendees": "A", "csrf_token": token}
    )
    assert r.status_code == 422 and "at least one cohort" in r.text
    r = client.get("/trials/abc")
    assert r.status_code == 422 and "Traceback" not in r.text
    assert client.get("/trials/42").status_code == 404
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(AuditEvent)) == n_audit


def test_uploaded_protocol_is_validated_with_lines(client, store):
    token = login(client, "investigator")
    bad = b"id: x\ntitle: t\ndesign:\n  name: 3+3\n  n_doses: -2\n"
    r = client.post(
        "/trials",
        data={"name": "Upload", "builtin": "isak-phase1b", "csrf_token": token},
        files={"protocol_file": ("bad.yaml", io.BytesIO(bad), "application/yaml")},
    )
    assert r.status_code == 422 and "line 5" in r.text and "n_doses" in r.text
    r = client.post(
        "/trials",
        data={"name": "Upload", "csrf_token": token},
        files={"protocol_file": ("bin.yaml", io.BytesIO(b"\xff\xfe\x00"), "application/yaml")},
    )
    assert r.status_code == 422 and "UTF-8" in r.text
    big = io.BytesIO(b"#" * 250_000)
    r = client.post(
        "/trials",
        data={"name": "Upload", "csrf_token": token},
        files={"protocol_file": ("big.yaml", big, "application/yaml")},
    )
    assert r.status_code == 413
    with store.read() as s:
        assert s.scalar(select(func.count()).select_from(TrialRow)) == 0


def test_dlt_file_import(client):
    token = login(client, "investigator")
    _create_trial(client, token)
    csv = b"subject_id,dlt,rule,qualifying_events,excluded_events\n101,False,,,\n102,True,x,y,\n103,False,,,\n"
    r = client.post(
        "/trials/1/cohorts",
        data={"dose": "1", "csrf_token": token},
        files={"dlt_file": ("dlt.csv", io.BytesIO(csv), "text/csv")},
    )
    assert r.status_code == 200 and "NTN" in r.text and "earlyphase dlt file" in r.text
    bad = b"subject_id,dlt\n101,maybe\n"
    r = client.post(
        "/trials/1/cohorts",
        data={"dose": "1", "csrf_token": token},
        files={"dlt_file": ("dlt.csv", io.BytesIO(bad), "text/csv")},
    )
    assert r.status_code == 422 and "maybe" in r.text


def _design_query(n_trials: int = 2000) -> str:
    from earlyphase.app.design_compare import DEFAULT_SCENARIOS

    cells = "&".join(
        f"s{i}_{j}={v}" for i, row in enumerate(DEFAULT_SCENARIOS) for j, v in enumerate(row)
    )
    return f"compute=1&n_doses=5&target=0.3&cohort_size=3&max_n=30&n_trials={n_trials}&seed=7&variant=de-escalate&{cells}"


def test_design_page_and_exports(client):
    login(client, "viewer")
    assert 'id="scenarios"' in client.get("/design").text
    query = _design_query(500)
    page = client.get(f"/design?{query}")
    assert page.status_code == 200
    for marker in ('id="oc-summary"', 'id="oc-selection"', "BOIN", "mTPI-2", "CRM (empiric)"):
        assert marker in page.text
    csv = client.get(f"/design/oc.csv?{query}")
    assert csv.headers["content-type"].startswith("text/csv")
    header = csv.text.splitlines()[0].split(",")
    assert header[:4] == ["scenario", "design", "dose", "true_dlt"]
    assert len(csv.text.splitlines()) == 1 + 5 * 4 * 6
    assert client.get(f"/design/section.rtf?{query}").content.startswith(b"{\\rtf1")
    text = client.get(f"/design/section.txt?{query}").text
    assert "BOIN decision rules" in text and "escalate if DLTs <=" in text
    png = client.get(f"/design/selection.png?{query}")
    assert png.content.startswith(b"\x89PNG")
    bad = client.get("/design?compute=1&n_doses=5&target=2&s0_0=0.1")
    assert bad.status_code == 422 and "target" in bad.text


def test_design_comparison_4_designs_5_scenarios_2000_trials(client):
    """The issue's budget: < 2 s for 4 designs x 5 scenarios x 2,000 trials (2 cores).

    The bound asserted here is looser because the test machine is shared; the measured
    time is printed (run with -s) and reported in docs/app.md.
    """
    login(client, "viewer")
    start = time.perf_counter()
    page = client.get(f"/design?{_design_query(2000)}&seed=11")
    elapsed = time.perf_counter() - start
    print(f"design page, 4 designs x 5 scenarios x 2000 trials: {elapsed:.2f} s")
    assert page.status_code == 200 and elapsed < 10


def test_report_viewer_serves_only_finished_run_files(client):
    login(client, "viewer")
    assert "run1" in client.get("/reports").text
    assert client.get("/reports/run1/report.html").text.startswith("<html>")
    assert client.get("/reports/run1/figures/km.png").status_code == 200
    for path in (
        "/reports/run1/../../secret.txt",
        "/reports/run1/%2e%2e/%2e%2e/secret.txt",
        "/reports/run1/..%2f..%2fsecret.txt",
        "/reports/run1/%2fetc%2fpasswd",
        "/reports/unfinished/figure.png",
        "/reports/..%2f/secret.txt",
        "/reports/run1/nothing.html",
    ):
        r = client.get(path)
        assert r.status_code == 404, path
        assert "do not serve" not in r.text


def test_audit_page_and_exports(client):
    token = login(client, "statistician")
    _create_trial(client, token)
    page = client.get("/audit")
    assert "hash chain verified" in page.text and "trial.create" in page.text
    csv = client.get("/audit.csv?trial=1").text.splitlines()
    assert csv[0].startswith("id,at_utc,actor,action,entity,entity_id,before,after,prev_hash,hash")
    assert len(csv) == 2
    assert client.get("/audit.pdf").content.startswith(b"%PDF")


def test_admin_manages_users_on_a_page(client):
    token = login(client, "investigator")
    assert client.get("/users").status_code == 403
    client.post("/logout", data={"csrf_token": token})
    token = login(client, "admin")
    r = client.post(
        "/users",
        data={"username": "nurse", "password": "short", "role": "viewer", "csrf_token": token},
    )
    assert r.status_code == 422 and "password" in r.text
    r = client.post(
        "/users",
        data={
            "username": "nurse",
            "password": "long password",
            "role": "viewer",
            "csrf_token": token,
        },
    )
    assert r.status_code == 200 and "nurse" in r.text


def test_trial_page_is_fast(client):
    """Pages answer in < 300 ms on 2 cores (issue); asserted loosely on a shared machine."""
    token = login(client, "investigator")
    _create_trial(client, token)
    for dose, outcomes in (("1", "NNN"), ("2", "NTN"), ("2", "NNN")):
        client.post(
            "/trials/1/cohorts", data={"dose": dose, "outcomes": outcomes, "csrf_token": token}
        )
    client.get("/trials/1")
    times = []
    for _ in range(5):
        start = time.perf_counter()
        assert client.get("/trials/1").status_code == 200
        times.append(time.perf_counter() - start)
    median = sorted(times)[2]
    print(f"trial page median {median * 1000:.0f} ms")
    assert median < 1.5

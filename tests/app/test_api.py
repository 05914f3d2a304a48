"""JSON API: authentication, roles, the conduct flow and bad input (FastAPI's test client)."""

from __future__ import annotations

from sqlalchemy import func, select

from earlyphase.app.models import AuditEvent, CohortRow, TrialRow

from ._client import api_token

BAD_YAML = "id: x\ntitle: [unclosed\n"


def _counts(store) -> tuple[int, int, int]:
    with store.read() as s:
        return (
            s.scalar(select(func.count()).select_from(TrialRow)),
            s.scalar(select(func.count()).select_from(CohortRow)),
            s.scalar(select(func.count()).select_from(AuditEvent)),
        )


def _trial(client, headers, name="Trial A") -> int:
    r = client.post("/api/trials", json={"name": name, "protocol": "isak-phase1b"}, headers=headers)
    assert r.status_code == 201, r.text
    return r.json()["id"]


def test_health_and_openapi(client):
    assert client.get("/health").json() == {"status": "ok"}
    spec = client.get("/openapi.json").json()
    for path in (
        "/api/trials",
        "/api/trials/{trial_id}/cohorts",
        "/api/trials/{trial_id}/decisions",
    ):
        assert path in spec["paths"]


def test_unauthenticated_writes_get_401(client):
    writes = [
        ("/api/trials", {"name": "x", "protocol": "isak-phase1b"}),
        ("/api/trials/1/cohorts", {"dose": 1, "outcomes": "NNN"}),
        ("/api/trials/1/decisions", {"decision": "2", "attendees": "A"}),
        ("/api/users", {"username": "eve", "password": "12345678", "role": "admin"}),
    ]
    for path, body in writes:
        r = client.post(path, json=body)
        assert r.status_code == 401, path
        assert r.headers["www-authenticate"] == "Bearer"
        bad = client.post(path, json=body, headers={"Authorization": "Bearer forged.token"})
        assert bad.status_code == 401
    assert (
        client.post("/api/token", json={"username": "stat_user", "password": "no"}).status_code
        == 401
    )


def test_conduct_flow_roles_and_recommendation(client, store):
    inv, stat, viewer = (api_token(client, r) for r in ("investigator", "statistician", "viewer"))
    tid = _trial(client, inv)
    for dose, outcomes in ((1, "NNN"), (2, "NTN"), (2, "NNN")):
        r = client.post(
            f"/api/trials/{tid}/cohorts", json={"dose": dose, "outcomes": outcomes}, headers=inv
        )
        assert r.status_code == 201, r.text
    rec = r.json()["recommendation"]
    # 3+3 (Korn 1994 de-escalate variant): 1 DLT in 6 at dose 2 -> escalate to dose 3
    assert (rec["action"], rec["next_dose"]) == ("escalate", 3)
    assert rec["reasons"] == ["dose 2: 1 DLT in 6 patients (<= 1): escalate to dose 3"]
    body = {"decision": "3", "attendees": "PI, SRC chair, statistician"}
    assert client.post(f"/api/trials/{tid}/decisions", json=body, headers=viewer).status_code == 403
    assert client.post(f"/api/trials/{tid}/decisions", json=body, headers=inv).status_code == 403
    r = client.post(f"/api/trials/{tid}/decisions", json=body, headers=stat)
    assert r.status_code == 201, r.text
    decision = r.json()["decisions"][0]
    assert decision["differs_from_design"] is False and decision["decided_by"] == "stat_user"
    # a second decision for the same cohort is refused
    again = client.post(f"/api/trials/{tid}/decisions", json=body, headers=stat)
    assert again.status_code == 422 and "decided" in again.json()["detail"]
    audit = client.get(f"/api/audit?trial={tid}", headers=viewer).json()
    assert [a["action"] for a in audit] == ["trial.create"] + ["cohort.add"] * 3 + [
        "decision.record"
    ]
    assert client.get("/api/audit/verify", headers=viewer).json()["ok"] is True


def test_decision_that_differs_needs_a_justification(client, store):
    inv, stat = api_token(client, "investigator"), api_token(client, "statistician")
    tid = _trial(client, inv)
    client.post(f"/api/trials/{tid}/cohorts", json={"outcomes": "1NNN"}, headers=inv)
    before = _counts(store)
    body = {"decision": "1", "attendees": "A, B"}  # the design says escalate to 2
    r = client.post(f"/api/trials/{tid}/decisions", json=body, headers=stat)
    assert r.status_code == 422 and "justification" in r.json()["detail"]
    assert _counts(store) == before
    body["justification"] = "grade 2 neuropathy in two patients; stay and expand"
    r = client.post(f"/api/trials/{tid}/decisions", json=body, headers=stat)
    assert r.status_code == 201
    assert r.json()["decisions"][0]["differs_from_design"] is True
    # the meeting's decision governs the next cohort's dose, even against the 3+3 rules
    wrong = client.post(f"/api/trials/{tid}/cohorts", json={"outcomes": "2NNN"}, headers=inv)
    assert wrong.status_code == 422 and "decided by the meeting" in wrong.json()["detail"]
    r = client.post(f"/api/trials/{tid}/cohorts", json={"outcomes": "1NNN"}, headers=inv)
    assert r.status_code == 201, r.text
    assert r.json()["recommendation"] is None
    assert "cannot continue" in r.json()["recommendation_note"]
    no_attendees = client.post(
        f"/api/trials/{tid}/decisions", json={"decision": "2", "attendees": " "}, headers=stat
    )
    assert no_attendees.status_code == 422


def test_bad_cohorts_are_refused_without_partial_write(client, store):
    inv = api_token(client, "investigator")
    tid = _trial(client, inv)
    before = _counts(store)
    cases = {
        "1NNX": "outcomes",
        "NNX": "outcomes",
        "4NNN": "dose",  # the protocol has 3 dose levels
        "0NNN": "dose",
        "3NNN": "dose 1",  # the 3+3 starts at dose 1
        "N" * 13: "outcomes",
    }
    for outcomes, word in cases.items():
        r = client.post(f"/api/trials/{tid}/cohorts", json={"outcomes": outcomes}, headers=inv)
        assert r.status_code == 422, outcomes
        assert word in str(r.json()["detail"]), (outcomes, r.json())
    r = client.post(f"/api/trials/{tid}/cohorts", json={"dose": -1, "outcomes": "NNN"}, headers=inv)
    assert r.status_code == 422
    r = client.post(
        f"/api/trials/{tid}/cohorts", json={"dose": "two", "outcomes": "NNN"}, headers=inv
    )
    assert r.status_code == 422
    assert (
        client.post("/api/trials/999/cohorts", json={"outcomes": "1NNN"}, headers=inv).status_code
        == 404
    )
    assert _counts(store) == before


def test_protocol_yaml_errors_are_listed(client, store):
    inv = api_token(client, "investigator")
    before = _counts(store)
    r = client.post("/api/trials", json={"name": "bad", "protocol_yaml": BAD_YAML}, headers=inv)
    assert r.status_code == 422
    detail = r.json()["detail"]
    assert "not valid YAML" in detail["problems"][0]
    r = client.post(
        "/api/trials", json={"name": "bad", "protocol_yaml": "id: x\ntitle: t\n"}, headers=inv
    )
    assert r.status_code == 422 and len(r.json()["detail"]["problems"]) >= 3
    r = client.post("/api/trials", json={"name": "bad", "protocol": "no-such"}, headers=inv)
    assert r.status_code == 422 and "isak-phase1b" in r.json()["detail"]
    assert _counts(store) == before


def test_sql_metacharacters_are_data(client, store):
    inv = api_token(client, "investigator")
    name = 'Robert\'); DROP TABLE trials;-- "x" % _'
    tid = _trial(client, inv, name)
    listed = client.get("/api/trials", headers=inv).json()
    assert listed == [{"id": tid, "name": name, "protocol_source": "isak-phase1b"}]
    assert (
        client.post(
            "/api/trials", json={"name": name, "protocol": "isak-phase1b"}, headers=inv
        ).status_code
        == 422
    )  # duplicate name: a message, not an integrity error
    r = client.post(
        "/api/users",
        json={"username": "x' OR '1'='1", "password": "abcdefgh", "role": "viewer"},
        headers=api_token(client, "admin"),
    )
    assert r.status_code == 422 and "username" in r.json()["detail"]


def test_admin_creates_users_only_admin(client):
    body = {"username": "newbie", "password": "long enough", "role": "investigator"}
    assert (
        client.post("/api/users", json=body, headers=api_token(client, "statistician")).status_code
        == 403
    )
    r = client.post("/api/users", json=body, headers=api_token(client, "admin"))
    assert r.status_code == 201 and r.json()["role"] == "investigator"
    bad_role = dict(body, username="other", role="root")
    assert (
        client.post("/api/users", json=bad_role, headers=api_token(client, "admin")).status_code
        == 422
    )


def test_design_comparison_api(client):
    viewer = api_token(client, "viewer")
    r = client.post("/api/design/compare", json={"n_trials": 200}, headers=viewer)
    assert r.status_code == 200
    summary = r.json()["summary"]
    assert len(summary) == 4 * 5
    assert {s["design"] for s in summary} == {
        "3+3 (de-escalate)",
        "BOIN",
        "mTPI-2",
        "CRM (empiric)",
    }
    for body, field in (
        ({"target": 1.5}, "target"),
        ({"max_n": 31}, "max_n"),
        ({"scenarios": [[0.1, 0.2]]}, "scenario 1"),
        ({"scenarios": [[0.5, 0.4, 0.3, 0.2, 0.1]]}, "rising"),
        ({"n_trials": 10**9}, "n_trials"),
    ):
        r = client.post("/api/design/compare", json=body, headers=viewer)
        assert r.status_code == 422 and field in str(r.json()["detail"]), body


def test_oversized_body_is_413(client):
    inv = api_token(client, "investigator")
    big = "x" * 300_000
    r = client.post("/api/trials", json={"name": "big", "protocol_yaml": big}, headers=inv)
    assert r.status_code == 413 and "limit" in r.json()["detail"]


def test_cohort_from_an_earlyphase_dlt_file(client):
    inv = api_token(client, "investigator")
    tid = _trial(client, inv)
    csv = b"subject_id,dlt,rule\n1,False,\n2,False,\n3,True,x\n"
    url = f"/api/trials/{tid}/cohorts/dlt-file"
    files = {"file": ("dlt.csv", csv, "text/csv")}
    assert client.post(url, data={"dose": "1"}, files=files).status_code == 401
    r = client.post(url, data={"dose": "1"}, files=files, headers=inv)
    assert r.status_code == 201, r.text
    assert r.json()["cohorts"][0] == {**r.json()["cohorts"][0], "dose": 1, "outcomes": "NNT"}
    bad = {"file": ("dlt.csv", b"subject_id,grade\n1,3\n", "text/csv")}
    r = client.post(url, data={"dose": "1"}, files=bad, headers=inv)
    assert r.status_code == 422 and "earlyphase dlt" in r.json()["detail"]

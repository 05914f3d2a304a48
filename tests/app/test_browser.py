"""End to end in a real browser: Debian's Chromium driven by Playwright.

The server is ``earlyphase app`` itself, bound to 127.0.0.1 on a free port, stopped at the
end.  Playwright cannot download browsers here; ``.ci/run`` installs Debian's ``chromium``
and the test points Playwright at it with ``executable_path``.
"""

from __future__ import annotations

import os
import re
import shutil
import socket
import sqlite3
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

playwright_api = pytest.importorskip("playwright.sync_api")

from earlyphase.app.db import open_store  # noqa: E402
from earlyphase.app.users import create_user  # noqa: E402

PASSWORD = "browser-test-pass"


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def server(tmp_path: Path):
    """``earlyphase app`` on 127.0.0.1:<free port> with an admin and a viewer; stopped after."""
    db = tmp_path / "browser.db"
    store = open_store(f"sqlite:///{db}")
    with store.write() as session:
        create_user(session, "admin", PASSWORD, "admin", "test")
        create_user(session, "vera", PASSWORD, "viewer", "test")
    store.engine.dispose()
    port = _free_port()
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "earlyphase",
            "app",
            "--host",
            "127.0.0.1",
            "--port",
            str(port),
            "--db",
            f"sqlite:///{db}",
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        env=os.environ.copy(),
    )
    url = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                with urllib.request.urlopen(f"{url}/health", timeout=1) as r:
                    if r.status == 200:
                        break
            except OSError:
                if proc.poll() is not None or time.monotonic() > deadline:
                    out = proc.stdout.read().decode() if proc.stdout else ""
                    pytest.fail(f"earlyphase app did not start: {out}")
                time.sleep(0.2)
        yield url, db
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
        if proc.stdout:
            proc.stdout.close()


def _login(page, url: str, username: str) -> None:
    page.goto(f"{url}/login")
    page.fill("input[name=username]", username)
    page.fill("input[name=password]", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(re.compile(r".*/trials$"))


def _logout(page) -> None:
    page.click("header button")
    page.wait_for_url(re.compile(r".*/login$"))


def test_meeting_in_a_browser(server, tmp_path):
    url, db = server
    executable = shutil.which("chromium") or shutil.which("chromium-browser")
    assert executable, "Debian's chromium is required (.ci/run installs it)"
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=executable, args=["--no-sandbox"])
        page = browser.new_page()
        # an admin creates the statistician's account
        _login(page, url, "admin")
        page.goto(f"{url}/users")
        page.fill("input[name=username]", "stella")
        page.fill("input[name=password]", PASSWORD)
        page.select_option("select[name=role]", "statistician")
        page.click("form.card button[type=submit]")
        assert "user stella (statistician) created" in page.inner_text("main")
        _logout(page)

        # the statistician creates a trial and enters three cohorts
        _login(page, url, "stella")
        page.fill("input[name=name]", "ISA-K phase 1b")
        page.select_option("select[name=builtin]", "isak-phase1b")
        page.click("#new-trial button[type=submit]")
        page.wait_for_url(re.compile(r".*/trials/1$"))
        for dose, outcomes in (("1", "NNN"), ("2", "NTN"), ("2", "NNN")):
            page.select_option("#add-cohort select[name=dose]", dose)
            page.fill("#add-cohort input[name=outcomes]", outcomes)
            page.click("#add-cohort button[type=submit]")
            page.wait_for_selector(f"text=dose {dose}, {outcomes}")
        rec = page.inner_text("#recommendation")
        assert "Escalate: next cohort at dose level 3" in rec
        assert "1 DLT in 6 patients" in rec
        page.wait_for_function(
            "() => document.querySelector(\"img[alt^='Escalation history']\").naturalWidth > 0",
            timeout=30_000,
        )

        # the meeting decides to stay at dose 2, which differs: a justification is required
        page.select_option("#decide select[name=decision]", "2")
        page.fill("#decide input[name=attendees]", "Dr A (PI), Dr B (SRC), S. Tella")
        page.click("#decide button[type=submit]")
        assert "justification" in page.inner_text("#error")
        page.fill("#decide textarea[name=justification]", "Grade 2 neuropathy at dose 2")
        page.click("#decide button[type=submit]")
        page.wait_for_selector("text=decision after cohort 3 recorded: stay")
        assert "(differs)" in page.inner_text("#decisions")

        # the decision is in the audit trail and the chain verifies
        page.goto(f"{url}/audit")
        assert "decision.record" in page.inner_text("#audit")
        assert "hash chain verified" in page.inner_text("#verification")
        _logout(page)

        # a viewer cannot record a decision; unauthenticated API writes are refused
        _login(page, url, "vera")
        page.goto(f"{url}/trials/1")
        assert page.locator("#decide").count() == 0
        token = page.locator("header input[name=csrf_token]").get_attribute("value")
        r = page.request.post(
            f"{url}/trials/1/decisions",
            form={"decision": "3", "attendees": "x", "justification": "y", "csrf_token": token},
        )
        assert r.status == 403
        r = page.request.post(f"{url}/api/trials", data={"name": "x", "protocol": "isak-phase1b"})
        assert r.status == 401

        # a row edited directly in the database is detected
        with sqlite3.connect(db) as conn:
            conn.execute("UPDATE audit_log SET actor = 'mallory' WHERE action = 'decision.record'")
        page.goto(f"{url}/audit")
        assert "TAMPERED" in page.inner_text("#verification")
        browser.close()
    cli = subprocess.run(
        [sys.executable, "-m", "earlyphase", "app", "verify-audit", "--db", f"sqlite:///{db}"],
        capture_output=True,
        text=True,
    )
    assert cli.returncode == 1 and "content does not match its hash" in cli.stdout

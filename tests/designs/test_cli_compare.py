"""The `earlyphase design` commands and compare_designs, as a user runs them."""

from __future__ import annotations

import io
import json

import numpy as np
import pandas as pd
import pytest
from typer.testing import CliRunner

from earlyphase.cli import app
from earlyphase.designs import (
    BOIN,
    CRM,
    ThreePlusThree,
    compare_designs,
    getprior,
    make_design,
    side_by_side,
)
from earlyphase.errors import DesignError

runner = CliRunner()


def run(*args: str):
    result = runner.invoke(app, ["design", *args])
    return result


def test_oc_for_the_reference_protocol_is_exact_with_expansion():
    r = run("oc", "--protocol", "isak-phase1b", "--true-dlt", "0.05,0.10,0.20", "--json")
    assert r.exit_code == 0, r.output
    data = json.loads(r.output)
    exact = ThreePlusThree(3, "de-escalate", expansion=18).exact_oc([0.05, 0.10, 0.20])
    assert data["expansion_n"] == 18
    assert data["expected_n_total"] == pytest.approx(exact.expected_n_total)
    assert [row["p_select"] for row in data["table"]] == pytest.approx(exact.p_select.tolist())
    assert sum(data["n_total_distribution"].values()) == pytest.approx(1.0)


def test_decide_prints_decision_and_reasons():
    r = run("decide", "--design", "boin", "--target", "0.25", "--doses", "5", "1NNN 2NTN")
    assert r.exit_code == 0, r.output
    assert "de-escalate -> next cohort at dose 1" in r.output
    assert "de-escalation boundary" in r.output
    r = run("decide", "--design", "boin", "--target", "0.25", "--doses", "5", "1NNN 2NTN", "--json")
    assert json.loads(r.output)["next_dose"] == 1


def test_table_csv_and_out(tmp_path):
    r = run(
        "table", "--design", "boin", "--target", "0.25", "--doses", "5", "--max-n", "30", "--csv"
    )
    assert r.exit_code == 0
    lines = r.output.strip().splitlines()
    assert lines[0] == "n,escalate_if_dlt_le,deescalate_if_dlt_ge,eliminate_if_dlt_ge"
    assert lines[3] == "3,0,1,3" and len(lines) == 31
    out = tmp_path / "t.json"
    r = run("table", "--design", "mtpi2", "--target", "0.3", "--doses", "4", "--out", str(out))
    assert r.exit_code == 0 and len(json.loads(out.read_text())["table"]) == 30


def test_simulate_and_compare_with_plot(tmp_path):
    r = run(
        "simulate",
        "--design",
        "boin",
        "--target",
        "0.3",
        "--true-dlt",
        "0.1,0.3,0.5",
        "-n",
        "1000",
        "--json",
    )
    assert r.exit_code == 0, r.output
    assert json.loads(r.output)["n_trials"] == 1000
    png = tmp_path / "sel.png"
    r = run(
        "compare",
        "-s",
        "0.05,0.1,0.3",
        "-s",
        "0.3,0.45,0.6",
        "--designs",
        "3+3,boin,crm",
        "-n",
        "500",
        "--plot",
        str(png),
        "--csv",
    )
    assert r.exit_code == 0, r.output
    frame = pd.read_csv(io.StringIO(r.stdout))
    assert set(frame["design"]) == {"3+3 (escalate-only)", "BOIN", "CRM (empiric)"}
    assert png.read_bytes()[:4] == b"\x89PNG"


def test_cli_bad_input_is_a_clear_error():
    from earlyphase.cli._errors import run_with_clean_errors  # noqa: F401  (entry point used by users)

    r = run("decide", "--design", "3+3", "--doses", "3", "1NNN 3NNN")
    assert isinstance(r.exception, DesignError)
    assert "expected dose 2" in str(r.exception)
    r = run("oc", "--design", "3+3", "--true-dlt", "0.1,abc")
    assert isinstance(r.exception, DesignError) and "--true-dlt item 2" in str(r.exception)


def test_compare_uses_common_random_numbers_and_exact_3p3():
    designs = [
        ThreePlusThree(3),
        BOIN(0.3, 3, n_cohorts=6),
        CRM(0.3, tuple(getprior(0.05, 0.3, 2, 3)), 18),
    ]
    frame = compare_designs(designs, {"flat": [0.1, 0.2, 0.3]}, n_trials=1000, seed=4)
    assert frame.groupby("design")["p_select"].sum().round(12).eq(1).all()
    assert frame.loc[frame["design"].str.startswith("3+3"), "exact"].all()
    again = compare_designs(designs[1:2], {"flat": [0.1, 0.2, 0.3]}, n_trials=1000, seed=4)
    boin = frame[frame["design"] == "BOIN"].reset_index(drop=True)
    assert np.array_equal(boin["p_select"].to_numpy(), again["p_select"].to_numpy())
    wide = side_by_side(frame)
    assert list(wide.columns[:2]) == ["scenario", "dose"] and len(wide) == 4


def test_make_design_names():
    assert isinstance(make_design("BOIN", 4, 0.3), BOIN)
    assert (
        make_design("3+3", 4, variant="de-escalate-6-at-top").variant == "de-escalate-confirm-top"
    )
    with pytest.raises(DesignError, match="design"):
        make_design("rolling6", 4, 0.3)
    with pytest.raises(DesignError, match="target"):
        make_design("crm", 4)

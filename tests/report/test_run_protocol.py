"""`earlyphase run --protocol solid-tumour-phase1-template`: the template's virtual trial end to end."""

from __future__ import annotations

import pandas as pd
from typer.testing import CliRunner

from earlyphase.cli import app
from earlyphase.twin.builtin_scenarios import builtin_scenario, builtin_scenarios

runner = CliRunner()


def test_template_runs_end_to_end(tmp_path):
    assert "solid-tumour-phase1-template" in builtin_scenarios()
    assert builtin_scenario("solid-tumour-phase1-template").true_dlt["DL5"] == 0.45
    out = tmp_path / "out"
    res = runner.invoke(
        app,
        [
            "run",
            "--protocol",
            "solid-tumour-phase1-template",
            "--out",
            str(out),
            "--formats",
            "csv,html",
            "--seed",
            "3",
        ],
    )
    assert res.exit_code == 0, res.output
    for domain in ("tu", "tr", "rs", "ex", "ae", "dm"):
        assert (out / "sdtm" / f"{domain}.xpt").exists(), domain
    table = pd.read_csv(out / "tables" / "efficacy_recist_response.csv")
    overall = table[(table["column"] == "OVERALL") & (table["stat"] == "n")].set_index("row")
    counts = overall.loc[["CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE"], "value"]
    denom = table[(table["column"] == "OVERALL") & (table["stat"] == "denom")]["value"]
    assert counts.sum() == denom.iloc[0] > 0  # every treated patient has one best response
    assert overall.loc["ORR", "value"] == overall.loc["CR", "value"] + overall.loc["PR", "value"]
    for name in ("figure_waterfall", "figure_spider", "figure_swimmer_recist"):
        assert (out / "figures" / f"{name}_data.csv").exists(), name
    dm = pd.read_sas(out / "sdtm" / "dm.xpt", format="xport", encoding="utf-8")
    assert set(dm["STUDYID"]) == {"SOLID-TUMOUR-PHASE1-TEMPLATE"}
    # the IMWG (myeloma) response outputs do not apply to a RECIST 1.1 trial: omitted, not drawn
    for imwg_only in ("efficacy_best_response", "response_deepening"):
        assert not (out / "tables" / f"{imwg_only}.csv").exists(), imwg_only

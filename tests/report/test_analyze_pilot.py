"""``analyze`` and ``build_report`` on the real CDISC pilot data (tests/data/cdisc-pilot)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.cdisc.io import read_dataset
from earlyphase.errors import FindingsError
from earlyphase.report.pipeline import analyze, build_report

REF = "tests/reference/survival/km_quantiles.csv"


@pytest.fixture(scope="module")
def result(pilot_data_dir, tmp_path_factory):
    out = tmp_path_factory.mktemp("pilot")
    return analyze(
        pilot_data_dir / "sdtm",
        None,
        out,
        formats=("csv", "png", "html"),
        prefer="xpt",
        allow_findings=True,
    )


def test_no_protocol_gives_tables_by_the_three_arms(result):
    assert {"disposition", "table1_demographics", "exposure", "table2_adverse_events"} <= set(
        result.tables
    )
    for table_id in ("disposition", "table1_demographics", "exposure", "table2_adverse_events"):
        headers = [f"{c.span} {c.header}" for c in result.tables[table_id].spec.columns]
        text = " ".join(headers)
        for arm in ("Placebo", "Zanomaline Low Dose (54 mg)", "Zanomaline High Dose (81 mg)"):
            assert arm in text, (table_id, headers)
    t1 = result.tables["table1_demographics"]
    assert t1.value("age", "OVERALL", "n") == 17  # the treated subjects
    assert not any(r.key.startswith("mmtype") for r in t1.spec.rows)


def test_what_was_not_produced_is_listed_with_a_reason(result):
    skipped = {s.output_id: s.reasons for s in result.skipped}
    assert {"figure_swimmer", "figure3_km_pfs", "time_to_event", "infusion_reactions"} <= set(
        skipped
    )
    assert all(reasons for reasons in skipped.values())
    assert not result.figures  # nothing drawn empty
    not_produced = pd.read_csv(result.out_dir / "not_produced.csv")
    assert set(not_produced["output_id"]) == set(skipped)


def test_plan_and_validation_are_recorded(result):
    notes = " ".join(result.notes)
    assert "inferred from the SDTM" in notes and "TRT01PN = 54" in notes
    assert "proceeded despite the errors (--allow-findings)" in notes
    findings = pd.read_csv(result.out_dir / "validation.csv")
    assert "AEDECOD" in set(findings["variable"])


def test_methods_describe_what_ran(result):
    html = (result.out_dir / "report.html").read_text()
    methods = html[html.rindex("Methods") : html.index("Figures: matplotlib")]
    assert "inferred from the SDTM" in methods
    assert "proceeded despite the errors" in methods
    assert "severity (AESEV" in methods
    for absent in ("IMWG", "Pharmacokinetics", "Kaplan", "Clopper", "CTCAE v4.03 grades"):
        assert absent not in methods, absent


def test_validation_errors_stop_the_run_without_allow_findings(pilot_data_dir, tmp_path):
    with pytest.raises(FindingsError, match="AEDECOD.*--allow-findings"):
        analyze(pilot_data_dir / "sdtm", None, tmp_path, formats=("csv",), prefer="xpt")
    assert (tmp_path / "validation.csv").is_file()
    assert not (tmp_path / "adam").exists()


def test_pilot_adtte_km_by_arm_through_build_report_matches_r(pilot_data_dir, tmp_path):
    """Time to first dermatologic event (PARAMCD TTDE) by TRT01A, SAS log-log limits.

    Reference: tests/reference/survival/km_quantiles.csv, dataset pilot_trta, written by
    generate_survival_refs.R (R survival, quantile(survfit(...), conf.type = "log-log")).
    """
    adam = {
        name: read_dataset(pilot_data_dir / "adam" / f"{name.lower()}.xpt")
        for name in ("ADSL", "ADTTE")
    }
    report = build_report(adam, tmp_path, formats=("csv", "png"))
    table = report.tables["time_to_event"]
    ref = pd.read_csv(REF)
    ref = ref[
        (ref.dataset == "pilot_trta")
        & (ref.conf_type == "log-log")
        & (ref.prob == 0.5)
        & (ref.level == 0.95)
    ].set_index("group")
    adsl = adam["ADSL"].drop_duplicates("TRT01A").set_index("TRT01A")["TRT01AN"]
    for arm, row in ref.iterrows():
        key = "OVERALL" if arm == "ALL" else f"DL{float(adsl[arm]):g}"
        got = [table.value("TTDE:median", key, s) for s in ("median", "lcl", "ucl")]
        np.testing.assert_allclose(got, row[["quantile", "lower", "upper"]].to_numpy(float))
    assert "figure3_km_pfs" in {s.output_id for s in report.skipped}


def test_pipeline_import_is_lazy():
    """``analyze`` on a trial without efficacy data needs neither scipy.stats nor matplotlib
    at import time (they cost ~1 s; issue 12's < 5 s target for the pilot)."""
    import subprocess
    import sys

    code = (
        "import sys; import earlyphase.report.pipeline; "
        "print(sorted(m for m in ('scipy.stats', 'matplotlib', 'rtflite') if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"


def test_analyze_cli_without_protocol(pilot_data_dir, tmp_path, capsys):
    from earlyphase.cli import app
    from earlyphase.cli._errors import EXIT_CHECK_FAILED, EXIT_OK, run_cli

    base = ["analyze", str(pilot_data_dir / "sdtm"), "--prefer", "xpt", "--formats", "csv"]
    assert run_cli(app, [*base, "--out", str(tmp_path / "a")]) == EXIT_CHECK_FAILED
    assert "--allow-findings" in capsys.readouterr().err
    code = run_cli(app, [*base, "--out", str(tmp_path / "b"), "--allow-findings"])
    out = capsys.readouterr().out
    assert code == EXIT_OK
    assert "4 tables" in out and "inferred from the SDTM" in out
    assert "not produced: Best response, ORR, CBR (missing ADRS)" in out

"""The pipeline with missing inputs, bad options, and the command line."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from earlyphase.errors import DataError
from earlyphase.report import build_report


def test_missing_domains_and_variables_are_listed_and_the_rest_is_produced(adam, tmp_path):
    broken = {k: v for k, v in adam.items() if k != "ADPP"}
    broken["ADAE"] = adam["ADAE"].drop(columns=["IRFL"])
    result = build_report(broken, tmp_path, formats=("csv",))
    skipped = {s.output_id: s.reasons for s in result.skipped}
    assert skipped == {
        "table3_pk_parameters": ("ADPP",),
        "pk_proportionality": ("ADPP",),
        "pk_listing": ("ADPP",),
        "infusion_reactions": ("ADAE.IRFL",),
        "infusion_reactions_by_infusion": ("ADAE.IRFL",),
    }
    assert "table2_adverse_events" in result.tables and "efficacy_best_response" in result.tables
    assert (tmp_path / "not_produced.csv").read_text().count("\n") == 6
    assert not (tmp_path / "report.pdf").exists()  # only the formats asked for
    assert not result.figures  # data-only output draws no figure


def test_lower_case_dataset_names_are_accepted(adam, tmp_path):
    result = build_report({k.lower(): v for k, v in adam.items()}, tmp_path, formats=("csv",))
    assert not result.skipped


def test_unknown_format_is_a_clear_error(adam, tmp_path):
    with pytest.raises(DataError, match="formats"):
        build_report(adam, tmp_path, formats=("docx",))


def test_non_dataframe_input_is_a_clear_error(tmp_path):
    with pytest.raises(DataError, match=r"adam\['ADSL'\]"):
        build_report({"ADSL": [1, 2]}, tmp_path)


def test_cli_analyze_missing_folder_exits_2(tmp_path):
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "earlyphase",
            "analyze",
            str(tmp_path / "nope"),
            "--protocol",
            "x",
            "--out",
            str(tmp_path),
        ],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert proc.returncode == 2
    assert "error:" in proc.stderr and "SDTM" in proc.stderr


def test_cli_help_lists_run_and_analyze():
    proc = subprocess.run(
        [sys.executable, "-m", "earlyphase", "--help"], capture_output=True, text=True, timeout=60
    )
    assert proc.returncode == 0 and " run " in proc.stdout and " analyze " in proc.stdout


def _write_sdtm(folder, drop=()):
    sys.path.insert(0, str(Path(__file__).parents[1] / "cdisc"))
    from sdtm_fixture import make_study  # the shared 4-subject SDTM study of tests/cdisc

    from earlyphase.cdisc.io import write_dataset

    folder.mkdir()
    for name, frame in make_study().items():
        if name not in drop:
            write_dataset(frame, folder / f"{name.lower()}.parquet")
    return folder


def test_analyze_sdtm_end_to_end(tmp_path):
    from earlyphase.report.pipeline import analyze

    sdtm = _write_sdtm(tmp_path / "sdtm")
    result = analyze(sdtm, "isak-phase1b", tmp_path / "out", formats=("csv",))
    assert result.skipped == ()
    assert result.tables["disposition"].value("enrolled", "OVERALL", "n") == 4
    assert (tmp_path / "out" / "adam" / "adsl.json").exists()
    # the file count printed by the command covers every file written (ADaM included)
    written = {p for p in (tmp_path / "out").rglob("*") if p.is_file()}
    assert set(result.files) == written


def test_analyze_with_missing_domains_lists_them_and_reports_the_rest(tmp_path):
    from earlyphase.report.pipeline import analyze

    sdtm = _write_sdtm(tmp_path / "sdtm", drop=("PC", "AE", "SUPPAE"))
    result = analyze(sdtm, "isak-phase1b", tmp_path / "out", formats=("html", "csv"))
    missing = {s.output_id: " ".join(s.reasons) for s in result.skipped}
    assert {"table2_adverse_events", "table3_pk_parameters", "figure1_infusion_reactions"} <= set(
        missing
    )
    assert "ADAE" in missing["table2_adverse_events"] and "ADPP" in missing["table3_pk_parameters"]
    assert "efficacy_best_response" in result.tables and "table1_demographics" in result.tables
    html = result.html_path.read_text(encoding="utf-8")
    assert "Missing SDTM input" in html and "Outputs not produced" in html
    assert "ADAE" in html and "figure2_response_rates" in result.figures


def test_run_reference_wiring(tmp_path, monkeypatch):
    """run_reference = reconstruct -> derive ADaM -> report with the published section.

    The reconstruction is replaced by the shared 4-subject SDTM study so that this test
    checks the wiring, not the twin (tested in tests/twin)."""
    import types

    import pandas as pd

    from earlyphase.report.pipeline import run_reference

    sys.path.insert(0, str(Path(__file__).parents[1] / "cdisc"))
    from sdtm_fixture import make_study

    from earlyphase.twin import write_pk_calibration

    calls = []
    fake = types.ModuleType("earlyphase.twin")
    fake.reconstruct = lambda seed=0: calls.append(seed) or make_study()
    fake.reconstruct_with_pk_calibration = lambda seed=0: (
        calls.append(seed) or (make_study(), pd.DataFrame({"subj": [1]}), pd.DataFrame())
    )
    fake.write_pk_calibration = write_pk_calibration
    monkeypatch.setitem(sys.modules, "earlyphase.twin", fake)
    steps: list[str] = []
    result = run_reference(tmp_path, seed=7, formats=("html", "csv"), progress=steps.append)
    assert calls == [7]
    assert steps[0].startswith("Reconstructing") and "Writing HTML" in steps
    frame = result.comparison.to_frame().set_index("key")
    assert frame.loc["n_patients", "reproduced"] == 4  # the fixture's 4 subjects vs 33 published
    assert frame.loc["n_patients", "status"] == "differs"
    assert (tmp_path / "adam" / "adsl.json").exists()
    assert (tmp_path / "pk_calibration" / "individual_effects.csv").exists()
    assert set(result.files) == {p for p in tmp_path.rglob("*") if p.is_file()}
    assert "Published versus reproduced" in result.html_path.read_text(encoding="utf-8")

"""The analysis plan (protocol or inferred) and the validation gate shared by adam/analyze."""

from __future__ import annotations

import pandas as pd
import pytest

from earlyphase.cdisc.gate import validate_for_analysis
from earlyphase.cdisc.plan import infer_plan, resolve_plan
from earlyphase.cdisc.study import read_study
from earlyphase.cli import app
from earlyphase.cli._errors import EXIT_CHECK_FAILED, EXIT_OK, run_cli
from earlyphase.errors import FindingsError
from earlyphase.protocol import load_protocol
from earlyphase.protocol.analysis import PopulationRule, plan_from_protocol


def _dm(codes, labels):
    return pd.DataFrame(
        {
            "STUDYID": "S",
            "DOMAIN": "DM",
            "USUBJID": [f"S-{i}" for i in range(len(codes))],
            "ARMCD": codes,
            "ARM": labels,
        }
    )


def test_protocol_plan_numbers_dose_levels_and_names_drugs():
    plan = plan_from_protocol(load_protocol("isak-phase1b"))
    assert plan.arm_numbers == {"DL1": 1.0, "DL2": 2.0, "DL3": 3.0}
    assert [(d.name, d.unit, d.code) for d in plan.drugs] == [
        ("ISATUXIMAB", "mg/kg", "ISA"),
        ("CARFILZOMIB", "mg/m2", "CARF"),
    ]
    assert plan.disease == "multiple-myeloma" and plan.source == "protocol"
    assert [p.flag for p in plan.populations] == ["SAFFL", "EFFFL", "PKFL"]


def test_inferred_arms_by_code_number_and_screen_failures_excluded():
    dm = _dm(["DL2", "DL1", "SCRNFAIL", ""], ["Dose 2", "Dose 1", "Screen Failure", ""])
    plan = infer_plan({"DM": dm})
    assert plan.arm_numbers == {"DL1": 1.0, "DL2": 2.0}
    assert any("2 subject(s) with no arm" in n for n in plan.inferred)


def test_unknown_arm_is_an_error_finding_naming_subject_and_value():
    dm = _dm(["DL1", "DLX"], ["Dose 1", "Dose X"])
    plan = resolve_plan({"DM": dm}, "isak-phase1b")
    with pytest.raises(FindingsError, match=r"DM\.ARMCD: got 'DLX' \(subjects S-1\)"):
        validate_for_analysis({"DM": dm}, plan)
    outcome = validate_for_analysis({"DM": dm}, plan, allow_findings=True)
    assert "proceeded despite the errors" in outcome.methods_text()


def test_population_rule_validation():
    rule = PopulationRule(flag="DLTFL", label="DLT-evaluable", rule="treated")
    assert rule.rule == "treated"
    with pytest.raises(ValueError):
        PopulationRule(flag="safety", label="x", rule="treated")
    with pytest.raises(ValueError):
        PopulationRule(flag="SAFFL", label="x", rule="dosed")  # type: ignore[arg-type]


def test_adam_cli_stops_on_findings_unless_allowed(pilot_data_dir, tmp_path):
    sdtm = str(pilot_data_dir / "sdtm")
    args = ["adam", sdtm, "--prefer", "xpt", "--out", str(tmp_path / "a"), "--format", "csv"]
    assert run_cli(app, args) == EXIT_CHECK_FAILED
    assert (tmp_path / "a" / "validation.csv").is_file()
    assert not (tmp_path / "a" / "adsl.csv").exists()
    args[args.index(str(tmp_path / "a"))] = str(tmp_path / "b")
    assert run_cli(app, [*args, "--allow-findings"]) == EXIT_OK
    assert (tmp_path / "b" / "adsl.csv").is_file()


def test_pilot_study_reads(pilot_data_dir):
    study = read_study(pilot_data_dir / "sdtm", prefer="xpt", validate=False)
    assert infer_plan(study).arm_numbers == {"PLACEBO": 0.0, "ZAN_LOW": 54.0, "ZAN_HIGH": 81.0}


def test_protocol_population_rules_drive_adsl_flags(tmp_path):
    """A protocol's ``populations:`` replace the default flags (here: all enrolled, treated)."""
    from pathlib import Path

    import yaml
    from sdtm_fixture import make_study

    from earlyphase.cdisc.adam import derive_adsl

    builtin = Path(__file__).parents[2] / "src/earlyphase/protocol/builtin/isak-phase1b.yaml"
    source = yaml.safe_load(builtin.read_text())
    source["populations"] = [
        {"flag": "ENRLFL", "label": "Enrolled", "rule": "enrolled"},
        {"flag": "SAFFL", "label": "Safety", "rule": "treated"},
    ]
    path = tmp_path / "custom.yaml"
    path.write_text(yaml.safe_dump(source))
    adsl = derive_adsl(make_study(), str(path))
    assert list(adsl["ENRLFL"]) == ["Y"] * 4 and list(adsl["SAFFL"]) == ["Y"] * 4
    assert "EFFFL" not in adsl.columns and "PKFL" not in adsl.columns


def test_dates_out_of_order_and_partial_are_findings_naming_subject_and_value():
    from earlyphase.cdisc.date_findings import date_findings

    ae = pd.DataFrame(
        {
            "USUBJID": ["S-0", "S-1", "S-2"],
            "AESTDTC": ["2020-01-10", "2020-02", "2020-03-01"],
            "AEENDTC": ["2020-01-05", "2020-02-20", ""],
        }
    )
    found = {(f.variable, f.severity): f for f in date_findings({"AE": ae})}
    backwards = found[("AEENDTC", "error")]
    assert backwards.n_rows == 1
    assert "S-0 (AESTDTC='2020-01-10', AEENDTC='2020-01-05')" in backwards.message
    partial = found[("AESTDTC", "warning")]
    assert "S-1 (AESTDTC='2020-02')" in partial.message
    assert "first of the period" in partial.message
    assert set(found) == {("AEENDTC", "error"), ("AESTDTC", "warning")}

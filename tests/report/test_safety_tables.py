"""DLT and safety tables (earlyphase.report.tables.dlt / safety).

Expected numbers are counted by hand from the small frames below, or computed independently
with plain pandas from the synthetic ADaM study (tests/report/synthetic_adam.py)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.clinical.dlt import DLTRules
from earlyphase.errors import DataError
from earlyphase.report.options import ReportOptions
from earlyphase.report.tables import dlt, safety


def _trial(ir_grade: int = 3, extra: list | None = None) -> dict[str, pd.DataFrame]:
    """Escalation 1NNN 2NTN 2NNN (DL2 expanded after 1/3) and 3 expansion patients."""
    ids = [f"S{i:02d}" for i in range(1, 13)]
    dose = [1, 1, 1, 2, 2, 2, 2, 2, 2, 2, 2, 2]
    cohort = ["ESCALATION"] * 9 + ["EXPANSION"] * 3
    adsl = pd.DataFrame(
        {
            "USUBJID": ids,
            "TRT01AN": dose,
            "TRT01A": [f"Dose {d}" for d in dose],
            "SAFFL": "Y",
            "COHORT": cohort,
            "TRTSDT": pd.date_range("2020-01-01", periods=12, freq="14D"),
            "DTHFL": ["Y", "", "", "", "", "", "", "", "", "", "", "Y"],
            "DTHCAUS": ["Disease progression"] + [None] * 10 + ["Pneumonia"],
        }
    )
    rows = [
        # S05 (cohort 2, DL2): grade 3 related pneumonitis on day 10 -> a DLT
        ("S05", "Pneumonitis", "RESPIRATORY", 3, 10, 20, "RELATED", "N", "N"),
        # S01: grade 3 infusion reaction on day 1: scored separately, not a DLT
        ("S01", "Infusion related reaction", "INJURY", ir_grade, 1, 1, "RELATED", "Y", "N"),
        # S02: grade 3 related event after the window (day 40): not a DLT
        ("S02", "Pneumonitis", "RESPIRATORY", 3, 40, 45, "RELATED", "N", "Y"),
        # S12 (expansion): grade 4 related event: not DLT-evaluable, serious
        ("S12", "Pneumonia", "INFECTIONS", 5, 5, 9, "POSSIBLY RELATED", "N", "Y"),
        ("S12", "Pneumonia", "INFECTIONS", 3, 2, 3, "POSSIBLY RELATED", "N", "Y"),
    ] + (extra or [])
    adae = pd.DataFrame(
        rows,
        columns=[
            "USUBJID",
            "AEDECOD",
            "AEBODSYS",
            "ATOXGRN",
            "ASTDY",
            "AENDY",
            "AEREL",
            "IRFL",
            "AESER",
        ],
    )
    adae["RELFL"] = np.where(
        adae["AEREL"].str.contains("RELATED") & ~adae["AEREL"].str.startswith("NOT"), "Y", "N"
    )
    adae["IRDRUG"] = "DRUG A"
    adae["IRDAY"] = "C1D1"
    return {"ADSL": adsl, "ADAE": adae}


def test_dlt_table_counts_only_escalation_patients_and_scores_infusion_reactions_apart():
    adam = _trial()
    table = dlt.dlt_table(adam, ReportOptions())
    assert table.value("evaluable", "OVERALL", "n") == 9
    assert table.value("evaluable", "DL2", "n") == 6
    assert table.value("dlt", "DL2", "n") == 1
    assert table.value("dlt", "DL1", "n") == 0
    assert table.value("dlt", "OVERALL", "pct") == pytest.approx(100 / 9)
    assert table.value("event=Pneumonitis grade 3", "DL2", "n") == 1
    assert table.value("scored_apart", "DL1", "n") == 1
    text = " ".join(table.spec.footnotes)
    assert "MTD not reached" in text and "expansion" in text


def test_infusion_reaction_is_a_dlt_when_the_protocol_counts_it():
    rules = DLTRules(excluded_terms=frozenset(), excluded_flag=None)
    table = dlt.dlt_table(_trial(), ReportOptions(dlt_rules=rules))
    assert table.value("dlt", "DL1", "n") == 1
    assert table.value("scored_apart", "OVERALL", "n") == 0


def test_escalation_history_gives_the_3plus3_decision_after_each_cohort():
    table = dlt.dlt_escalation_table(_trial(), ReportOptions())
    body = {label: cells for label, _i, _s, cells in table.display().body}
    assert list(body) == ["Cohort 1: Dose 1", "Cohort 2: Dose 2", "Cohort 3: Dose 2"]
    assert body["Cohort 1: Dose 1"][4] == "escalate to dose level 2"
    assert body["Cohort 2: Dose 2"][3] == "1/3"
    assert body["Cohort 2: Dose 2"][4] == "stay to dose level 2"
    # 1/6 at the top dose (2 levels) -> stop, MTD = 2 (de-escalate variant)
    assert body["Cohort 3: Dose 2"][3] == "1/6"
    assert body["Cohort 3: Dose 2"][4].startswith("stop escalation; MTD = dose level 2")
    assert body["Cohort 3: Dose 2"][5] == "expansion at DL2 (3 patients)"
    assert "1NNN 2NTN 2NNN" in " ".join(table.spec.footnotes)


def test_mtd_is_the_dose_below_a_dose_with_more_than_a_third_dlts():
    extra = [
        ("S08", "Colitis", "GI", 3, 5, 9, "RELATED", "N", "N"),
        ("S09", "Colitis", "GI", 4, 5, 9, "RELATED", "N", "N"),
    ]
    table = dlt.dlt_table(_trial(extra=extra), ReportOptions())
    assert table.value("dlt", "DL2", "n") == 3  # 3/6 = 50% > 33%
    assert "MTD: Dose 1" in " ".join(table.spec.footnotes)


def test_serious_events_and_deaths():
    adam = _trial()
    sae = safety.serious_adverse_events_table(adam)
    assert sae.value("any", "OVERALL", "n") == 2  # S02, S12
    assert sae.value("events", "OVERALL", "events") == 3
    assert sae.value("AEBODSYS=INFECTIONS|AEDECOD=Pneumonia", "DL2", "n") == 1
    deaths = safety.deaths_table(adam)
    assert deaths.value("death", "OVERALL", "n") == 2
    assert deaths.value("death_rel", "OVERALL", "n") == 1  # S12: grade 5 possibly related
    assert deaths.value("_cause=Pneumonia", "DL2", "n") == 1
    assert deaths.value("_cause=Disease progression", "DL1", "n") == 1


def test_overview_matches_an_independent_count(adam):
    table = safety.safety_overview_table(adam)
    adsl = adam["ADSL"][adam["ADSL"]["SAFFL"] == "Y"]
    adae = adam["ADAE"][adam["ADAE"]["USUBJID"].isin(adsl["USUBJID"])]
    if "TRTEMFL" in adae:
        adae = adae[adae["TRTEMFL"] == "Y"]
    assert table.value("any", "OVERALL", "n") == adae["USUBJID"].nunique()
    keep = adae["ANLEXFL"] != "Y" if "ANLEXFL" in adae else True
    ge3 = adae[(pd.to_numeric(adae["ATOXGRN"]) >= 3) & keep]["USUBJID"].nunique()
    assert table.value("ge3", "OVERALL", "n") == ge3
    assert table.value("any", "OVERALL", "denom") == len(adsl)


def test_soc_pt_rows_are_sorted_by_overall_frequency(adam):
    table = safety.adverse_events_soc_pt_table(adam)
    socs = [r.key for r in table.spec.rows if r.indent == 0 and "|" not in r.key][1:]
    counts = [table.value(k, "OVERALL:any", "n") for k in socs]
    assert counts == sorted(counts, reverse=True)


def test_lab_shifts_need_graded_labs():
    adam = _trial()
    adam["ADLB"] = pd.DataFrame(
        {
            "USUBJID": ["S01", "S01", "S04", "S04"],
            "PARAMCD": "NEUT",
            "PARAM": "Neutrophils",
            "ABLFL": ["Y", "", "Y", ""],
            "ATOXGRN": [0, 3, 1, 1],
            "BTOXGRN": [0, 0, 1, 1],
        }
    )
    table = safety.lab_shift_table(adam)
    assert table.value("PARAM=Neutrophils|base=Baseline grade 0", "DL1:g3", "n") == 1
    assert table.value("PARAM=Neutrophils|base=Baseline grade 1", "DL2:g1", "n") == 1
    adam["ADLB"]["ATOXGRN"] = np.nan
    with pytest.raises(DataError, match="CTCAE-graded"):
        safety.lab_shift_table(adam)


def test_response_deepening_after_cycle_4():
    from earlyphase.report.tables.response_deepening import response_deepening_table

    # by hand: A PR at day 57 then VGPR at day 169 (deepened, 24.1 weeks); B SD then PR at
    # day 225 (deepened, 32.1 weeks); C VGPR at day 85 and no better (not deepened); D MR at
    # day 200 (not a responder category); E sCR at day 113 after PR at 85 (day 113 > 112)
    visits = {
        "A": [(57, "PR"), (169, "VGPR")],
        "B": [(29, "SD"), (225, "PR")],
        "C": [(85, "VGPR"), (197, "VGPR")],
        "D": [(29, "SD"), (200, "MR")],
        "E": [(85, "PR"), (113, "sCR")],
    }
    adrs = pd.DataFrame(
        [(s, "CONFRESP", cat, day) for s, v in visits.items() for day, cat in v],
        columns=["USUBJID", "PARAMCD", "AVALC", "ADY"],
    )
    adsl = pd.DataFrame(
        {
            "USUBJID": list(visits),
            "TRT01AN": [1, 1, 2, 2, 2],
            "TRT01A": ["L", "L", "H", "H", "H"],
            "EFFFL": "Y",
        }
    )
    table = response_deepening_table({"ADSL": adsl, "ADRS": adrs})
    assert table.value("deepened", "OVERALL", "n") == 3  # A, B, E
    assert table.value("deepened", "DL1", "n") == 2
    assert table.value("weeks", "OVERALL", "median") == pytest.approx(169 / 7)  # 113, 169, 225
    assert table.value("weeks", "OVERALL", "min") == pytest.approx(113 / 7)
    assert table.value("deepened:sCR/CR", "DL2", "n") == 1
    assert table.value("deepened:VGPR", "OVERALL", "n") == 1
    assert table.value("deepened:PR", "OVERALL", "n") == 1


def test_response_deepening_on_the_synthetic_study(adam):
    from earlyphase.report.tables.response_deepening import response_deepening_table

    # synthetic CONFRESP: SD at day 57, then the best response at day 169 (synthetic_adam.py),
    # so exactly the responders (sCR, CR, VGPR, PR) deepen after cycle 4, at 169/7 weeks
    table = response_deepening_table(adam)
    adsl = adam["ADSL"][adam["ADSL"]["EFFFL"] == "Y"]
    bor = adam["ADRS"].query("PARAMCD == 'BOR'")
    bor = bor[bor["USUBJID"].isin(adsl["USUBJID"])]
    responders = bor["AVALC"].isin(["sCR", "CR", "VGPR", "PR"]).sum()
    assert table.value("deepened", "OVERALL", "n") == responders
    assert table.value("weeks", "OVERALL", "median") == pytest.approx(169 / 7)

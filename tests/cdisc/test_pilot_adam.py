"""ADaM derived from the real CDISC pilot SDTM (tests/data/cdisc-pilot), no protocol.

Expected values come from the pilot's own SDTM (DM RFXENDTC, RFPENDTC, DS, AE AESEV) and
from the pilot's own ADaM ADSL (CDISC SDTM/ADaM pilot submission, CDISCPILOT01), matched
on SUBJID: the SDTM copy pseudonymises USUBJID (CDISC001...) but keeps SUBJID.
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.cdisc.adam import derive_adam
from earlyphase.cdisc.io import read_dataset
from earlyphase.cdisc.io.metadata import variable_labels
from earlyphase.cdisc.plan import infer_plan
from earlyphase.cdisc.study import read_study


@pytest.fixture(scope="module")
def sdtm(pilot_data_dir):
    return dict(read_study(pilot_data_dir / "sdtm", prefer="xpt", validate=False))


@pytest.fixture(scope="module")
def adam(sdtm):
    return derive_adam(sdtm)


@pytest.fixture(scope="module")
def pilot_adsl(pilot_data_dir):
    return read_dataset(pilot_data_dir / "adam" / "adsl.xpt")


def test_inferred_plan_orders_arms_by_dose_as_the_pilot_adam(adam, pilot_adsl):
    plan = adam.plan
    assert plan.source == "inferred" and plan.disease == "" and plan.drugs == ()
    assert [(a.code, a.number) for a in plan.arms] == [
        ("PLACEBO", 0.0),
        ("ZAN_LOW", 54.0),
        ("ZAN_HIGH", 81.0),
    ]
    # the pilot ADaM codes its arms 0 / 54 / 81 too
    assert sorted(pilot_adsl["TRT01PN"].unique()) == [0.0, 54.0, 81.0]
    assert any("no EX domain" in n for n in plan.inferred)


def test_trtedt_from_rfxendtc_without_ex(adam, sdtm):
    adsl = adam["ADSL"].set_index("USUBJID")
    dm = sdtm["DM"].set_index("USUBJID")
    expected = pd.to_datetime(dm["RFXENDTC"].replace("", None))
    got = adsl.loc[dm.index, "TRTEDT"]
    assert (got.isna() == expected.isna()).all()
    assert (got.dropna() == expected.dropna()).all()
    # RFENDTC differs from RFXENDTC for 8 of the 17 treated subjects: TRTEDT is not RFENDTC
    differs = pd.to_datetime(dm["RFENDTC"].replace("", None)) != expected
    assert int((differs & expected.notna()).sum()) == 8


def test_agrees_with_the_pilot_adam_on_common_subjects(adam, pilot_adsl):
    ours = adam["ADSL"].set_index("SUBJID")
    theirs = pilot_adsl.set_index("SUBJID")
    common = sorted(set(ours.index) & set(theirs.index))
    assert len(common) == 17
    for var in ("AGE", "SEX", "TRTSDT", "TRTEDT", "SAFFL", "DTHFL"):
        a, b = ours.loc[common, var], theirs.loc[common, var]
        if var in ("TRTSDT", "TRTEDT"):
            a, b = pd.to_datetime(a), pd.to_datetime(b)
        pd.testing.assert_series_equal(a, b, check_names=False, check_dtype=False)


def test_screen_failure_has_no_treatment_status(adam, sdtm):
    adsl = adam["ADSL"].set_index("USUBJID")
    ds = sdtm["DS"]
    failed = ds.loc[ds["DSDECOD"] == "SCREEN FAILURE", "USUBJID"].tolist()
    assert len(failed) == 1
    row = adsl.loc[failed[0]]
    assert row["SAFFL"] == "N" and pd.isna(row["TRT01AN"]) and row["TRT01A"] == ""
    assert row["EOTSTT"] == "" and row["DCTREAS"] == ""
    assert row["EOSSTT"] == "DISCONTINUED" and row["DCSREAS"] == "SCREEN FAILURE"
    assert (adsl.loc[adsl["SAFFL"] == "Y", "EOTSTT"] != "").all()


def test_last_known_alive_uses_rfpendtc_and_ds(adam, sdtm):
    adsl = adam["ADSL"].set_index("USUBJID")
    dm = sdtm["DM"].set_index("USUBJID")
    rfpen = pd.to_datetime(dm["RFPENDTC"].replace("", None))
    alive = adsl["DTHFL"] != "Y"
    assert (adsl.loc[alive, "LSTALVDT"] >= rfpen[alive.index[alive]]).all()
    # subjects whose participation ended after treatment: RFPENDTC, not the last dose
    later = alive & (rfpen.reindex(adsl.index) > adsl["TRTEDT"])
    assert later.sum() >= 5
    assert (adsl.loc[later, "LSTALVDT"] == rfpen[later.index[later]]).all()
    dead = adsl["DTHFL"] == "Y"
    assert (adsl.loc[dead, "LSTALVDT"] <= adsl.loc[dead, "DTHDT"]).all()


def test_aoccifl_by_severity_without_grades(adam):
    adae = adam["ADAE"]
    assert adae["ATOXGRN"].isna().all()
    assert set(adae["ASEVN"]) == {1.0, 2.0, 3.0}
    flagged = adae[adae["AOCCIFL"] == "Y"].set_index("USUBJID")
    worst = adae.groupby("USUBJID")["ASEVN"].max()
    assert flagged.index.is_unique and set(flagged.index) == set(adae["USUBJID"])
    np.testing.assert_array_equal(flagged.loc[worst.index, "ASEVN"], worst)
    # the first record of the worst severity (by start date)
    for _subject, rows in adae.groupby("USUBJID"):
        top = rows[rows["ASEVN"] == rows["ASEVN"].max()].sort_values("ASTDT", kind="stable")
        assert top.iloc[0]["AOCCIFL"] == "Y"


def test_sdtm_labels_are_kept_in_adae(adam, sdtm):
    ae_labels = variable_labels(sdtm["AE"])
    adae_labels = variable_labels(adam["ADAE"])
    carried = [v for v in sdtm["AE"].columns if v in adam["ADAE"].columns and ae_labels[v]]
    assert len(carried) >= 30
    for var in carried:
        assert adae_labels[var], var
    assert adae_labels["AETERM"] == ae_labels["AETERM"]


def test_no_infusion_reaction_variables_when_not_collected(adam):
    assert "IRFL" not in adam["ADAE"].columns


def test_plan_arm_order_falls_back_to_first_appearance():
    dm = pd.DataFrame(
        {"USUBJID": ["1", "2", "3"], "ARMCD": ["B", "A", "B"], "ARM": ["Beta", "Alpha", "Beta"]}
    )
    plan = infer_plan({"DM": dm})
    assert [(a.code, a.number) for a in plan.arms] == [("B", 1.0), ("A", 2.0)]

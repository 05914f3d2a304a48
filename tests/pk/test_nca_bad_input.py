"""Bad input gives a clear DataError, or the parameter comes back missing with a reason."""

import numpy as np
import pandas as pd
import pytest

from earlyphase.errors import DataError, OptionsError
from earlyphase.pk import NCAOptions, nca

T = [0, 1, 2, 4, 8, 12, 24.0]
C = [0, 8, 10, 7, 4, 2, 0.5]


def _doses(**over):
    base = {"subject_id": ["S1"], "time": [0.0], "amount": [100.0], "route": ["extravascular"]}
    base.update({k: [v] for k, v in over.items()})
    return pd.DataFrame(base)


def _conc(times=T, conc=C, **cols):
    return pd.DataFrame({"subject_id": "S1", "time": times, "conc": conc, **cols})


def test_unsorted_times():
    with pytest.raises(DataError, match="sorted in increasing order"):
        nca(_conc(times=[0, 2, 1, 4, 8, 12, 24]), _doses())


def test_duplicate_times():
    with pytest.raises(DataError, match="duplicate time"):
        nca(_conc(times=[0, 1, 1, 4, 8, 12, 24]), _doses())


def test_negative_concentration():
    with pytest.raises(DataError, match="conc.conc .*-1.0"):
        nca(_conc(conc=[0, 8, 10, -1, 4, 2, 0.5]), _doses())


def test_missing_dose_for_a_profile():
    conc = pd.concat([_conc(), _conc().assign(subject_id="S2")])
    with pytest.raises(DataError, match="no dose for 1 profile"):
        nca(conc, _doses())


def test_missing_columns_and_bad_route():
    with pytest.raises(DataError, match="columns"):
        nca(_conc().drop(columns="time"), _doses())
    with pytest.raises(DataError, match="route"):
        nca(_conc(), _doses(route="oral"))
    with pytest.raises(DataError, match="duration"):
        nca(_conc(), _doses(route="iv-infusion"))


def test_two_doses_without_interval():
    doses = pd.concat([_doses(), _doses(time=168.0)])
    with pytest.raises(DataError, match="interval"):
        nca(_conc(), doses)


def test_dose_after_last_sample_gives_reasons():
    res = nca(_conc(), _doses(time=48.0)).parameters
    assert res["value"].isna().all()
    assert (res["exclusion_reason"] == "no sample at or after the dose").all()


def test_all_blq_profile():
    res = nca(_conc(conc=[0.0] * 7), _doses()).parameters
    assert res["value"].isna().all()
    assert res["exclusion_reason"].str.contains("no measurable concentration").all()


def test_infusion_longer_than_sampling_window():
    res = nca(_conc(), _doses(route="iv-infusion", duration=48.0))
    v = res.parameters.set_index("parameter")
    assert v.loc["CMAX", "value"] == 10.0  # observed values stay
    assert np.isnan(v.loc["LAMZ", "value"])
    assert "infusion ends after the last sample" in v.loc["AUCIFO", "exclusion_reason"]


def test_too_few_points_for_lambda_z():
    res = nca(_conc(times=[0, 1, 2, 3], conc=[0, 5, 10, 4]), _doses())
    v = res.parameters.set_index("parameter")
    assert "fewer than 3" in v.loc["LAMZHL", "exclusion_reason"]
    # every missing value has a reason and every reason goes with a missing value
    p = res.parameters
    assert (p["value"].isna() == p["exclusion_reason"].notna()).all()


def test_rising_tail_gives_no_positive_lambda_z():
    res = nca(_conc(times=[0, 1, 2, 4, 6, 8], conc=[0, 10, 3, 4, 5, 6]), _doses())
    v = res.parameters.set_index("parameter")
    assert v.loc["LAMZ", "exclusion_reason"] == "no terminal-phase regression with lambda-z > 0"


def test_options_are_validated():
    with pytest.raises(OptionsError, match="auc_method"):
        NCAOptions(auc_method="log")  # type: ignore[arg-type]
    with pytest.raises(OptionsError, match="blq_between"):
        NCAOptions(blq_between="keep")  # type: ignore[arg-type]
    with pytest.raises(OptionsError, match="partial_aucs"):
        NCAOptions(partial_aucs=((4, 2),))


def test_blq_rules_by_position():
    conc = _conc(
        times=[0, 1, 2, 4, 8, 12, 24],
        conc=[np.nan, 8, np.nan, 7, 4, np.nan, np.nan],
        blq=[True, False, True, False, False, True, True],
        lloq=0.5,
    )
    default = nca(conc, _doses()).to_wide().iloc[0]
    # BLQ at 0 -> 0; BLQ at 2 h dropped; trailing BLQ dropped: AUCall = AUClast
    # samples used: (0, 0), (1, 8), (4, 7), (8, 4); log-down on the two falling segments
    expected = 4 + 3 * (8 - 7) / np.log(8 / 7) + 4 * (7 - 4) / np.log(7 / 4)
    assert default["AUCLST"] == pytest.approx(expected, rel=1e-12)
    assert default["AUCALL"] == default["AUCLST"]
    assert default["TLST"] == 8
    keep = (
        nca(conc, _doses(), NCAOptions(blq_after_last="zero", auc_method="linear"))
        .to_wide()
        .iloc[0]
    )
    assert keep["AUCALL"] == pytest.approx(keep["AUCLST"] + 4 * 4 / 2)  # triangle to 12 h
    half = (
        nca(conc, _doses(), NCAOptions(blq_between="half-lloq", auc_method="linear"))
        .to_wide()
        .iloc[0]
    )
    lin = nca(conc, _doses(), NCAOptions(auc_method="linear")).to_wide().iloc[0]
    assert half["AUCLST"] == pytest.approx(
        lin["AUCLST"] - 3 * (8 + 7) / 2 + (8 + 0.25) / 2 + 2 * (0.25 + 7) / 2
    )


def test_manual_lambda_z_points():
    t = np.array([0, 1, 2, 4, 8, 12, 24.0])
    c = np.array([0, 8, 10, 7, 4, 2, 0.5])
    include = [False, False, False, True, True, False, False]
    res = nca(_conc(conc=c, lambda_z_include=include), _doses()).to_wide().iloc[0]
    assert res["LAMZNPT"] == 2
    assert res["LAMZ"] == pytest.approx(np.log(7 / 4) / 4)
    assert res["LAMZLL"] == 4 and res["LAMZUL"] == 8
    assert t[3] == 4


def test_lambda_z_selection_winnonlin_vs_pknca():
    # the last three points rise on a perfect line (adjusted R^2 = 1, lambda-z < 0):
    # WinNonlin discards that fit and keeps the best falling one; PKNCA takes the maximum
    # adjusted R^2 over all fits first, finds no falling fit near it and reports none
    # (PKNCA vignettes/v30-training-session.Rmd; shared/domain/pk.md sec. 1.6)
    t = [0, 1, 2, 4, 6, 8, 10, 12, 14]
    c = [0, 10, 8, 6, 4.5, 3.0, 3.1, 3.2, 3.3]
    win = nca(_conc(times=t, conc=c), _doses()).to_wide().iloc[0]
    pk = (
        nca(_conc(times=t, conc=c), _doses(), NCAOptions(lambda_z_selection="pknca"))
        .to_wide()
        .iloc[0]
    )
    assert win["LAMZ"] > 0 and np.isnan(pk["LAMZ"])


def test_cmax_point_in_lambda_z_for_bolus_only_by_default():
    t = np.array([0.5, 1, 2, 4, 8])
    c = 10 * np.exp(-0.3 * t)
    bolus = nca(_conc(times=t, conc=c), _doses(route="iv-bolus")).to_wide().iloc[0]
    excl = (
        nca(
            _conc(times=t, conc=c),
            _doses(route="iv-bolus"),
            NCAOptions(lambda_z_include_cmax=False),
        )
        .to_wide()
        .iloc[0]
    )
    assert bolus["LAMZNPT"] == 5 and excl["LAMZNPT"] == 4

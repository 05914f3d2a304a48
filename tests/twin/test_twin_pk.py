"""The reconstruction's PK: population-PK simulation calibrated to Table 3, analysed by the
ordinary SDTM -> ADPC -> ADPP -> Table 3 path (Chari et al., Cancer 2021, Table 3)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.report.published import compare_published


@pytest.fixture(scope="module")
def table3_rows(twin, published):
    from earlyphase.cdisc.adam import derive_adam
    from earlyphase.report.tables.pk_parameters import pk_parameters_table

    adam = derive_adam(twin)
    table = pk_parameters_table(adam)
    rows = compare_published(published, {table.spec.table_id: table}).to_frame()
    return rows[rows["key"].str.startswith("table3.")], adam


def test_every_table3_cell_is_reproduced_at_published_precision(table3_rows):
    rows, _ = table3_rows
    assert len(rows) == 80  # n, tmax median/min/max, 4 statistics of each parameter
    flagged = rows["consistency"].fillna("").astype(str) != ""
    bad = rows[~flagged & (rows["status"] != "same")]
    assert bad.empty, bad[["key", "published", "reproduced"]].to_string()


def test_adpp_param_and_table3_labels(table3_rows):
    """ADPP PARAM on every record ("<short name> (<AVALU>)"); Table 3's row labels, built from
    PARAM and AVALU, are the paper's."""
    from earlyphase.report.tables.pk_parameters import pk_parameters_table

    _, adam = table3_rows
    pp = adam["ADPP"]
    assert (pp["PARAM"].astype(str).str.strip() != "").all()
    param = pp.drop_duplicates(["PARCAT1", "PARAMCD"]).set_index(["PARCAT1", "PARAMCD"])["PARAM"]
    assert param[("ISATUXIM", "CMAX")] == "Cmax"
    assert param[("ISATUXIM", "TMAX")] == "tmax"
    assert param[("ISATUXIM", "AUC1WK")] == "AUC1week"
    assert param[("ISATUXIM", "AUC2WK")] == "AUC2weeks"
    assert param[("ISATUXIM", "RACCMAX")] == "Rac Cmax"
    assert param[("ISATUXIM", "RACAUC")] == "Rac AUC1week"
    assert param[("CARFILZO", "CMAX")] == "Cmax"  # one PARAM per PARAMCD; units in AVALU
    assert (pp.groupby("PARAMCD")["PARAM"].nunique() == 1).all()
    table = pk_parameters_table(adam)
    assert [r.label for r in table.spec.rows] == [
        "Cycle 1, day 1",
        "No.",
        "tmax, median (range), h",
        "Cmax, μg/mL",
        "AUC1week, μg·h/mL",
        "AUC2weeks, μg·h/mL",
        "Cycle 3, day 1",
        "No.",
        "tmax, median (range), h",
        "Cmax, μg/mL",
        "AUC1week, μg·h/mL",
        "AUC2weeks, μg·h/mL",
        "Rac Cmax",
        "Rac AUC1week",
    ]


@pytest.mark.parametrize("seed", [5, 2024])
def test_other_seeds_reproduce_table3(seed, published):
    """The calibration holds for other seeds' draws (seed 5 needed the pre-dose cap in
    Profile.realize; seed 2024 the fallback without the +-2.9 SD bound)."""
    from earlyphase.cdisc.adam import derive_adam
    from earlyphase.report.tables.pk_parameters import pk_parameters_table
    from earlyphase.twin import reconstruct

    table = pk_parameters_table(derive_adam(reconstruct(seed=seed)))
    rows = compare_published(published, {table.spec.table_id: table}).to_frame()
    rows = rows[rows["key"].str.startswith("table3.")]
    assert len(rows) == 80
    bad = rows[rows["status"] != "same"]
    assert bad.empty, bad[["key", "published", "reproduced"]].to_string()


def test_rac_auc1week_is_the_ratio_of_the_first_week_aucs(table3_rows):
    """Rac AUC1week = AUC(0-168 h) after C3D1 / AUC(0-168 h) after C1D1, per patient."""
    _, adam = table3_rows
    pp = adam["ADPP"]
    wide = pp[pp["PARCAT1"].astype(str).str.startswith("ISATUX")].pivot_table(
        index="USUBJID", columns=["VISIT", "PARAMCD"], values="AVAL"
    )
    c1, c3 = "CYCLE 1 DAY 1", "CYCLE 3 DAY 1"
    both = wide[(c3, "RACAUC")].dropna().index
    assert len(both) == 22  # 16 DL2 + 6 DL3
    expected = wide.loc[both, (c3, "AUC1WK")] / wide.loc[both, (c1, "AUC1WK")]
    np.testing.assert_allclose(wide.loc[both, (c3, "RACAUC")], expected, rtol=1e-12)
    # halving the 2-week AUC is a different quantity (the paper's 3.36 vs 2.97 at DL3)
    halved = wide.loc[both, (c3, "AUC2WK")] / 2 / wide.loc[both, (c1, "AUC1WK")]
    assert not np.allclose(halved, expected, rtol=0.02)


def test_individual_effects_within_three_sd():
    from earlyphase.twin.reconstruct import pk_individual_effects

    effects = pk_individual_effects()
    assert len(effects) == 29  # the patients with C1D1 PK
    etas = effects.filter(like="eta_")
    assert etas.shape[1] == 9
    assert float(etas.abs().to_numpy().max()) <= 3.0
    assert effects["concentration_factor"].between(0.5, 2.0).all()


def test_sample_residuals_in_sd_units(twin):
    """IWRES = (conc - individual prediction) / sqrt((0.225 ipred)^2 + 0.00196^2) (Fau 2020
    Table S3 combined error) for every isatuximab sample with drug on board."""
    from earlyphase.twin.reconstruct import pk_sample_residuals

    res = pk_sample_residuals()
    pc = twin["PC"]
    isa = pc[(pc["PCTESTCD"] == "ISATUXIM") & (pc["PCSTRESN"] > 0)]
    assert len(res) == len(isa)  # every sample with drug on board, none twice
    # the value written to PC is the residual's conc (6 significant digits)
    written = np.sort(isa["PCSTRESN"].to_numpy(float))
    np.testing.assert_allclose(np.sort(res["conc"].to_numpy(float)), written, rtol=1e-5)
    sd = np.hypot(0.225 * res["ipred"], 0.00196)
    np.testing.assert_allclose(res["residual_sd"], (res["conc"] - res["ipred"]) / sd)
    # not calibrated: the simulated draws, each standard normal clipped at +-2.5
    assert res.loc[~res["calibrated"], "residual_sd"].abs().max() <= 2.5 * np.sqrt(2)
    # calibrated (the 353 Table 3 samples): centred and, for the default seed, all within
    # +-3 SD (docs/twin.md: before the redraw of implausible effects patient 7's DL3 cycle 3
    # samples reached 9.6 SD)
    cal = res.loc[res["calibrated"], "residual_sd"]
    assert len(cal) == 353
    assert abs(float(np.median(cal))) < 0.3
    assert float(cal.abs().max()) <= 3.0


def test_pc_comes_from_the_protocol_schedule(twin):
    pc = twin["PC"]
    isa = pc[(pc["PCTESTCD"] == "ISATUXIM") & (pc["VISIT"] == "CYCLE 3 DAY 1")]
    labels = set(isa["PCTPT"])
    assert {"PRE-DOSE", "MID-INFUSION", "END OF INFUSION", "24 H POST-DOSE"} <= labels
    k = pc[pc["PCTESTCD"] == "CARFILZO"]
    assert set(k["PCTPT"]) >= {"10 MIN POST END OF INFUSION", "3 H POST END OF INFUSION"}
    assert (pc.loc[pc["PCTESTCD"] == "ISATUXIM", "PCSTRESU"] == "ug/mL").all()


def test_private_pk_model_is_gone():
    import earlyphase.twin.pk_samples as samples

    assert not hasattr(samples, "ISA_TYPICAL") and not hasattr(samples, "CARF_TYPICAL")
    assert not hasattr(samples, "two_compartment_infusion") or (
        samples.two_compartment_infusion.__module__ == "earlyphase.pk.models.carfilzomib"
    )


def test_reconstruction_is_deterministic(twin):
    from earlyphase.twin import reconstruct

    again = reconstruct()
    pd.testing.assert_frame_equal(again["PC"], twin["PC"])


@pytest.mark.parametrize(
    ("visit", "code", "paper"),
    [
        # Results, Pharmacokinetics: Cmax and AUC over the dosing interval rose ~1.5-fold
        # (cycle 1) and ~1.9-fold (cycle 3) for the 2-fold dose (geometric mean ratios)
        ("CYCLE 1 DAY 1", "CMAX", 1.5),
        ("CYCLE 1 DAY 1", "AUC1WK", 1.5),
        ("CYCLE 3 DAY 1", "CMAX", 1.9),
        ("CYCLE 3 DAY 1", "AUC2WK", 1.9),
    ],
)
def test_dose_proportionality_text_ratios(table3_rows, visit, code, paper):
    """Geometric mean ratio 20 vs 10 mg/kg QW/Q2W on the reconstructed ADPP. Table 3's
    geometric means give C1: Cmax 258/169 = 1.53, AUC1week 23,600/14,600 = 1.62; C3: Cmax
    623/346 = 1.80, AUC2weeks 140,000/70,500 = 1.99, i.e. "~1.5" and "~1.9" to one decimal
    within 0.15."""
    from earlyphase.pk.proportionality import geometric_mean_ratio, power_model

    _, adam = table3_rows
    arm = adam["ADSL"].set_index("USUBJID")["TRT01AN"]
    pp = adam["ADPP"].assign(TRT01AN=lambda d: d["USUBJID"].map(arm))
    pp = pp[(pp["VISIT"] == visit) & (pp["PARAMCD"] == code) & pp["AVAL"].notna()]
    pp = pp[pp["PARCAT1"].astype(str).str.startswith("ISATUX")]
    dl3 = pp.loc[pp["TRT01AN"] == 3, "AVAL"]
    dl2 = pp.loc[pp["TRT01AN"] == 2, "AVAL"]
    gmr = geometric_mean_ratio(dl3, dl2)
    assert abs(gmr.ratio - paper) <= 0.15
    both = pp[pp["TRT01AN"].isin([2, 3])]
    fit = power_model(np.where(both["TRT01AN"] == 3, 20.0, 10.0), both["AVAL"])
    assert fit.slope == pytest.approx(np.log(gmr.ratio) / np.log(2), rel=1e-9)

"""The reconstructed trial's dose proportionality against the paper's text (Chari et al.,
Cancer 2021, Results, Pharmacokinetics: "Both Cmax and AUC over the dosing interval increased
by ~1.5-fold and ~1.9-fold (geometric mean ratio) for a 2-fold increase in the dose after
cycle 1 and cycle 3")."""

from __future__ import annotations

import re

import numpy as np
import pytest

from earlyphase.pk.proportionality import geometric_mean_ratio
from earlyphase.report.published import compare_published, load_reference_published


@pytest.fixture(scope="module")
def proportionality(twin):
    from earlyphase.cdisc.adam import derive_adam
    from earlyphase.report.tables.pk_proportionality import pk_proportionality_table

    adam = derive_adam(twin)
    return pk_proportionality_table(adam), adam


def test_dl3_dl2_ratios_are_the_geometric_mean_ratios_of_adpp(proportionality):
    table, adam = proportionality
    pp, adsl = adam["ADPP"], adam["ADSL"]
    level = pp["USUBJID"].map(adsl.set_index("USUBJID")["TRT01AN"])
    for visit, vkey in (("CYCLE 1 DAY 1", "cycle_1_day_1"), ("CYCLE 3 DAY 1", "cycle_3_day_1")):
        for code in ("CMAX", "AUC1WK"):
            sel = (pp["PARCAT1"] == "ISATUXIM") & (pp["VISIT"] == visit) & (pp["PARAMCD"] == code)
            dl3 = pp.loc[sel & (level == 3), "AVAL"].dropna()
            dl2 = pp.loc[sel & (level == 2), "AVAL"].dropna()
            expected = geometric_mean_ratio(dl3, dl2)
            got = table.value(f"ISATUXIM:{vkey}:{code}", "gmr_DL3_DL2", "ratio")
            assert got == pytest.approx(expected.ratio, rel=1e-12)
            assert table.value(f"ISATUXIM:{vkey}:{code}", "gmr_DL3_DL2", "dose_ratio") == (
                pytest.approx(2.0)
            )
    # the power model uses the nominal mg/kg doses 10 and 20 (weight-based dosing)
    assert table.value("ISATUXIM:cycle_1_day_1:CMAX", "doses", "low") == pytest.approx(10.0)
    assert table.value("ISATUXIM:cycle_1_day_1:CMAX", "doses", "high") == pytest.approx(20.0)


def test_published_dose_ratios_compared_with_the_cmax_gmr(proportionality):
    table, _ = proportionality
    published = load_reference_published()  # with the YAML's reasons
    rows = compare_published(published, {table.spec.table_id: table}).to_frame()
    rows = rows.set_index("key")
    c1, c3 = rows.loc["pk_dose_ratio_cmax_auc_c1"], rows.loc["pk_dose_ratio_cmax_auc_c3"]
    # cycle 1: Table 3's geometric means 258/169 = 1.53 -> "~1.5" at one decimal
    assert c1["status"] == "same" and c1["reproduced"] == pytest.approx(258 / 169, abs=0.01)
    # cycle 3: 623/346 = 1.80; the paper's ~1.9 lies between the Cmax and AUC2weeks ratios
    assert c3["status"] == "differs" and c3["reproduced"] == pytest.approx(623 / 346, abs=0.01)
    assert c3["reason"].startswith("paper's approximation")
    auc2 = table.value("ISATUXIM:cycle_3_day_1:AUC2WK", "gmr_DL3_DL2", "ratio")
    assert c3["reproduced"] < 1.85 < 1.95 <= np.round(auc2, 2)  # 1.80 < ~1.9 < 1.99


def test_rac_auc1week_only_for_a_drug_with_weekly_or_longer_intervals(proportionality):
    """Carfilzomib is dosed on days 1 and 2: no AUC1week (the week runs into the next doses),
    so no Rac AUC1week either; isatuximab keeps one RACAUC record per PK patient (22 values,
    7 not computable: no cycle 3 profile)."""
    _, adam = proportionality
    pp = adam["ADPP"]
    rac = pp[pp["PARAMCD"] == "RACAUC"]
    assert set(rac["PARCAT1"]) == {"ISATUXIM"}
    assert len(rac) == 29 and int(rac["AVAL"].notna().sum()) == 22
    assert (pp.loc[pp["PARCAT1"] == "CARFILZO", "PARAMCD"] != "AUC1WK").all()
    assert (pp.loc[pp["PARAMCD"] == "RACCMAX", "PARCAT1"] == "CARFILZO").sum() == 29


def test_pk_listing_labels_patients_by_site_and_number(proportionality):
    """Rows are in USUBJID order (by site), so the label shows the site: 101-004."""
    from earlyphase.report.tables.pk_listing import pk_listing_table

    _, adam = proportionality
    table = pk_listing_table(adam).display()
    assert table.stub_header == "Dose level, site-patient, visit"
    rows = [label for label, _indent, section, _cells in table.body if not section]
    patients = [r for r in rows if ", Cycle " in r]
    assert patients and all(re.fullmatch(r"1\d\d-0\d\d, Cycle [13], day 1", r) for r in patients)
    assert "101-004, Cycle 1, day 1" in patients


def test_accumulation_range_of_the_text_is_the_range_of_rac_geometric_means(twin):
    """Results, Pharmacokinetics: "accumulation ratio ~2 to 3.4" = the smallest and largest
    Rac geometric mean of Table 3 (Rac Cmax DL2 2.03, Rac AUC1week DL3 3.36)."""
    from earlyphase.cdisc.adam import derive_adam
    from earlyphase.report.tables.pk_parameters import pk_parameters_table

    table = pk_parameters_table(derive_adam(twin))
    rows = compare_published(load_reference_published(), {table.spec.table_id: table})
    rows = rows.to_frame().set_index("key")
    low, high = rows.loc["pk_accumulation_min"], rows.loc["pk_accumulation_max"]
    cells = [
        table.value(f"cycle_3_day_1:{code}", col, "geomean")
        for code in ("RACCMAX", "RACAUC")
        for col in ("DL2", "DL3")
    ]
    assert low["reproduced"] == pytest.approx(min(cells)) == pytest.approx(2.03, abs=0.005)
    assert high["reproduced"] == pytest.approx(max(cells)) == pytest.approx(3.36, abs=0.005)
    assert low["status"] == "same" and high["status"] == "same"

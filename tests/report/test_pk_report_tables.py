"""The PK listing and the dose-proportionality table of the report (synthetic ADaM: every
expected number is computed here from the same ADPP values by the package's tested
functions or by hand)."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.cdisc.adam.adpp import param_text
from earlyphase.pk.proportionality import geometric_mean_ratio, power_model
from earlyphase.report.tables._pk import parameter_name
from earlyphase.report.tables.pk_listing import pk_listing_table
from earlyphase.report.tables.pk_parameters import pk_parameters_table
from earlyphase.report.tables.pk_proportionality import dose_basis, pk_proportionality_table

_CMAX = {  # dose level -> Cmax of its patients (ug/mL)
    1: [150.0, 170.0, 160.0],
    2: [140.0, 200.0, 175.0, 165.0],
    3: [240.0, 300.0, 260.0],
}


def _adam(basis: str = "mg/kg", conc: str = "ug/mL") -> dict[str, pd.DataFrame]:
    rows, pc, pp = [], [], []
    nominal = {1: 10.0, 2: 10.0, 3: 20.0}
    for level, values in _CMAX.items():
        for i, cmax in enumerate(values):
            sid = f"S-{level}{i}"
            weight = 55.0 + 10 * i + level
            rows.append((sid, f"{level}{i}", float(level), f"Dose {nominal[level]:g}", weight))
            dose = nominal[level] * (weight if basis == "mg/kg" else 70.0)
            pc.append((sid, "DRUGX", "Drug X", "CYCLE 1 DAY 1", dose))
            pp += [
                (sid, "DRUGX", "CYCLE 1 DAY 1", "CMAX", "Maximum concentration", cmax, conc),
                (sid, "DRUGX", "CYCLE 1 DAY 1", "TMAX", "Time of Cmax", 4.0 + i, "h"),
                (sid, "DRUGX", "CYCLE 1 DAY 1", "AUC1WK", "AUC 0-168 h", 100 * cmax, f"h*{conc}"),
            ]
            if level == 2 and i < 2:  # a later visit with an accumulation ratio
                pp += [
                    (
                        sid,
                        "DRUGX",
                        "CYCLE 3 DAY 1",
                        "CMAX",
                        "Maximum concentration",
                        2 * cmax,
                        conc,
                    ),
                    (sid, "DRUGX", "CYCLE 3 DAY 1", "RACCMAX", "Rac Cmax", 2.0, "ratio"),
                ]
    adsl = pd.DataFrame(rows, columns=["USUBJID", "SUBJID", "TRT01AN", "TRT01A", "WEIGHTBL"])
    adsl["PKFL"] = "Y"
    adpc = pd.DataFrame(pc, columns=["USUBJID", "PARAMCD", "PARAM", "VISIT", "DOSEA"])
    adpp = pd.DataFrame(
        pp, columns=["USUBJID", "PARCAT1", "VISIT", "PARAMCD", "PARAM", "AVAL", "AVALU"]
    )
    return {"ADSL": adsl, "ADPC": adpc, "ADPP": adpp}


def test_proportionality_numbers_are_the_pk_functions():
    table = pk_proportionality_table(_adam())
    row = "DRUGX:cycle_1_day_1:CMAX"
    doses = np.repeat([10.0, 10.0, 20.0], [3, 4, 3])
    values = np.concatenate([_CMAX[1], _CMAX[2], _CMAX[3]])
    fit = power_model(doses, values)
    assert table.value(row, "slope", "slope") == pytest.approx(fit.slope, rel=1e-12)
    assert table.value(row, "slope", "lower") == pytest.approx(fit.slope_lower, rel=1e-12)
    assert table.value(row, "slope", "upper") == pytest.approx(fit.slope_upper, rel=1e-12)
    assert table.value(row, "acceptance", "upper") == pytest.approx(1 + np.log(1.25) / np.log(2))
    gmr = geometric_mean_ratio(_CMAX[3], _CMAX[2])
    assert table.value(row, "gmr_DL3_DL2", "ratio") == pytest.approx(gmr.ratio, rel=1e-12)
    assert table.value(row, "gmr_DL3_DL2", "lower") == pytest.approx(gmr.lower, rel=1e-12)
    assert table.value(row, "gmr_DL3_DL2", "dose_ratio") == pytest.approx(2.0)
    # by hand: the geometric means' ratio
    by_hand = np.exp(np.mean(np.log(_CMAX[3]))) / np.exp(np.mean(np.log(_CMAX[2])))
    assert table.value(row, "gmr_DL3_DL2", "ratio") == pytest.approx(by_hand, rel=1e-12)
    assert table.value(row, "n", "n") == 10
    text = table.display().to_frame().set_index("Analyte, visit, parameter")
    assert text.loc["    Maximum concentration", "Doses"].iloc[0] == "10–20 mg/kg"
    # one dose level at the later visit: no slope, no ratio
    later = "DRUGX:cycle_3_day_1:CMAX"
    assert np.isnan(table.value(later, "slope", "slope"))
    assert "NE" in text.loc["    Maximum concentration", "Slope (90% CI)"].iloc[1]


def test_dose_basis_is_what_is_constant_within_dose_levels():
    adam = _adam("flat")
    doses = adam["ADPC"].merge(adam["ADSL"][["USUBJID", "TRT01AN"]])
    unit, dose = dose_basis(doses, adam["ADSL"])
    assert unit == "mg" and set(dose) == {700.0, 1400.0}
    adam = _adam("mg/kg")
    doses = adam["ADPC"].merge(adam["ADSL"][["USUBJID", "TRT01AN"]])
    unit, dose = dose_basis(doses, adam["ADSL"])
    assert unit == "mg/kg" and dose.round(9).isin([10.0, 20.0]).all()
    # no constant basis: no nominal dose, the slope is not estimable but the ratios are
    adam["ADSL"]["WEIGHTBL"] = adam["ADSL"]["WEIGHTBL"] * [1, 1.2, 1, 1, 1.3, 1, 1, 1, 0.8, 1]
    table = pk_proportionality_table(adam)
    assert np.isnan(table.value("DRUGX:cycle_1_day_1:CMAX", "slope", "slope"))
    assert table.value("DRUGX:cycle_1_day_1:CMAX", "gmr_DL3_DL2", "ratio") > 1


def test_proportionality_without_dose_keeps_the_ratios(adam):
    table = pk_proportionality_table(adam)  # the synthetic report ADaM: ADPC has no DOSEA
    rows = {r.key for r in table.spec.rows if r.template}
    assert rows and all(np.isnan(table.value(r, "slope", "slope")) for r in rows)
    assert any(c.key.startswith("gmr_") for c in table.spec.columns)


def test_listing_columns_names_and_units_come_from_adpp():
    table = pk_listing_table(_adam())
    headers = [c.header for c in table.spec.columns]
    assert headers == [
        "Time of Cmax, h",
        "Maximum concentration, μg/mL",  # units as Table 3 prints them
        "AUC 0-168 h, μg·h/mL",
        "Rac Cmax",  # a ratio: no unit
    ]
    frame = table.display().to_frame().set_index("Dose level, patient, visit")
    # one row per patient and visit with a value: 10 at cycle 1, 2 at cycle 3
    visits = [i for i in frame.index if "Cycle" in i]
    assert len(visits) == 12
    first = frame.loc["        20, Cycle 1, day 1"]
    assert first.tolist() == ["4.00", "140", "14,000", "—"]  # three significant figures
    assert frame.loc["        20, Cycle 3, day 1"].tolist() == ["—", "280", "—", "2.00"]
    assert table.value("DRUGX:S-20:cycle_1_day_1", "CMAX", "v") == 140.0


def test_listing_without_param_uses_code_names_and_marks_not_computable(adam):
    table = pk_listing_table(adam)  # synthetic report ADaM: no ADPP.PARAM, one missing AVAL
    headers = [c.header for c in table.spec.columns]
    assert headers[:3] == ["tmax, h", "Cmax, μg/mL", "AUC1week, μg·h/mL"]
    cells = table.display().to_frame().iloc[:, 1:].to_numpy().ravel().tolist()
    assert "NE" in cells  # the ADPP value with EXCLREAS
    adsl = adam["ADSL"]
    pk_ids = adsl.loc[adsl["PKFL"] == "Y", "USUBJID"] if "PKFL" in adsl else adsl["USUBJID"]
    listed = adam["ADPP"][adam["ADPP"]["USUBJID"].isin(pk_ids)]
    assert len(table.data) == len(listed)  # every value of the PK population, NaN included


def _with_adpp_param(adam: dict[str, pd.DataFrame]) -> dict[str, pd.DataFrame]:
    """``adam`` with ADPP ``PARAM`` as derive_adpp writes it ("Cmax"; the unit in AVALU)."""
    pp = adam["ADPP"]
    param = [param_text(c) for c in pp["PARAMCD"]]
    return {**adam, "ADPP": pp.assign(PARAM=param)}


@pytest.mark.parametrize("with_param", [True, False])
def test_table3_labels_take_the_unit_of_an_ng_ml_analyte(with_param):
    adam = _with_adpp_param(_adam(conc="ng/mL"))
    if not with_param:  # names from the NCA registry
        adam["ADPP"] = adam["ADPP"].drop(columns="PARAM")
    table = pk_parameters_table(adam, analyte="DRUGX")
    labels = [r.label for r in table.spec.rows if r.template and not r.key.endswith(":n")]
    assert labels == [
        "tmax, median (range), h",
        "Cmax, ng/mL",
        "AUC1week, ng·h/mL",
        "Cmax, ng/mL",  # cycle 3
        "Rac Cmax",
    ]
    headers = [c.header for c in pk_listing_table(adam).spec.columns]
    assert headers == ["tmax, h", "Cmax, ng/mL", "AUC1week, ng·h/mL", "Rac Cmax"]


def test_parameter_name_is_param_without_its_unit():
    pp = pd.DataFrame(
        {
            "PARAMCD": ["CMAX", "CMAX", "AUC1WK", "TMAX", "RACAUC", "XYZ"],
            "PARAM": ["Cmax (ng/mL)", "Cmax (ug/mL)", "AUC 0-168 h", "tmax (min)", "", ""],
            "AVALU": ["ng/mL", "ug/mL", "h*ng/mL", "h", "ratio", ""],
        }
    )
    assert parameter_name(pp, "CMAX") == "Cmax"  # " (AVALU)" of the same record dropped
    assert parameter_name(pp, "AUC1WK") == "AUC 0-168 h"  # no unit in PARAM: as it is
    assert parameter_name(pp, "TMAX") == "tmax (min)"  # not the record's unit: kept
    assert parameter_name(pp, "RACAUC") == "Rac AUC1week"  # blank PARAM: the registry's name
    assert parameter_name(pp, "XYZ") == "XYZ"  # unknown code: the code
    no_param = pp.drop(columns="PARAM")
    assert parameter_name(no_param, "CMAX") == "Cmax"
    assert parameter_name(no_param, "AUC1WK") == "AUC1week"
    assert parameter_name(no_param, "AUCINT_0-24") == "AUC0-24"

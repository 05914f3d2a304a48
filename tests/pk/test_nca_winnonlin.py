"""NCA against Phoenix WinNonlin 6.3/7.0 on R's Theoph and Indometh.

Reference values: ``tests/reference/pk/winnonlin_<case>.csv``, extracted by
``extract_winnonlin.py`` from the WinNonlin "Final Parameters Pivoted" exports in GitHub
asancpt/NonCompart-tests @ bb77168c (settings from its validation.Rmd: Theoph dose 320 mg
extravascular; Indometh dose 25 mg, IV bolus or Model 202 infusion of 0.25 h; "Log" =
Linear Up Log Down, "Linear" = Linear Trapezoidal Linear Interpolation; Best Fit λz).
Data: ``theoph.csv`` / ``indometh.csv`` exported from R 4.2.2 ``datasets`` by
``export_datasets.R``.
"""

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from earlyphase.pk import NCAOptions, nca

REF = Path(__file__).resolve().parents[1] / "reference" / "pk"

WINNONLIN_COLUMN = {
    "CMAX": "Cmax",
    "TMAX": "Tmax",
    "TLST": "Tlast",
    "CLST": "Clast",
    "AUCLST": "AUClast",
    "AUCALL": "AUCall",
    "AUCIFO": "AUCINF_obs",
    "AUCIFP": "AUCINF_pred",
    "AUCPEO": "AUC_%Extrap_obs",
    "LAMZ": "Lambda_z",
    "LAMZHL": "HL_Lambda_z",
    "LAMZNPT": "No_points_lambda_z",
    "LAMZLL": "Lambda_z_lower",
    "LAMZUL": "Lambda_z_upper",
    "R2": "Rsq",
    "R2ADJ": "Rsq_adjusted",
    "CORRXY": "Corr_XY",
    "AUMCLST": "AUMClast",
    "AUMCIFO": "AUMCINF_obs",
    "AUMCIFP": "AUMCINF_pred",
    "MRTEVIFO": "MRTINF_obs",
    "MRTIVIFO": "MRTINF_obs",
    "CLFO": "Cl_F_obs",
    "CLO": "Cl_obs",
    "VZFO": "Vz_F_obs",
    "VZO": "Vz_obs",
    "VSSO": "Vss_obs",
    "C0": "C0",
}
METHOD = {"Log": "lin-up/log-down", "Linear": "linear"}


def _compare(result, case: str) -> int:
    ref = pd.read_csv(REF / f"winnonlin_{case}.csv").set_index("Subject")
    wide = result.to_wide().set_index("subject_id").loc[ref.index]
    compared = 0
    for code, column in WINNONLIN_COLUMN.items():
        if code in wide.columns and column in ref.columns:
            # the exports carry 9-10 significant digits for lambda-z-derived Theoph values
            np.testing.assert_allclose(
                wide[code].to_numpy(float), ref[column].to_numpy(float), rtol=1e-7, err_msg=code
            )
            compared += len(ref)
    return compared


@pytest.mark.parametrize("method", ["Log", "Linear"])
def test_theoph_extravascular(method):
    data = pd.read_csv(REF / "theoph.csv")
    doses = pd.DataFrame(
        {
            "subject_id": sorted(data["subject_id"].unique()),
            "time": 0.0,
            "amount": 320.0,
            "route": "extravascular",
        }
    )
    options = NCAOptions(auc_method=METHOD[method], conc_unit="mg/L", amount_unit="mg")
    result = nca(data[["subject_id", "time", "conc"]], doses, options)
    assert _compare(result, f"Theoph_{method}") == 12 * 23


@pytest.mark.parametrize("method", ["Log", "Linear"])
@pytest.mark.parametrize("route", ["iv-bolus", "iv-infusion"])
def test_indometh_intravascular(method, route):
    data = pd.read_csv(REF / "indometh.csv")
    doses = pd.DataFrame(
        {"subject_id": range(1, 7), "time": 0.0, "amount": 25.0, "route": route, "duration": 0.25}
    )
    options = NCAOptions(auc_method=METHOD[method], conc_unit="mg/L", amount_unit="mg")
    result = nca(data, doses, options)
    case = f"Indometh_{method}" + ("_Infusion" if route == "iv-infusion" else "")
    assert _compare(result, case) >= 6 * 22
    units = result.parameters.drop_duplicates("parameter").set_index("parameter")["unit"]
    assert units["AUCLST"] == "h*mg/L" and units["CLO"] == "L/h" and units["VZO"] == "L"


def test_theoph_subject_1_units_conversion():
    """Same data in ug/mL with the dose in ug: CL must come out in L/h unchanged."""
    data = pd.read_csv(REF / "theoph.csv").query("subject_id == 1")
    doses = pd.DataFrame(
        {
            "subject_id": [1],
            "time": [0.0],
            "amount": [320_000.0],
            "route": ["extravascular"],
            "amount_unit": ["ug"],
        }
    )
    result = nca(data[["subject_id", "time", "conc"]].assign(conc_unit="ug/mL"), doses)
    # WinNonlin Theoph_Log subject 1: Cl_F_obs 1.488900954 (dose 320 mg, mg/L)
    assert result.value("CLFO").iloc[0] == pytest.approx(1.488900954, rel=1e-8)

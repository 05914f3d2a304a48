"""Two drugs given at the same visit: doses are matched to profiles by analyte."""

import numpy as np
import pandas as pd
import pytest

from earlyphase.pk import nca


def _profile(subject, analyte, times, k, c0):
    return pd.DataFrame(
        {"subject_id": subject, "analyte": analyte, "time": times, "conc": c0 * np.exp(-k * times)}
    )


def test_doses_matched_by_analyte_equal_separate_runs():
    times = np.array([0.5, 1.0, 2.0, 4.0, 8.0, 12.0])
    conc = pd.concat(
        [
            _profile("S1", "ISA", times, 0.05, 100.0),
            _profile("S1", "CARF", times, 0.7, 40.0),
            _profile("S2", "ISA", times, 0.06, 90.0),
            _profile("S2", "CARF", times, 0.6, 35.0),
        ],
        ignore_index=True,
    )
    doses = pd.DataFrame(
        {
            "subject_id": ["S1", "S1", "S2", "S2"],
            "analyte": ["ISA", "CARF", "ISA", "CARF"],
            "time": [0.0, 0.0, 0.0, 0.0],
            "amount": [800.0, 50.0, 760.0, 48.0],
            "route": "iv-bolus",
        }
    )
    together = nca(conc, doses).to_wide().set_index(["subject_id", "analyte"])
    for analyte in ("ISA", "CARF"):
        alone = (
            nca(
                conc[conc.analyte == analyte].drop(columns="analyte"),
                doses[doses.analyte == analyte].drop(columns="analyte"),
            )
            .to_wide()
            .set_index("subject_id")
        )
        for subject in ("S1", "S2"):
            for code in ("CMAX", "AUCLST", "LAMZ", "CLO"):
                assert together.loc[(subject, analyte), code] == pytest.approx(
                    alone.loc[subject, code], rel=1e-12
                )
    # clearance uses each drug's own dose: mono-exponential bolus, CL = dose / AUCinf exactly
    auc_inf = 100.0 / 0.05
    assert together.loc[("S1", "ISA"), "AUCIFO"] == pytest.approx(auc_inf, rel=1e-9)

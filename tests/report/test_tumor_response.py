"""RECIST 1.1 response table and figures from ADaM derived from TU/TR."""

from __future__ import annotations

import pandas as pd
import pytest
from scipy.stats import binom
from tests.cdisc.test_tumor_recist import REF, sdtm

from earlyphase.cdisc.adam import derive_adam
from earlyphase.report.figures.tumor import recist_swimmer_figure, spider_figure, waterfall_figure
from earlyphase.report.tables import TABLES
from earlyphase.report.tables.tumor_response import recist_response_table


@pytest.fixture(scope="module")
def adam():
    dm = pd.DataFrame(
        {
            "STUDYID": "T",
            "USUBJID": list(REF),
            "RFSTDTC": list(REF.values()),
            "ARM": "A",
            "ARMCD": "A",
        }
    )
    ex = pd.DataFrame(
        {
            "STUDYID": "T",
            "USUBJID": list(REF),
            "EXTRT": "DRUG",
            "EXDOSE": 10.0,
            "EXDOSU": "mg",
            "EXSTDTC": list(REF.values()),
            "EXENDTC": list(REF.values()),
        }
    )
    return derive_adam({"DM": dm, "EX": ex, **sdtm()})


def test_recist_table_counts_and_exact_cis(adam):
    table = recist_response_table(adam).data
    overall = table[table["column"] == "OVERALL"].pivot_table(
        index="row", columns="stat", values="value"
    )
    # BOR: P1 CR, P2 NE, P3 PR; CBOR: P1 PR, P3 SD (tests/cdisc/test_tumor_recist.py)
    assert (
        overall.loc["CR", "n"] == 1 and overall.loc["PR", "n"] == 1 and overall.loc["NE", "n"] == 1
    )
    assert overall.loc["ORR", "n"] == 2 and overall.loc["CORR", "n"] == 1
    assert overall.loc["DCR", "n"] == 2
    # Clopper-Pearson by its definition: P(X >= x | lcl) = P(X <= x | ucl) = 0.025
    for row, x in (("ORR", 2), ("CORR", 1)):
        lcl, ucl = overall.loc[row, "lcl"] / 100, overall.loc[row, "ucl"] / 100
        assert binom.sf(x - 1, 3, lcl) == pytest.approx(0.025, abs=1e-9)
        assert binom.cdf(x, 3, ucl) == pytest.approx(0.025, abs=1e-9)
    assert overall.loc["ORR", "lcl"] == pytest.approx(
        9.4299, abs=1e-4
    )  # qbeta(0.025, 2, 2), as R binom.test(2, 3)


def test_recist_outputs_are_registered_and_drawn(adam):
    assert "efficacy_recist_response" in [t.table_id for t in TABLES]
    water = waterfall_figure(adam).data.set_index("usubjid")
    assert water.loc["P1", "best_pct_change"] == pytest.approx(-82.0)
    assert water.loc["P1", "bor"] == "CR"
    assert len(spider_figure(adam).data) > 0
    marks = recist_swimmer_figure(adam).data
    assert set(marks["response"].dropna()) <= {"CR", "PR", "SD", "PD", "NE"}

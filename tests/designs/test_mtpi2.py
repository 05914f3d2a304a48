"""mTPI-2 and Keyboard decision tables against R Keyboard 0.1.3 get.boundary.kb."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.designs import BOIN, MTPI2, Keyboard
from earlyphase.designs.mtpi2 import keys
from earlyphase.errors import DesignError

from ._reference import REF


@pytest.mark.parametrize("cls", [MTPI2, Keyboard])
@pytest.mark.parametrize("phi", [0.25, 0.30])
def test_tables_equal_keyboard_package(cls, phi):
    # R: get.boundary.kb(target = phi, ncohort = 10, cohortsize = 3) (Keyboard 0.1.3)
    ref = pd.read_csv(REF / f"keyboard_boundary_phi{round(phi * 100):03d}.csv")
    ours = cls(phi, 5).decision_table()
    assert ours["escalate_if_dlt_le"].tolist() == ref["escalate_if_dlt_le"].tolist()
    assert ours["deescalate_if_dlt_ge"].astype(int).tolist() == ref["deescalate_if_dlt_ge"].tolist()
    # Keyboard's table also eliminates at n < 3; its simulator (and ours) require n >= 3
    elim = ours["eliminate_if_dlt_ge"].astype("Float64").fillna(-1).tolist()
    assert elim[2:] == ref["eliminate_if_dlt_ge"].fillna(-1).tolist()[2:]
    assert elim[:2] == [-1, -1]


def test_boin_and_keyboard_share_rows_at_phi_025():
    # A known coincidence at phi = 0.25 (epsilon = 0.05): identical escalation rows for n <= 30
    a = BOIN(0.25, 5).decision_table()
    b = Keyboard(0.25, 5).decision_table()
    assert a["escalate_if_dlt_le"].tolist() == b["escalate_if_dlt_le"].tolist()
    assert a["deescalate_if_dlt_ge"].tolist() == b["deescalate_if_dlt_ge"].tolist()


def test_keys_tile_the_unit_interval():
    cuts = keys(0.3, 0.05, 0.05)
    assert cuts[0] == 0 and cuts[-1] == 1
    assert np.allclose(np.diff(cuts)[1:-1], 0.1)
    assert 0.25 in cuts and 0.35 in cuts


def test_closed_form_first_patient():
    # n = 1, y = 0: posterior Beta(1, 2), density decreasing -> the lowest key has most mass
    # per unit width: escalate.  n = 1, y = 1: Beta(2, 1) -> the highest key: de-escalate.
    d = MTPI2(0.3, 3)
    assert d.decide("1N").next_dose == 2
    assert d.decide("1NNN 2T").next_dose == 1


def test_simulation_runs_and_is_reproducible():
    d = MTPI2(0.3, 4)
    a = d.simulate([0.1, 0.2, 0.3, 0.5], n_trials=3000, seed=1)
    b = d.simulate([0.1, 0.2, 0.3, 0.5], n_trials=3000, seed=1, chunk_size=1000)
    assert np.array_equal(a.p_select, b.p_select)
    assert a.p_select.sum() == pytest.approx(1.0)
    assert a.expected_n_total == pytest.approx(a.mean_n.sum())


def test_bad_margins():
    with pytest.raises(DesignError, match="epsilon1"):
        MTPI2(0.3, 4, epsilon1=0.4)


def test_tie_rules_differ_only_on_exact_ties():
    # phi = 0.45, n = 4, y = 2: posterior Beta(3, 3) is symmetric about 0.5, so the keys
    # [0.4, 0.5] (equivalence) and [0.5, 0.6] hold exactly the same mass.  mTPI-2 breaks the tie
    # towards "stay", Keyboard towards the highest key ("de-escalate").
    assert MTPI2(0.45, 3).decide("1NNN 2NN 2TT").next_dose == 2
    assert Keyboard(0.45, 3).decide("1NNN 2NN 2TT").next_dose == 1
    for phi in (0.10, 0.20, 0.30, 0.40):
        a, b = MTPI2(phi, 3).decision_table(), Keyboard(phi, 3).decision_table()
        assert a.equals(b)

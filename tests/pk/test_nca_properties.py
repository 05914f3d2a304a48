"""Properties of the NCA that hold for any profile (hypothesis)."""

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.pk import NCAOptions, nca


@st.composite
def profiles(draw, n_max=6):
    n = draw(st.integers(1, n_max))
    rows, dose_rows = [], []
    for i in range(n):
        k = draw(st.integers(3, 12))
        gaps = draw(st.lists(st.floats(0.05, 24.0), min_size=k, max_size=k))
        times = np.cumsum(gaps)
        conc = draw(
            st.lists(st.one_of(st.just(0.0), st.floats(0.01, 1000.0)), min_size=k, max_size=k)
        )
        route = draw(st.sampled_from(["extravascular", "iv-bolus", "iv-infusion"]))
        for t, c in zip(times, conc, strict=True):
            rows.append((f"S{i}", float(t), float(c)))
        dose_rows.append(
            (
                f"S{i}",
                0.0,
                100.0,
                route,
                float(times[0]) / 2 if route == "iv-infusion" else np.nan,
                float(times[-1]) * draw(st.floats(0.3, 1.5)),
            )
        )
    conc = pd.DataFrame(rows, columns=["subject_id", "time", "conc"])
    doses = pd.DataFrame(
        dose_rows, columns=["subject_id", "time", "amount", "route", "duration", "tau"]
    )
    return conc, doses


@settings(max_examples=30, deadline=None)
@given(profiles())
def test_auc_bounds_and_method_order(data):
    conc, doses = data
    lin = nca(conc, doses, NCAOptions(auc_method="linear")).to_wide().set_index("subject_id")
    log = nca(conc, doses, NCAOptions()).to_wide().set_index("subject_id")
    for w in (lin, log):
        assert (w["AUCLST"].dropna() >= 0).all()
        assert (w["AUCALL"].dropna() >= w["AUCLST"].dropna() - 1e-9).all()
        both = w[["AUCLST", "AUCIFO"]].dropna()
        assert (both["AUCLST"] <= both["AUCIFO"] * (1 + 1e-12)).all()
        assert (w["AUCTAU"].dropna() >= 0).all()
        assert ((w["AUCPEO"].dropna() >= -1e-9) & (w["AUCPEO"].dropna() <= 100)).all()
    # linear >= log-down: the log rule only replaces falling segments, where it is smaller
    ok = lin["AUCLST"].notna()
    assert (lin.loc[ok, "AUCLST"] >= log.loc[ok, "AUCLST"] * (1 - 1e-12)).all()
    # lambda-z and everything observed do not depend on the AUC method
    for code in ("CMAX", "TMAX", "TLST", "CLST", "LAMZ", "LAMZNPT"):
        np.testing.assert_array_equal(lin[code].to_numpy(), log[code].to_numpy())


@settings(max_examples=15, deadline=None)
@given(profiles())
def test_batch_equals_one_profile_at_a_time(data):
    conc, doses = data
    batch = nca(conc, doses).parameters
    single = pd.concat(
        [
            nca(conc[conc.subject_id == s], doses[doses.subject_id == s]).parameters
            for s in doses.subject_id
        ]
    )
    merged = batch.merge(single, on=["subject_id", "parameter"], suffixes=("_b", "_s"))
    assert len(merged) == len(batch) == len(single)
    np.testing.assert_allclose(merged["value_b"], merged["value_s"], rtol=1e-12, equal_nan=True)
    assert (
        merged["exclusion_reason_b"].fillna("") == merged["exclusion_reason_s"].fillna("")
    ).all()


@settings(max_examples=30, deadline=None)
@given(
    st.floats(0.01, 2.0),
    st.floats(0.1, 1000.0),
    st.lists(st.integers(1, 192), min_size=4, max_size=10, unique=True),
)
def test_mono_exponential_gives_exact_lambda_z(k, c0, quarter_hours):
    t = np.sort(np.asarray(quarter_hours)) / 4.0
    c = c0 * np.exp(-k * t)
    conc = pd.DataFrame({"subject_id": "A", "time": t, "conc": c})
    doses = pd.DataFrame(
        {"subject_id": ["A"], "time": [0.0], "amount": [1.0], "route": ["iv-bolus"]}
    )
    w = nca(conc, doses).to_wide().iloc[0]
    assert np.isclose(w["LAMZ"], k, rtol=1e-7)
    assert np.isclose(w["AUCIFO"], c0 / k, rtol=1e-7)

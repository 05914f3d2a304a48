"""Properties of RECIST 1.1 (Eisenhauer 2009): monotone in new lesions and in the sum."""

from __future__ import annotations

import numpy as np
from hypothesis import given, settings
from hypothesis import strategies as st
from tests.clinical.recist_cases import frame, new, non_targets, targets

from earlyphase.clinical.recist import assess

# worse = larger; PD is the worst outcome, NE just better than it
SEVERITY = {"CR": 0, "PR": 1, "SD": 2, "NON-CR/NON-PD": 2, "NE": 3, "PD": 4}


@st.composite
def subjects(draw):
    n_targets = draw(st.integers(0, 4))
    n_nt = draw(st.integers(0 if n_targets else 1, 2))
    n_visits = draw(st.integers(2, 5))
    days = [1 + 42 * v for v in range(n_visits)]
    diam = st.one_of(st.none(), st.floats(0, 80).map(lambda x: round(x, 1)))
    base = [draw(st.floats(10, 80).map(lambda x: round(x, 1))) for _ in range(n_targets)]
    later = [[draw(diam) for _ in range(n_targets)] for _ in range(n_visits - 1)]
    nodes = tuple(f"T{k + 1}" for k in range(n_targets) if draw(st.booleans()))
    status = st.sampled_from(["present", "absent", "not-evaluated", "unequivocal-progression"])
    nts = [["present"] * n_nt] + [[draw(status) for _ in range(n_nt)] for _ in range(n_visits - 1)]
    rows = targets("P1", days, [base, *later], nodes=nodes) if n_targets else []
    return rows + non_targets("P1", days, nts), days


@settings(max_examples=60, deadline=None)
@given(subjects(), st.data())
def test_adding_a_new_lesion_never_improves_the_response(case, data):
    # §4.3.5: a new lesion (or an equivocal one confirmed later) is PD; an equivocal one not
    # confirmed changes nothing. Either way no time point and no best response gets better.
    rows, days = case
    day = data.draw(st.sampled_from(days[1:]))
    added = new("P1", day, data.draw(st.sampled_from(["present", "equivocal"])))
    if day < days[-1] and data.draw(st.booleans()):
        added += new("P1", days[-1])  # seen again: an equivocal lesion is confirmed
    before = assess(frame(rows))
    after = assess(frame(rows, added))
    b, a = before.by_visit, after.by_visit
    for x, y in zip(b["overall_response"].iloc[1:], a["overall_response"].iloc[1:], strict=True):
        assert SEVERITY[y] >= SEVERITY[x]
    assert (
        SEVERITY[after.best["best_response"].iloc[0]]
        >= SEVERITY[before.best["best_response"].iloc[0]]
    )


@settings(max_examples=60, deadline=None)
@given(subjects(), st.data())
def test_a_smaller_sum_never_worsens_the_target_response(case, data):
    rows, days = case
    if not any(r["lesion_class"] == "target" for r in rows):
        return
    day = data.draw(st.sampled_from(days[1:]))
    factor = data.draw(st.floats(0, 1))
    smaller = [
        {**r, "diameter_mm": round(r["diameter_mm"] * factor, 1)}
        if r["day"] == day and r["lesion_class"] == "target"
        else r
        for r in rows
    ]
    b = assess(frame(rows)).by_visit
    a = assess(frame(smaller)).by_visit
    x = b.loc[b.day == day, "target_response"].item()
    y = a.loc[a.day == day, "target_response"].item()
    assert SEVERITY[y] <= SEVERITY[x]
    assert np.isnan(b.loc[b.day == day, "sld_mm"].item()) == np.isnan(
        a.loc[a.day == day, "sld_mm"].item()
    )

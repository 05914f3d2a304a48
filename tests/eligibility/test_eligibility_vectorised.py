"""The vectorised evaluation gives the same statuses as the patient-by-patient reference."""

import math

import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st
from patients_table import BASE

from earlyphase.eligibility import check_eligibility
from earlyphase.eligibility.check import _check_one_at_a_time
from earlyphase.protocol import load_protocol

P = load_protocol("isak-phase1b")

maybe = lambda s: st.one_of(st.just(math.nan), s)  # noqa: E731
patient = st.fixed_dictionaries(
    {
        "anc_per_ul": maybe(st.sampled_from([500, 999, 1000, 1001, 4000])),
        "platelets_per_ul": maybe(st.sampled_from([20_000, 50_000, 50_001, 300_000])),
        "hemoglobin_g_dl": maybe(st.sampled_from([7.9, 8.0, 12.0])),
        "serum_m_protein_g_dl": maybe(st.sampled_from([0.0, 0.49, 0.5, 3.0])),
        "urine_m_protein_mg_24h": maybe(st.sampled_from([0, 199, 200])),
        "kappa_flc_mg_dl": maybe(st.sampled_from([1.0, 12.0, 50.0])),
        "lambda_flc_mg_dl": maybe(st.sampled_from([0.5, 1.0, 20.0])),
        "prior_anti_cd38": maybe(st.sampled_from(["Y", "N"])),
        "days_since_autologous_transplant": maybe(st.sampled_from([10, 84, 85])),
        "ecog": maybe(st.integers(0, 4)),
    }
)


@settings(max_examples=15, deadline=None)
@given(st.lists(patient, min_size=1, max_size=8))
def test_vectorised_equals_one_at_a_time(rows):
    frame = pd.DataFrame([{"patient_id": f"P{i}", **BASE, **row} for i, row in enumerate(rows)])
    fast = check_eligibility(P, frame)
    assert fast.status.tolist() == _check_one_at_a_time(P, frame)
    assert fast.patient_id.tolist() == [f"P{i}" for i in range(len(rows)) for _ in P.eligibility]
    assert fast.criterion.tolist() == [c.id for _ in rows for c in P.eligibility]

"""The reconstruction's EX is the protocol's dosing calendar with each patient's dose history.

Nothing in EX is written by hand: every record equals :func:`earlyphase.dosing.dosing_calendar`
applied to the protocol with the patient's weight, height and :class:`DoseHistory`, and the
history holds what the paper reports (Chari et al. Cancer 2021, Results: > 96% of intended
therapy given, one carfilzomib reduction for peripheral neuropathy, optional reduced carfilzomib
frequency after cycle 8).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.dosing import bsa
from earlyphase.protocol import load_protocol
from earlyphase.twin._common import records, usubjid
from earlyphase.twin.calibration import cohort_plan
from earlyphase.twin.demographics import baseline_body
from earlyphase.twin.dose_history import (
    K_REDUCTION,
    P_MISSED,
    REDUCED_FREQUENCY,
    reconstructed_histories,
)
from earlyphase.twin.exposure import exposure_domains, patient_calendar
from earlyphase.twin.reconstruct import DEFAULT_SEED

PROTOCOL = load_protocol("isak-phase1b")


@pytest.fixture(scope="module")
def built():
    streams = [np.random.default_rng(s) for s in np.random.SeedSequence(DEFAULT_SEED).spawn(6)]
    plan = cohort_plan()
    body = baseline_body(plan, streams[0])
    minutes = {(int(plan["subj"].iloc[0]), 1, 1): 333}
    histories = reconstructed_histories(PROTOCOL, plan, streams[1], minutes)
    domains, given = exposure_domains(PROTOCOL, plan, body, "STUDY", histories)
    return plan, body, histories, domains["EX"], given


def test_every_record_is_the_patients_dosing_calendar(built):
    plan, body, histories, ex, _ = built
    for i, row in zip(plan.index, records(plan), strict=True):
        subj = int(row["subj"])
        cal = patient_calendar(
            PROTOCOL,
            row,
            float(body.loc[i, "weight_kg"]),
            float(body.loc[i, "height_cm"]),
            histories[subj],
        )
        mine = ex[ex["USUBJID"] == usubjid(subj)]
        assert len(mine) == len(cal)
        assert mine["EXDOSE"].tolist() == [round(x, 1) for x in cal["dose_mg"]]
        visits = [f"CYCLE {c} DAY {d}" for c, d in zip(cal["cycle"], cal["day"], strict=True)]
        assert mine["VISIT"].tolist() == visits


def test_missed_visits_skip_every_drug_never_at_intensive_pk(built):
    plan, _, histories, ex, _ = built
    intensive = {(o.cycle, o.day) for s in PROTOCOL.pk_sampling for o in s.occasions if o.intensive}
    skipped = ex[ex["EXDOSE"] == 0]
    visits = skipped.groupby(["USUBJID", "VISIT"])["EXTRT"].nunique()
    both = ex.groupby(["USUBJID", "VISIT"])["EXTRT"].nunique()
    assert (visits == both.loc[visits.index]).all()  # a missed visit skips every drug there
    cycle_day = skipped["VISIT"].str.extract(r"CYCLE (\d+) DAY (\d+)").astype(int)
    assert (cycle_day[0] > 1).all()
    assert not any((c, d) in intensive for c, d in cycle_day.itertuples(index=False))
    # the share of missed visits from cycle 2 on agrees with P_MISSED within 3 binomial SEs
    later = ex[~ex["VISIT"].str.startswith("CYCLE 1 ")]
    n_visits = later.groupby(["USUBJID", "VISIT"]).ngroups
    n_missed = visits.size
    se = np.sqrt(P_MISSED * (1 - P_MISSED) / n_visits)
    assert abs(n_missed / n_visits - P_MISSED) < 3 * se
    # and > 96% of the intended therapy is given (paper, Results)
    assert (ex["EXDOSE"] > 0).mean() > 0.96


def test_carfilzomib_reduction_from_the_protocols_steps(built):
    plan, body, _, ex, _ = built
    subj, cycle = K_REDUCTION
    i = plan.index[plan["subj"] == subj][0]
    area = min(float(bsa(body.loc[i, "height_cm"], body.loc[i, "weight_kg"])), 2.2)
    k = ex[(ex["USUBJID"] == usubjid(subj)) & (ex["EXTRT"] == "CARFILZOMIB") & (ex["EXDOSE"] > 0)]
    c = k["VISIT"].str.extract(r"CYCLE (\d+)")[0].astype(int)
    late = k[c >= cycle]
    assert len(late) > 0
    assert late["EXDOSE"].tolist() == pytest.approx([round(20 * area, 1)] * len(late))
    assert (late["EXADJ"] == "PERIPHERAL NEUROPATHY").all()
    assert k.loc[(c < cycle) & (c > 1), "EXDOSE"].tolist() == pytest.approx(
        [round(27 * area, 1)] * int(((c < cycle) & (c > 1)).sum())
    )


def test_reduced_frequency_and_recorded_infusion(built):
    plan, _, histories, ex, given = built
    for subj, history in histories.items():
        assert (REDUCED_FREQUENCY in history.schedule_options) == (subj % 2 == 0)
    k = ex[ex["EXTRT"] == "CARFILZOMIB"]
    day = k["VISIT"].str.extract(r"CYCLE (\d+) DAY (\d+)").astype(int)
    late = k[day[0] > 8]
    even = late["USUBJID"].str[-3:].astype(int) % 2 == 0
    late_days = day.loc[late.index, 1]
    assert set(late_days[even]) <= {1, 2, 15, 16}
    assert {8, 9} <= set(late_days[~even])
    first = int(plan["subj"].iloc[0])
    isa = given["isatuximab"]
    c1d1 = isa[(isa["subj"] == first) & (isa["cycle"] == 1) & (isa["day"] == 1)].iloc[0]
    assert (c1d1["end_h"] - c1d1["start_h"]) * 60 == pytest.approx(333, abs=0.1)


def test_histories_are_reproducible_per_seed():
    plan = cohort_plan()
    a = reconstructed_histories(PROTOCOL, plan, np.random.default_rng(1))
    b = reconstructed_histories(PROTOCOL, plan, np.random.default_rng(1))
    c = reconstructed_histories(PROTOCOL, plan, np.random.default_rng(2))
    assert a == b
    assert a != c
    frame = pd.DataFrame(
        [(s, m.cycle, m.day, m.action) for s, h in a.items() for m in h.modifications]
    )
    assert set(frame[3]) == {"skip", "reduce"}

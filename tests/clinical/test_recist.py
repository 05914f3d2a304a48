"""RECIST 1.1 at the boundary of every rule.

Criteria: Eisenhauer EA et al., New response evaluation criteria in solid tumours: revised
RECIST guideline (version 1.1). Eur J Cancer 2009;45:228-247 ("§" below are its sections and
tables). Every expected response is worked by hand from the cited rule.
"""

from __future__ import annotations

import math

import pandas as pd
import pytest
from tests.clinical.recist_cases import frame, new, non_targets, targets

from earlyphase.clinical.recist import RECISTOptions, assess

CONFIRM = RECISTOptions(confirmation=True)


def ovr(result, sid="P1"):
    v = result.by_visit
    return list(v.loc[(v.subject_id == sid) & ~v.baseline, "overall_response"].astype(str))


def best(result, sid="P1"):
    return result.best.set_index("subject_id").loc[sid]


def test_pr_is_a_30_percent_decrease_exactly_and_29_9_is_sd():
    # §4.3.1 PR: "at least a 30% decrease in the sum of diameters ... taking as reference
    # the baseline sum". Baseline 60 + 40 = 100 mm: 70.0 mm is -30% (PR), 70.1 is -29.9% (SD).
    pr = assess(frame(targets("P1", [1, 43], [[60, 40], [42, 28]])))
    sd = assess(frame(targets("P1", [1, 43], [[60, 40], [42, 28.1]])))
    assert ovr(pr) == ["PR"] and ovr(sd) == ["SD"]
    assert pr.by_visit["pct_change_baseline"].iloc[1] == pytest.approx(-30.0)
    assert sd.by_visit["pct_change_baseline"].iloc[1] == pytest.approx(-29.9)
    assert "§4.3.1" in pr.by_visit["rule"].iloc[1]


def test_pd_needs_20_percent_and_5_mm():
    # §4.3.1 PD: ">= 20% increase in the sum ... taking as reference the smallest sum on
    # study" and "an absolute increase of at least 5 mm". 25 -> 30 mm is +20% and +5 mm: PD;
    # 20 -> 24 mm is +20% but only +4 mm: SD.
    five = assess(frame(targets("P1", [1, 43], [[25], [30]])))
    four = assess(frame(targets("P1", [1, 43], [[20], [24]])))
    assert ovr(five) == ["PD"] and ovr(four) == ["SD"]
    assert best(five).progression_day == 43 and math.isnan(best(four).progression_day)
    # 19.9% with 5.97 mm is not PD either: 30 -> 35.97 mm
    assert ovr(assess(frame(targets("P1", [1, 43], [[30], [35.97]])))) == ["SD"]


def test_pd_is_measured_from_the_nadir_after_baseline():
    # §4.3.1: the reference for PD is the smallest sum on study, baseline included. Baseline
    # 100, nadir 60 at day 43 (PR), then 72 mm = +20% and +12 mm from the nadir: PD although
    # still 28% below baseline.
    res = assess(frame(targets("P1", [1, 43, 85], [[100], [60], [72]])))
    assert ovr(res) == ["PR", "PD"]
    v = res.by_visit
    assert list(v["nadir_mm"]) == [100.0, 100.0, 60.0]
    assert v["pct_change_nadir"].iloc[2] == pytest.approx(20.0)
    assert best(res).best_response == "PR" and best(res).progression_day == 85


def test_node_below_10_mm_is_cr_and_still_adds_to_the_sum():
    # §4.3.1 CR: "any pathological lymph nodes must have reduction in short axis to < 10 mm";
    # §4.3.2: nodes keep contributing their short axis to the sum. Node 20 mm + lesion 30 mm.
    cr = assess(frame(targets("P1", [1, 43], [[30, 20], [0, 9]], nodes=("T2",))))
    pr = assess(frame(targets("P1", [1, 43], [[30, 20], [0, 10]], nodes=("T2",))))
    assert ovr(cr) == ["CR"] and ovr(pr) == ["PR"]
    assert cr.by_visit["sld_mm"].iloc[1] == 9.0
    # a non-nodal lesion of 9 mm is still present: not CR
    assert ovr(assess(frame(targets("P1", [1, 43], [[30, 20], [9, 0]], nodes=("T2",))))) == ["PR"]


def test_equivocal_new_lesion_confirmed_later_is_pd_at_first_sighting():
    # §4.3.5: "If a new lesion is equivocal ... continued therapy and follow-up evaluation will
    # clarify if it represents truly new disease. If repeat scans confirm there is definitely a
    # new lesion, then progression should be declared using the date of the initial scan."
    days = [1, 43, 85]
    base = targets("P1", days, [[50], [40], [40]])
    confirmed = assess(frame(base, new("P1", 43, "equivocal"), new("P1", 85, "present")))
    assert ovr(confirmed) == ["PD", "PD"]
    assert best(confirmed).progression_day == 43
    assert "first sighting" in confirmed.by_visit["rule"].iloc[1]
    # not confirmed: the lesion is not seen again -> no PD, SD stands
    unconfirmed = assess(frame(base, new("P1", 43, "equivocal")))
    assert ovr(unconfirmed) == ["SD", "SD"]
    assert list(unconfirmed.by_visit["new_lesions"].astype(str))[1:] == ["EQUIVOCAL", "NO"]
    assert math.isnan(best(unconfirmed).progression_day)
    # still equivocal later is not a confirmation
    still = assess(frame(base, new("P1", 43, "equivocal"), new("P1", 85, "equivocal")))
    assert ovr(still) == ["SD", "SD"]


def test_unequivocal_new_lesion_is_pd():
    # §4.3.5 and Table 1: a new lesion makes the time point PD whatever the targets do.
    res = assess(frame(targets("P1", [1, 43], [[50], [20]]), new("P1", 43)))
    assert ovr(res) == ["PD"] and best(res).best_response == "PD"


def test_non_target_only_patients_follow_table_2():
    # Table 2 (non-target disease only): CR, NON-CR/NON-PD, NE, PD.
    days = [1, 50, 99, 150]
    res = assess(
        frame(
            non_targets(
                "P1",
                days,
                [
                    ["present", "present"],
                    ["absent", "present"],
                    ["absent", "not-evaluated"],
                    ["absent", "unequivocal-progression"],
                ],
            ),
            non_targets("P2", [1, 50], [["present"], ["absent"]]),
        )
    )
    assert ovr(res) == ["NON-CR/NON-PD", "NE", "PD"]
    assert list(res.by_visit["target_response"].iloc[1:3].isna()) == [True, True]
    assert best(res).best_response == "NON-CR/NON-PD"  # day 50 is >= 42 days after day 1
    assert ovr(res, "P2") == ["CR"] and best(res, "P2").best_response == "CR"
    assert not best(res, "P2").has_target_disease


def test_missing_target_is_ne_unless_the_measured_ones_show_pd():
    # §4.4.2: "if only a subset of lesion measurements are made ... the patient is not
    # evaluable at that time point" unless the sum of the measured lesions already shows PD
    # (the paper's example: baseline 50 mm, two of three lesions now 80 mm -> PD).
    ne = assess(frame(targets("P1", [1, 43], [[20, 15, 15], [10, 10, None]])))
    pd_ = assess(frame(targets("P1", [1, 43], [[20, 15, 15], [50, 30, None]])))
    assert ovr(ne) == ["NE"] and ovr(pd_) == ["PD"]
    assert math.isnan(ne.by_visit["sld_mm"].iloc[1])
    assert "§4.4.2" in pd_.by_visit["rule"].iloc[1]
    # a target with no row at all counts as not measured, and does not update the nadir
    rows = targets("P1", [1, 43, 85], [[20, 20], [10, 10], [12, 12]])
    rows = [r for r in rows if not (r["day"] == 43 and r["lesion_id"] == "T2")]
    res = assess(frame(rows))
    assert ovr(res) == ["NE", "PR"]  # 24 mm is 40% below 40 mm
    assert res.by_visit["nadir_mm"].iloc[2] == 40.0


@pytest.mark.parametrize(
    ("nt", "expected"),
    [
        (["absent"], "CR"),
        (["present"], "PR"),
        (["not-evaluated"], "PR"),
        (["unequivocal-progression"], "PD"),
    ],
)
def test_table_1_target_cr_with_non_target(nt, expected):
    # Table 1: target CR + non-target CR -> CR; + non-CR/non-PD -> PR; + not evaluated -> PR;
    # + PD -> PD.
    res = assess(
        frame(
            targets("P1", [1, 43], [[30], [0]]),
            non_targets("P1", [1, 43], [["present"], nt]),
        )
    )
    assert ovr(res) == [expected]


def test_table_1_target_pr_sd_ne_with_non_target_not_evaluated():
    # Table 1: PR / SD with non-target "non-PD or not all evaluated" stay PR / SD; target NE
    # with non-target non-PD is NE.
    days = [1, 43, 85, 127]
    res = assess(
        frame(
            targets("P1", days, [[100], [60], [70], [None]]),
            non_targets("P1", days, [["present"], ["not-evaluated"], [None], ["present"]]),
        )
    )
    assert ovr(res) == ["PR", "PR", "NE"]


def test_confirmation_needs_28_days():
    # §4.6.1: CR/PR confirmed by "repeat assessments ... no less than 4 weeks after the
    # criteria for response are first met". 43 -> 70 is 27 days, 43 -> 71 is 28 days.
    early = assess(frame(targets("P1", [1, 43, 70], [[100], [60], [60]])), CONFIRM)
    ok = assess(frame(targets("P1", [1, 43, 71], [[100], [60], [60]])), CONFIRM)
    assert best(early).best_response == "SD"  # Table 3: PR not confirmed -> SD (42 days met)
    assert best(ok).best_response == "PR" and best(ok).first_response_day == 43
    # without confirmation both are PR
    assert (
        best(assess(frame(targets("P1", [1, 43, 70], [[100], [60], [60]])))).best_response == "PR"
    )


def test_confirmation_table_3():
    # Table 3: CR then CR -> CR; CR then PR -> PR (footnote a); PR then CR -> PR;
    # CR then PD with SD time not met -> PD; one NE between the two responses is allowed
    # (admiralonco max_nr_ne = 1), two are not.
    days = [1, 43, 85, 127]
    cases = {
        "CRCR": ([[30], [0], [0], [0]], "CR"),
        "CRPR": ([[20], [9], [12], [12]], "PR"),  # a node: 9 mm is CR, 12 mm PR (+3 mm only)
        "PRCR": ([[30], [20], [0], [None]], "PR"),
        "PR-NE-PR": ([[30], [20], [None], [20]], "PR"),
    }
    for name, (diam, expected) in cases.items():
        res = assess(frame(targets(name, days, diam, nodes=("T1",) * (name == "CRPR"))), CONFIRM)
        assert best(res, name).best_response == expected, name
    two_ne = assess(
        frame(targets("P1", [1, 43, 85, 127, 169], [[30], [20], [None], [None], [20]])), CONFIRM
    )
    assert best(two_ne).best_response == "SD"
    cr_pd = assess(frame(targets("P1", [1, 30, 60], [[30], [0], [10]])), CONFIRM)
    assert ovr(cr_pd) == ["CR", "PD"] and best(cr_pd).best_response == "PD"


def test_sd_only_after_min_sd_days():
    # §4.4.3 / §4.6.3: SD must be met at least once a minimum time after the start of
    # treatment (here 42 days; study day 43 is 42 days after day 1, day 42 is 41 days).
    early = assess(frame(targets("P1", [1, 42], [[50], [45]])))
    ok = assess(frame(targets("P1", [1, 43], [[50], [45]])))
    assert best(early).best_response == "NE" and best(ok).best_response == "SD"
    # SD too early followed by PD -> PD (Table 3)
    then_pd = assess(frame(targets("P1", [1, 42, 84], [[50], [45], [60]])))
    assert best(then_pd).best_response == "PD"
    # the minimum is an option
    assert (
        best(
            assess(frame(targets("P1", [1, 42], [[50], [45]])), RECISTOptions(min_sd_days=41))
        ).best_response
        == "SD"
    )


def test_assessments_after_pd_do_not_count():
    # §4.4.3: best response is recorded "from the start of the treatment until disease
    # progression".
    res = assess(frame(targets("P1", [1, 43, 85], [[50], [62], [20]])))
    assert ovr(res) == ["PD", "PR"]
    assert best(res).best_response == "PD" and math.isnan(best(res).first_response_day)


def test_row_order_and_types_do_not_matter():
    rows = frame(
        targets("B", [1, 43, 85], [[30, 20], [20, 10], [0, 9]], nodes=("T2",)),
        non_targets("B", [1, 43, 85], [["present"], ["present"], ["absent"]]),
        targets("A", [-5, 40], [[40], [50]]),
    )
    a = assess(rows)
    b = assess(rows.sample(frac=1.0, random_state=3).reset_index(drop=True))
    pd.testing.assert_frame_equal(a.by_visit, b.by_visit)
    pd.testing.assert_frame_equal(a.best, b.best)
    assert list(a.best["subject_id"]) == ["A", "B"]
    assert list(a.best["best_response"].astype(str)) == ["PD", "CR"]
    tidy = a.to_frame()
    assert set(tidy["param"]) == {"OVR", "BOR"}
    assert tidy.loc[(tidy.subject_id == "B") & (tidy.param == "BOR"), "rank"].item() == 1

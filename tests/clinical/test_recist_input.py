"""RECIST 1.1 bad input: a DataError naming the subject, lesion, day and the rule broken."""

from __future__ import annotations

import pandas as pd
import pytest
from tests.clinical.recist_cases import frame, new, non_targets, targets

from earlyphase.clinical.recist import RECISTOptions, assess
from earlyphase.errors import DataError, OptionsError


def check(rows, *fragments):
    with pytest.raises(DataError) as info:
        assess(rows if isinstance(rows, pd.DataFrame) else frame(rows))
    for f in fragments:
        assert f in str(info.value), str(info.value)


def test_target_without_baseline_measurement():
    check(
        targets("P1", [1, 43], [[None, 10], [5, 5]]),
        "subject 'P1', lesion 'T1', day 1",
        "baseline measurement",
    )


def test_target_first_recorded_after_baseline():
    rows = targets("P1", [1, 43], [[10], [5]]) + targets("P1", [43], [[3, 4]])[1:]
    check(rows, "lesion 'T2', day 43", "identified at baseline")


def test_more_than_five_targets_and_two_per_organ():
    check(targets("P1", [1], [[10] * 6]), "more than 5 targets", "at most 5")
    check(
        targets("P1", [1], [[10, 11, 12]], organ=["lung", "Lung ", "LUNG"]),
        "subject 'P1'",
        "3 target lesions in 'lung'",
        "at most 2 target lesions per organ",
    )
    # two per organ is fine
    assess(frame(targets("P1", [1], [[10, 11, 12]], organ=["lung", "lung", "liver"])))


def test_negative_diameter():
    check(targets("P1", [1, 43], [[10], [-1]]), "diameter_mm", "-1.0", ">= 0")


def test_lesion_changing_class():
    rows = targets("P1", [1, 43], [[10, 12], [10, 12]])
    rows[3]["lesion_class"] = "non-target"
    rows[3]["status"] = "present"
    check(rows, "lesion 'T2'", "change of class")


def test_duplicate_rows():
    rows = targets("P1", [1, 43], [[10], [12]])
    check(rows + rows[1:], "lesion 'T1', day 43", "one row per subject, day and lesion")


def test_vocabulary_and_structure():
    rows = targets("P1", [1], [[10]])
    rows[0]["lesion_class"] = "measurable"
    check(rows, "lesion_class (row 0)", "'measurable'", "'target'")
    check(
        targets("P1", [1], [[10]]) + non_targets("P1", [1], [["gone"]]),
        "status",
        "'gone'",
        "'absent'",
    )
    check(targets("P1", [1], [[10]]) + new("P1", 1), "new", "new lesions appear later")
    check(new("P1", 1), "new")
    check(
        targets("P1", [1, 43], [[10], [10]]) + new("P1", 43, status=None),
        "status",
        "a status for every",
    )
    with pytest.raises(DataError, match="columns including"):
        assess(frame(targets("P1", [1], [[10]])).drop(columns="is_node"))
    with pytest.raises(DataError, match="pandas DataFrame"):
        assess([1, 2])
    bad_node = frame(targets("P1", [1], [[10]])).assign(is_node="maybe")
    with pytest.raises(DataError, match="is_node"):
        assess(bad_node)
    with pytest.raises(DataError, match="a study day"):
        assess(frame(targets("P1", [1], [[10]])).assign(day=float("nan")))


def test_status_words_are_forgiving_about_case_and_separators():
    res = assess(
        frame(
            targets("P1", [1, 43], [[10], [10]]),
            non_targets("P1", [1, 43], [["Present"], ["UNEQUIVOCAL PROGRESSION"]]),
        )
    )
    assert res.by_visit["overall_response"].astype(str).iloc[1] == "PD"


def test_options_checked():
    with pytest.raises(OptionsError, match="min_sd_days"):
        RECISTOptions(min_sd_days=-1)
    with pytest.raises(OptionsError, match="confirmation"):
        RECISTOptions(confirmation="yes")
    with pytest.raises(OptionsError, match="RECISTOptions"):
        assess(frame(targets("P1", [1], [[10]])), options={"confirmation": True})

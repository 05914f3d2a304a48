"""The published-values file: loader, lookups, and the paper's inconsistencies it records."""

from __future__ import annotations

import pytest

from earlyphase.errors import DataError
from earlyphase.stats import round_half_away


def test_every_entry_has_a_location(published):
    assert len(published) > 400
    for key in published.keys():
        assert published[key].location, key


def test_lookups(published):
    orr = published["orr"]
    assert (orr.value, orr["n"], orr.denominator, orr["ci_low"], orr["ci_high"]) == (
        70,
        23,
        33,
        51,
        84,
    )
    assert published.get("median_pfs_months") == 10.1
    cell = published.table2("Hypertension", "dl2")
    assert cell == {
        "any": 9,
        "any_pct": 38,
        "grade3plus": 3,
        "grade3plus_pct": 13,
        "denominator": 24,
    }
    assert published.table3["c1d1"]["dl2"]["auc1week_mean"] == 15100
    with pytest.raises(DataError, match="published-value key"):
        published["no_such_key"]
    with pytest.raises(DataError, match="column"):
        published.table2("Anemia", "dl4")


def test_percentages_agree_with_counts_unless_flagged(published):
    """Every Table 2 percentage equals round(100 n / N) unless the YAML flags it."""
    for term in published.table2_terms():
        for col in ("dl1", "dl2", "dl3", "overall"):
            cell = published.table2(term, col)
            for n_key, pct_key in (("any", "any_pct"), ("grade3plus", "grade3plus_pct")):
                pct = published[f"table2.{term}.{col}.{pct_key}"]
                count_typo = not published[f"table2.{term}.{col}.{n_key}"].consistent
                if cell[n_key] == 0 or not pct.consistent or count_typo:
                    continue
                expected = round_half_away(100 * cell[n_key] / cell["denominator"])
                assert pct.value == expected, (term, col)


def test_typo_counts_have_right_percentages(published):
    """Table 2 anemia/thrombocytopenia overall: the count is the typo, the percentage is right
    (Chari 2021, Table 2: 1 + 18 + 5 = 24 -> 73%; 2 + 20 + 6 = 28 -> 85%)."""
    for term in ("Anemia", "Thrombocytopenia"):
        total = sum(published.table2(term, c)["any"] for c in ("dl1", "dl2", "dl3"))
        pct = published[f"table2.{term}.overall.any_pct"]
        assert pct.consistent
        assert pct.value == round_half_away(100 * total / 33)
        assert not published[f"table2.{term}.overall.any"].consistent


def test_known_inconsistencies_are_recorded(published):
    flagged = published.inconsistencies()
    for key in (
        "table2.Anemia.overall.any",
        "table2.Thrombocytopenia.overall.any",
        "table2.Leukopenia.overall.any_pct",
        "table2.Diarrhea.dl2.grade3plus_pct",
        "table2.Dyspnea.dl3.any_pct",
        "orr_k_ref",
        "orr_prior_k",
        "orr_gain1q",
        "orr_len_ref",
        "orr_pi_ref",
        "dual_ref_pct_overall",
        "diag_years_median_overall",
        "carf_ref_pct_conclusion",
    ):
        assert key in flagged, key
    assert published["table2.Anemia.overall.any"].value == 19  # printed number kept


def test_subgroup_counts_consistent_with_percentages(published):
    for key in (
        "orr_imid_ref",
        "orr_dual_ref",
        "orr_hr",
        "orr_hr_or_gain1q",
        "orr_age_lt65",
        "orr_age_ge65",
    ):
        ref = published[key]
        assert round(100 * ref["n"] / ref.denominator) == ref.value, key

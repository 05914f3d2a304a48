"""The published-versus-reproduced section against the YAML of published values."""

from __future__ import annotations

import math

import pytest

from earlyphase.report.published import (
    ADDRESSES,
    compare_published,
    load_reference_published,
    percent_consistent,
    published_numbers,
)


def test_every_printed_attribute_is_a_number(published_items):
    keys = {i.key for i in published_items}
    assert {"orr", "orr.n", "orr.ci_low", "orr.ci_high", "n_vgpr.pct", "median_os"} <= keys
    assert {"table2.Hypertension.overall.grade3plus_pct", "table3.c1d1.dl2.cmax_cv"} <= keys
    assert next(i for i in published_items if i.key == "median_os").text == "not reached"


@pytest.mark.parametrize(
    ("pct", "count", "den", "ok"),
    [
        (70, 23, 33, True),
        (42, 14, 32, False),
        (44, 14, 32, True),
        (19, 6, 32, True),
        (18, 4, 24, False),
    ],
)
def test_percent_consistency(pct, count, den, ok):
    # Table 1 of the paper: 1q gain "14 (42)" with 32 FISH results would be 43.75%
    assert percent_consistent(pct, count, den) is ok


def test_section_matches_the_yaml(report, published_items):
    frame = report.comparison.to_frame().set_index("key")
    assert len(frame) == len(published_items)
    for item in published_items:
        row = frame.loc[item.key]
        address = ADDRESSES.get(item.key, "")
        assert row["address"] == address
        if not address:
            assert row["status"] == "not reproduced" and math.isnan(row["reproduced"])
            continue
        table_id, rest = address.split("/", 1)
        r, c, s = rest.rsplit("/", 2)
        reproduced = report.tables[table_id].value(r, c, s)
        if item.value is not None:
            assert row["published"] == item.value
            assert row["reproduced"] == pytest.approx(reproduced, nan_ok=True)
            if math.isfinite(reproduced):
                assert row["difference"] == pytest.approx(reproduced - item.value)
    # the fixture's ORR is 23/33 as in the paper: same at the published precision
    for key in ("orr", "orr.n", "orr.ci_low", "orr.ci_high", "n_vgpr"):
        assert frame.loc[key, "status"] == "same"
    assert frame.loc["orr", "consistency"] == "consistent"
    assert frame.loc["gain1q_overall.pct", "consistency"] == "inconsistent"  # 14/32 != 42%
    assert frame.loc["orr_k_ref", "consistency"] == "inconsistent"  # flagged in the YAML
    assert frame.loc["icaria_orr", "status"] == "not reproduced"
    os_reached = math.isfinite(
        report.tables["time_to_event"].value("OS:median", "OVERALL", "median")
    )
    assert frame.loc["median_os", "status"] == ("differs" if os_reached else "same (not reached)")
    rdi = report.tables["exposure"].value("rdiisa", "OVERALL", "mean")
    assert frame.loc["pct_intended_therapy_given", "status"] == (
        "same (>96)" if rdi > 96 else "differs"
    )


def test_section_in_html_and_csv(report):
    html = report.html_path.read_text(encoding="utf-8")
    assert 'data-table-id="published_vs_reproduced"' in html
    assert 'data-key="gain1q_overall.pct"' in html
    assert "Internally inconsistent published numbers" in html
    assert (report.out_dir / "published_vs_reproduced.csv").exists()


def test_reference_yaml_is_read_and_mapped(report):
    numbers = load_reference_published()
    keys = {n.key for n in numbers}
    # every address names a published entry of the reference YAML (no stale mappings);
    # attribute addresses (".pct", ".min", ...) and cells left blank in the paper may be unused
    entries = {k.split(".")[0] for k in keys if not k.startswith(("table2.", "table3."))}
    stale = [
        k
        for k in ADDRESSES
        if not k.startswith(("table2.", "table3."))
        and k.split(".")[0] not in entries
        and not k.startswith(("race_", "hr_dl1", "gain1q_dl"))
    ]
    assert stale == []
    stale_cells = [
        k
        for k in ADDRESSES
        if k.startswith("table3.") and k not in keys and not k.startswith("table3.c3d1.dl1.")
    ]
    assert stale_cells == []
    comp = compare_published(numbers, report.tables).to_frame().set_index("key")
    assert comp.loc["orr", "status"] == "same"
    assert comp.loc["table2.Anemia.overall.any", "consistency"] == "inconsistent"
    assert (comp["status"] != "not reproduced").sum() > 400


def test_bad_published_input_is_rejected():
    with pytest.raises(TypeError, match="published"):
        published_numbers([{"value": 1}])


# the 12 numbers once flagged although the paper is right (checked against Chari 2021):
# Table 1 cytogenetics with FISH-evaluable denominators (4/22 = 18%, 6/31 = 19%, 9/22 = 41%,
# 13/31 = 42%), the lay summary's "average" = the median, the overall time since diagnosis
# range (1-14.3 is the dose levels' range), Table 2 anemia/thrombocytopenia percentages
# (24/33 = 73%, 28/33 = 85%: the counts are the typos)
_NOT_INCONSISTENT = (
    "mean_cycles",
    "diag_years_median_overall.min",
    "diag_years_median_overall.max",
    "hr_dl2",
    "hr_dl2.pct",
    "hr_overall",
    "hr_overall.pct",
    "gain1q_dl2",
    "gain1q_dl2.pct",
    "gain1q_overall.pct",
    "table2.Anemia.overall.any_pct",
    "table2.Thrombocytopenia.overall.any_pct",
    # Table 3 DL3 Rac AUC1week: 140,000 / 2 / 23,600 = 2.97 per week against the printed 3.36
    # is not an inconsistency: the paper's ratio uses the cycle-3 AUC(0-168 h), not printed
    # (Chari et al. 2021, Table 3 footnote: "cycle 3 to cycle 1 accumulation ratio of AUC1week")
    "table3.c3d1.dl3.rac_auc1week_mean",
    "table3.c3d1.dl3.rac_auc1week_gmean",
)


def test_reference_flags_and_reasons(report):
    comp = compare_published(load_reference_published(), report.tables)
    frame = comp.to_frame().set_index("key")
    for key in _NOT_INCONSISTENT:
        assert frame.loc[key, "consistency"] != "inconsistent", key
    for key in (
        "diag_years_median_overall",  # at least 17 of 33 values are <= 6
        "gain1q_overall",  # 2 + 9 + 2 = 13, not 14
        "table2.Anemia.overall.any",
    ):
        assert frame.loc[key, "consistency"] == "inconsistent", key
    # every number that does not agree says why
    open_rows = frame[~frame["status"].str.startswith("same")]
    assert (open_rows["reason"].str.len() > 0).all()
    assert frame.loc["icaria_orr", "reason"].startswith("result of another study")
    assert frame.loc["cycle_length_days", "reason"].startswith("design constant")
    # counts are flagged as counts (printed as integers)
    assert bool(frame.loc["n_patients", "is_count"])
    assert not bool(frame.loc["orr", "is_count"])


def test_sections_score_and_summary(report):
    comp = compare_published(load_reference_published(), report.tables)
    sections = comp.sections()
    assert sections["published"].sum() == len(comp.to_frame())
    assert (sections["same"] + sections["differs"] == sections["reproduced"]).all()
    frame = comp.to_frame()
    worst = sections.sort_values("differs", ascending=False).iloc[0]
    assert worst.section in comp.summary()
    assert frame.loc[frame["key"] == "orr", "section"].iloc[0] == (
        report.tables["efficacy_best_response"].spec.title
    )


def test_a_range_address_takes_the_extreme_of_its_cells(report):
    """``min(a;b)`` / ``max(a;b)``: a range the text gives over several report cells; a
    missing cell leaves the number not reproduced."""
    from earlyphase.report.published import PublishedNumber

    table = report.tables["table3_pk_parameters"]
    a = "table3_pk_parameters/cycle_3_day_1:RACCMAX/DL2/geomean"
    b = "table3_pk_parameters/cycle_3_day_1:RACAUC/DL3/geomean"
    va, vb = (table.value(*x.split("/", 1)[1].rsplit("/", 2)) for x in (a, b))
    numbers = [
        PublishedNumber(key="low", value=2.0, text="2", location="Results"),
        PublishedNumber(key="high", value=3.4, text="3.4", location="Results"),
        PublishedNumber(key="gone", value=1.0, text="1", location="Results"),
    ]
    addresses = {"low": f"min({a};{b})", "high": f"max({a};{b})", "gone": f"max({a};x/y/z/w)"}
    comp = compare_published(numbers, report.tables, addresses).to_frame().set_index("key")
    assert comp.loc["low", "reproduced"] == pytest.approx(min(va, vb))
    assert comp.loc["high", "reproduced"] == pytest.approx(max(va, vb))
    assert comp.loc["gone", "status"] == "not reproduced"

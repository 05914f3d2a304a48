"""The published-versus-reproduced section against the YAML of published values."""

from __future__ import annotations

import math

import pytest

from earlyphase.report.published import compare_published, flatten_published, percent_consistent


def test_flatten_reads_any_layout():
    nested = {
        "a": {"b": {"value": 3, "location": {"table": 1, "row": "x"}}},
        "c": [{"id": "k", "value": "2.5"}],
    }
    items = flatten_published(nested)
    assert [(i.key, i.value) for i in items] == [("a.b", 3.0), ("k", 2.5)]
    assert items[0].location == "table: 1, row: x"


@pytest.mark.parametrize(
    ("pct", "count", "den", "ok"),
    [
        (70, 23, 33, True),
        (42, 14, 32, False),
        (44, 14, 32, True),
        (19, 6, 32, True),
        (85, 28, 33, True),
    ],
)
def test_percent_consistency(pct, count, den, ok):
    # Table 1 of the paper: 1q gain "14 (42)" among 32 patients with FISH -> 43.75%, inconsistent
    assert percent_consistent(pct, count, den) is ok


def test_section_matches_the_yaml(report, published_items):
    frame = report.comparison.to_frame().set_index("key")
    assert len(frame) == len(published_items)
    for item in published_items:
        row = frame.loc[item.key]
        assert row["published"] == item.value
        if item.key == "ir.grade3.n":
            assert row["status"] == "not reproduced" and math.isnan(row["reproduced"])
            continue
        table_id, rest = row["address"].split("/", 1)
        r, c, s = rest.rsplit("/", 2)
        reproduced = report.tables[table_id].value(r, c, s)
        assert row["reproduced"] == pytest.approx(reproduced)
        assert row["difference"] == pytest.approx(reproduced - item.value)
    orr = frame.loc["orr.overall.pct"]
    assert orr["status"] == "same at published precision"  # fixture ORR is 23/33
    assert frame.loc["orr.overall.ci_lower", "status"] == "same at published precision"
    assert frame.loc["table1.gain1q.overall.pct", "consistency"] == "inconsistent"
    assert frame.loc["orr.overall.pct", "consistency"] == "consistent"


def test_section_in_html_and_csv(report):
    html = report.html_path.read_text(encoding="utf-8")
    assert 'data-table-id="published_vs_reproduced"' in html
    assert 'data-key="table1.gain1q.overall.pct"' in html
    assert (report.out_dir / "published_vs_reproduced.csv").exists()


def test_compare_accepts_raw_yaml_structure(report):
    comp = compare_published({"x": {"key": "bor.vgpr.n", "value": 8}}, report.tables)
    assert comp.to_frame()["reproduced"].iloc[0] == report.tables["efficacy_best_response"].value(
        "VGPR", "OVERALL", "n"
    )

"""What users see: the rendered HTML, CSV/Parquet, RTF and PDF carry the analysis numbers."""

from __future__ import annotations

import re
from html.parser import HTMLParser

import pandas as pd
import pytest

from earlyphase.report.spec import sas_round


class _Tables(HTMLParser):
    """Collect every <table data-table-id> as a list of rows of cell texts."""

    def __init__(self):
        super().__init__()
        self.tables: dict[str, list[list[str]]] = {}
        self.current: str | None = None
        self.row: list[str] | None = None
        self.cell: list[str] | None = None
        self.images = 0

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if tag == "table":
            self.current = a.get("data-table-id")
            self.tables[self.current] = []
        elif tag == "tr" and self.current:
            self.row = []
        elif tag in ("td", "th") and self.row is not None:
            self.cell = []
        elif tag == "img" and a.get("src", "").startswith("data:image/png;base64,"):
            self.images += 1

    def handle_endtag(self, tag):
        if tag in ("td", "th") and self.cell is not None:
            self.row.append("".join(self.cell).strip())
            self.cell = None
        elif tag == "tr" and self.row is not None:
            self.tables[self.current].append(self.row)
            self.row = None
        elif tag == "table":
            self.current = None

    def handle_data(self, data):
        if self.cell is not None:
            self.cell.append(data)


@pytest.fixture(scope="module")
def html_tables(report):
    parser = _Tables()
    parser.feed(report.html_path.read_text(encoding="utf-8"))
    return parser


def _row(table, label):
    return next(r for r in table if r and r[0] == label)


def test_html_orr_row_shows_the_analysis_numbers(report, html_tables):
    t = report.tables["efficacy_best_response"]
    row = _row(html_tables.tables["efficacy_best_response"], "ORR (≥PR), No. (%) [95% CI]")
    for cell, key in zip(row[1:], ["DL1", "DL2", "DL3", "OVERALL"], strict=True):
        n, pct = t.value("ORR", key, "n"), t.value("ORR", key, "pct")
        lcl, ucl = t.value("ORR", key, "lcl"), t.value("ORR", key, "ucl")
        assert cell == f"{n:.0f} ({sas_round(pct):.0f}) [{sas_round(lcl):.0f}-{sas_round(ucl):.0f}]"


def test_html_ae_and_pk_cells(report, html_tables):
    ae = report.tables["table2_adverse_events"]
    row = _row(html_tables.tables["table2_adverse_events"], "Hypertension")
    n = ae.value("Hypertension", "OVERALL:any", "n")
    pct = ae.value("Hypertension", "OVERALL:any", "pct")
    assert row[7] == (f"{n:.0f} ({sas_round(pct):.0f})" if n else "0")
    pk = report.tables["table3_pk_parameters"]
    rows = html_tables.tables["table3_pk_parameters"]
    cmax = [r for r in rows if r[0] == "Cmax, μg/mL"][0]
    mean = pk.value("cycle_1_day_1:CMAX", "DL2", "mean")
    assert cmax[2].startswith(f"{mean:.3g}".split(".")[0])
    assert re.fullmatch(r"[\d,.]+ ± [\d,.]+ \([\d,.]+\) \[\d+\]", cmax[2])


def test_html_every_table_and_figure_present(report, html_tables):
    assert set(report.tables) <= set(html_tables.tables)
    assert html_tables.images == len(report.figures) == 7
    text = report.html_path.read_text(encoding="utf-8")
    for phrase in (
        "Clopper–Pearson",
        "log-log",
        "Brookmeyer–Crowley",
        "IMWG",
        "auc_method = lin-up/log-down",
        "30.4375",
        "rtflite",
        "matplotlib",
    ):
        assert phrase in text
    assert "<link" not in text and 'src="http' not in text  # self-contained


def test_csv_and_parquet_are_the_unrounded_tidy_data(report):
    for table_id, table in report.tables.items():
        csv = pd.read_csv(report.out_dir / "tables" / f"{table_id}.csv")
        parquet = pd.read_parquet(report.out_dir / "tables" / f"{table_id}.parquet")
        expected = table.to_frame()
        assert list(csv.columns) == ["table_id", "row", "column", "stat", "value"]
        pd.testing.assert_frame_equal(parquet.astype({"value": float}), expected, check_dtype=False)
        assert csv["value"].to_numpy() == pytest.approx(
            expected["value"].to_numpy(), nan_ok=True, rel=1e-12
        )


def test_rtf_parses_and_holds_every_table(report):
    text = (report.out_dir / "report.rtf").read_text(encoding="utf-8")
    assert text.startswith("{\\rtf1")
    depth = 0
    for i, ch in enumerate(text):
        if ch in "{}" and (i == 0 or text[i - 1] != "\\"):
            depth += 1 if ch == "{" else -1
            assert depth >= 0
    assert depth == 0
    for table in report.tables.values():
        assert table.spec.title.split(".")[0] in text
    assert "\\pngblip" in text  # figures embedded
    ae = report.tables["table2_adverse_events"]
    n = ae.value("Hypertension", "OVERALL:any", "n")
    assert f"{n:.0f} (" in text


def test_pdf_is_written(report):
    data = (report.out_dir / "report.pdf").read_bytes()
    assert data.startswith(b"%PDF") and data.rstrip().endswith(b"%%EOF")
    assert (
        data.count(b"/Type /Page\n") + data.count(b"/Type /Page ") + data.count(b"/Type /Page>")
        >= 5
    )

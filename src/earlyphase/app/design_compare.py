"""The design page's computation: settings -> decision tables and side-by-side operating
characteristics of the 3+3, BOIN, mTPI-2 and CRM, with CSV, text and RTF exports.

Everything here is a pure function of :class:`DesignInputs`; :func:`compare` is cached on
them, so the CSV/RTF downloads of a page just shown cost nothing.  Operating characteristics
come from :func:`earlyphase.designs.compare_designs` (exact for the 3+3, vectorised simulation
with common random numbers for the others).
"""

from __future__ import annotations

import base64
import tempfile
from collections.abc import Mapping
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import Any

import pandas as pd

from earlyphase.designs import VARIANTS, compare_designs, make_design, plot_selection
from earlyphase.errors import OptionsError, describe_problem

__all__ = [
    "DEFAULT_SCENARIOS",
    "DesignComparison",
    "DesignInputs",
    "compare",
    "parse_inputs",
    "protocol_rtf",
    "protocol_text",
]

#: Scenarios shown on a fresh design page (5 doses): safe, target at 3, at 2, at 4, all toxic.
DEFAULT_SCENARIOS = (
    (0.05, 0.10, 0.20, 0.30, 0.50),
    (0.10, 0.20, 0.30, 0.45, 0.60),
    (0.20, 0.30, 0.45, 0.60, 0.70),
    (0.02, 0.05, 0.10, 0.20, 0.30),
    (0.45, 0.55, 0.65, 0.75, 0.85),
)
_LIMITS = {
    "n_doses": (2, 10),
    "cohort_size": (1, 6),
    "max_n": (1, 120),
    "n_trials": (100, 20_000),
    "seed": (0, 2**31 - 1),
}
_DESIGNS = ("3+3", "boin", "mtpi2", "crm")


@dataclass(frozen=True)
class DesignInputs:
    """Validated settings of the design page (hashable: the cache key)."""

    n_doses: int = 5
    target: float = 0.30
    cohort_size: int = 3
    max_n: int = 30
    n_trials: int = 2000
    seed: int = 2026
    variant: str = "de-escalate"
    scenarios: tuple[tuple[float, ...], ...] = DEFAULT_SCENARIOS


def _int(data: Mapping[str, Any], name: str, default: int) -> int:
    raw = data.get(name, default)
    low, high = _LIMITS[name]
    text = str(raw).strip()
    if not text.lstrip("-").isdigit() or not low <= int(text) <= high:
        raise OptionsError(describe_problem(name, raw, f"a whole number from {low} to {high}"))
    return int(text)


def _prob(raw: Any, name: str, low: float = 0.0, high: float = 1.0) -> float:
    try:
        value = float(str(raw).strip())
    except ValueError:
        value = float("nan")
    if not low <= value <= high:  # also rejects NaN
        raise OptionsError(describe_problem(name, raw, f"a probability from {low} to {high}"))
    return value


def parse_inputs(data: Mapping[str, Any]) -> DesignInputs:
    """Validate the page's form (or the API's JSON) into :class:`DesignInputs`.

    Scenarios come either as ``scenarios`` (a list of lists, JSON) or as form cells
    ``s<row>_<dose>`` (0-based); rows left completely empty are dropped.
    """
    n_doses = _int(data, "n_doses", 5)
    target = _prob(data.get("target", 0.30), "target", 0.05, 0.60)
    cohort_size = _int(data, "cohort_size", 3)
    max_n = _int(data, "max_n", 30)
    if max_n % cohort_size or max_n < cohort_size:
        raise OptionsError(
            describe_problem("max_n", max_n, f"a multiple of the cohort size ({cohort_size})")
        )
    variant = str(data.get("variant", "de-escalate"))
    if variant not in VARIANTS:
        raise OptionsError(describe_problem("variant", variant, "one of " + ", ".join(VARIANTS)))
    rows = data.get("scenarios")
    if rows is None:
        rows = []
        for i in range(8):
            cells = [str(data.get(f"s{i}_{j}", "")).strip() for j in range(n_doses)]
            if any(cells):
                rows.append(cells)
    if not isinstance(rows, list | tuple) or not 1 <= len(rows) <= 8:
        raise OptionsError(describe_problem("scenarios", rows, "1 to 8 scenarios"))
    scenarios = []
    for i, row in enumerate(rows):
        if not isinstance(row, list | tuple) or len(row) != n_doses:
            raise OptionsError(
                describe_problem(f"scenario {i + 1}", row, f"{n_doses} DLT rates, one per dose")
            )
        values = tuple(_prob(v, f"scenario {i + 1} dose {j + 1}") for j, v in enumerate(row))
        if any(b < a for a, b in zip(values, values[1:], strict=False)):
            raise OptionsError(
                describe_problem(f"scenario {i + 1}", list(values), "DLT rates rising with dose")
            )
        scenarios.append(values)
    return DesignInputs(
        n_doses=n_doses,
        target=target,
        cohort_size=cohort_size,
        max_n=max_n,
        n_trials=_int(data, "n_trials", 2000),
        seed=_int(data, "seed", 2026),
        variant=variant,
        scenarios=tuple(scenarios),
    )


@dataclass(frozen=True)
class DesignComparison:
    """Result of :func:`compare`.

    Attributes
    ----------
    inputs : DesignInputs
    designs : tuple
        The design objects, in the order 3+3, BOIN, mTPI-2, CRM.
    decision_tables : dict of str to DataFrame
        Each rule-based design's decision table (the CRM has none: its decision depends on
        all doses' data).
    oc : DataFrame
        Tidy output of :func:`earlyphase.designs.compare_designs`.
    summary : DataFrame
        One row per (scenario, design): correct selection %, no-MTD %, expected N,
        % treated above the target, P(stop early).
    """

    inputs: DesignInputs
    designs: tuple[Any, ...]
    decision_tables: dict[str, pd.DataFrame]
    oc: pd.DataFrame
    summary: pd.DataFrame

    def selection_png(self) -> str:
        """The selection bar chart as a base64 PNG (for an ``<img src="data:...">``)."""
        with tempfile.TemporaryDirectory() as folder:
            path = Path(folder) / "selection.png"
            plot_selection(self.oc, str(path))
            return base64.b64encode(path.read_bytes()).decode("ascii")


def _summary(oc: pd.DataFrame, target: float) -> pd.DataFrame:
    rows = []
    for (scenario, design), sub in oc.groupby(["scenario", "design"], sort=False):
        doses = sub[sub["dose"] > 0]
        gap = (doses["true_dlt"] - target).abs()
        best = doses[gap <= gap.min() + 1e-12]["dose"]
        rows.append(
            {
                "scenario": scenario,
                "design": design,
                "pct_correct_selection": 100 * sub[sub["dose"].isin(best)]["p_select"].sum(),
                "pct_no_mtd": 100 * sub[sub["dose"] == 0]["p_select"].sum(),
                "expected_n": sub["expected_n_total"].iloc[0],
                "pct_treated_above_mtd": sub["pct_treated_above_mtd"].iloc[0],
                "p_stop_early": sub["p_stop_early"].iloc[0],
            }
        )
    return pd.DataFrame(rows)


@lru_cache(maxsize=16)
def compare(inputs: DesignInputs) -> DesignComparison:
    """Decision tables and operating characteristics of the four designs under ``inputs``."""
    n_cohorts = inputs.max_n // inputs.cohort_size
    designs = tuple(
        make_design(
            name,
            inputs.n_doses,
            inputs.target,
            cohort_size=inputs.cohort_size,
            n_cohorts=n_cohorts,
            variant=inputs.variant,
        )
        for name in _DESIGNS
    )
    scenarios = {f"scenario {i + 1}": s for i, s in enumerate(inputs.scenarios)}
    oc = compare_designs(designs, scenarios, n_trials=inputs.n_trials, seed=inputs.seed)
    labels = list(dict.fromkeys(oc["design"]))
    tables = {}
    for label, design in zip(labels[:3], designs[:3], strict=True):
        table = design.decision_table()
        tables[label] = table.astype(object).where(table.notna(), None)
    return DesignComparison(inputs, designs, tables, oc, _summary(oc, inputs.target))


def protocol_text(result: DesignComparison) -> str:
    """A protocol-ready plain-text section: the designs, the BOIN rules and the OC summary."""
    i = result.inputs
    boin = next(t for name, t in result.decision_tables.items() if name.startswith("BOIN"))
    lines = [
        "Statistical design: dose escalation",
        "",
        f"Doses: {i.n_doses} levels. Target DLT rate: {i.target:.2f}. Cohorts of "
        f"{i.cohort_size}, at most {i.max_n} patients.",
        "The designs compared: " + ", ".join(dict.fromkeys(result.oc["design"])) + ".",
        "",
        "BOIN decision rules (number of patients treated at the current dose, n):",
        f"{'n':>4} {'escalate if DLTs <=':>20} {'de-escalate if DLTs >=':>23} "
        f"{'eliminate if DLTs >=':>21}",
    ]
    for row in boin.itertuples(index=False):
        elim = "" if row[3] is None else str(row[3])
        lines.append(f"{row[0]:>4} {row[1]:>20} {row[2]:>23} {elim:>21}")
    lines += [
        "",
        f"Operating characteristics from {i.n_trials} simulated trials per scenario "
        f"(seed {i.seed}; the 3+3 is computed exactly):",
    ]
    for row in result.summary.itertuples(index=False):
        lines.append(
            f"  {row.scenario}, {row.design}: correct selection {row.pct_correct_selection:.1f}%, "
            f"no MTD {row.pct_no_mtd:.1f}%, expected N {row.expected_n:.1f}"
        )
    return "\n".join(lines) + "\n"


def _display(table_id: str, title: str, frame: pd.DataFrame, notes: tuple[str, ...]) -> Any:
    from earlyphase.report.spec import DisplayTable

    body = tuple(
        (str(row[0]), 0, False, tuple("" if v is None or pd.isna(v) else str(v) for v in row[1:]))
        for row in frame.itertuples(index=False)
    )
    # rtflite reads "_x" as a subscript: headers are written with spaces
    headers = tuple(str(c).replace("_", " ") for c in frame.columns)
    return DisplayTable(table_id, title, (), headers[1:], headers[0], body, notes)


def protocol_rtf(result: DesignComparison) -> bytes:
    """The protocol section as RTF (rtflite): the BOIN decision table and the OC summary."""
    import rtflite as rtf

    from earlyphase.report.render.rtf import table_rtf

    i = result.inputs
    name, boin = next((n, t) for n, t in result.decision_tables.items() if n.startswith("BOIN"))
    summary = result.summary.copy()
    for col in ("pct_correct_selection", "pct_no_mtd", "expected_n", "pct_treated_above_mtd"):
        summary[col] = summary[col].map(lambda v: "" if pd.isna(v) else f"{v:.1f}")
    summary["p_stop_early"] = summary["p_stop_early"].map(lambda v: f"{v:.3f}")
    summary.insert(0, "scenario: design", summary.pop("scenario") + ": " + summary.pop("design"))
    summary = summary.rename(
        columns={
            "pct_correct_selection": "correct selection %",
            "pct_no_mtd": "no MTD %",
            "expected_n": "expected N",
            "pct_treated_above_mtd": "% treated above MTD",
            "p_stop_early": "P(stop early)",
        }
    )
    setting = (
        f"{i.n_doses} doses, target DLT rate {i.target:.2f}, cohorts of {i.cohort_size}, "
        f"at most {i.max_n} patients"
    )
    tables = [
        _display("design_rules", f"Decision rules of {name}", boin, (setting,)),
        _display(
            "design_oc",
            "Operating characteristics",
            summary,
            (setting, f"{i.n_trials} simulated trials per scenario, seed {i.seed}; 3+3 exact."),
        ),
    ]
    with tempfile.TemporaryDirectory() as folder:
        paths = []
        for table in tables:
            path = Path(folder) / f"{table.table_id}.rtf"
            path.write_text(table_rtf(table), encoding="utf-8")
            paths.append(str(path))
        combined = Path(folder) / "section.rtf"
        rtf.assemble_rtf(paths, str(combined))
        return combined.read_bytes()

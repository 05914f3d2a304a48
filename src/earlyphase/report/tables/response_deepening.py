"""Deepening of response after the first cycles: patients whose best response improved to a
responder category (≥ PR) only after cycle ``n`` (Chari et al., Cancer 2021, Results,
Efficacy: "Six patients had a deepening of response even after cycle 4 at a median of 38
weeks of therapy (16-96 weeks) with an improvement to an sCR/CR (n = 2), VGPR (n = 2), or PR
(n = 2)").

Per patient, from the confirmed responses (``ADRS.PARAMCD == "CONFRESP"``, else ``"OVR"``):
the best category by study day ``n_cycles * cycle_days``, and the first day the overall best
category is reached.  Deepening = the overall best is a responder category, better than the
best by the end of cycle ``n``, and first reached after it; its time is that day in weeks
(day / 7).  Built on the table-layout API; response-evaluable population (``EFFFL``).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.errors import DataError
from earlyphase.report.layout import (
    Analysis,
    Analyze,
    Cell,
    CountSubjects,
    Heading,
    TableLayout,
)
from earlyphase.report.spec import TableResult
from earlyphase.report.tables._common import require

__all__ = ["REQUIRES", "deepening_records", "response_deepening_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADRS": ("USUBJID", "PARAMCD", "AVALC", "ADY"),
}
_RANK = {c: i for i, c in enumerate(terms.RESPONSE_ORDER)}
_GROUPS = (("sCR/CR", ("sCR", "CR")), ("VGPR", ("VGPR",)), ("PR", ("PR",)))


def deepening_records(adrs: pd.DataFrame, after_day: float) -> pd.DataFrame:
    """One row per patient whose response deepened after ``after_day``: USUBJID, category
    reached, day and weeks."""
    param = "CONFRESP" if (adrs["PARAMCD"] == "CONFRESP").any() else "OVR"
    rs = adrs[adrs["PARAMCD"] == param].copy()
    if rs.empty:
        raise DataError("ADRS has no CONFRESP or OVR records (response by visit)")
    rs["rank"] = rs["AVALC"].map(_RANK).astype("float64")
    rs["day"] = pd.to_numeric(rs["ADY"], errors="coerce")
    rs = rs[rs["rank"].notna() & rs["day"].notna()]
    rows = []
    for subject, g in rs.groupby("USUBJID", sort=True):
        best = g["rank"].min()
        early = g.loc[g["day"] <= after_day, "rank"]
        before = early.min() if len(early) else np.inf
        category = terms.RESPONSE_ORDER[int(best)]
        first = g.loc[g["rank"] == best, "day"].min()
        if category in terms.RESPONDER_CATEGORIES and best < before and first > after_day:
            rows.append((subject, category, float(first), float(first) / 7.0))
    return pd.DataFrame(rows, columns=["USUBJID", "category", "day", "weeks"])


def _category_in(categories: tuple[str, ...]) -> Callable[[pd.DataFrame], np.ndarray]:
    def select(d: pd.DataFrame) -> np.ndarray:
        return d["category"].isin(categories).to_numpy(dtype=bool)

    return select


def response_deepening_table(
    adam: Mapping[str, pd.DataFrame], n_cycles: int = 4, cycle_days: int = 28
) -> TableResult:
    """Patients whose response deepened after cycle ``n_cycles``, the time to the deeper
    response (weeks, median and range) and the category reached."""
    require(adam, REQUIRES)
    records = deepening_records(adam["ADRS"], n_cycles * cycle_days)

    def weeks(cell: Cell) -> dict[str, float]:
        w = cell.records["weeks"].to_numpy(dtype=float)
        if not w.size:
            return {}  # shown as "—"
        return {"n": float(w.size), "median": float(np.median(w)), "min": w.min(), "max": w.max()}

    rows: list[Analysis] = [
        CountSubjects("deepened", f"Response deepened after cycle {n_cycles}"),
        Analyze(
            "weeks",
            "Weeks of therapy at the deeper response, median (range)",
            weeks,
            "{median:0} ({min:0}-{max:0})",
            indent=1,
        ),
        Heading("Best response reached", indent=1),
    ]
    for label, cats in _GROUPS:
        rows.append(CountSubjects(f"deepened:{label}", label, _category_in(cats), indent=2))
    flag = "EFFFL" if "EFFFL" in adam["ADSL"].columns else None
    layout = (
        TableLayout("response_deepening", f"Deepening of Response After Cycle {n_cycles}")
        .population(flag)
        .split_columns_by("TRT01AN", label_var="TRT01A", key_prefix="DL", span="Dose level")
        .add(*rows)
        .stub("Patients, No. (%)")
        .footnote(
            "Response-evaluable population (EFFFL = Y). Deepening: the best confirmed "
            f"response is a responder category (≥PR), better than the best response by day "
            f"{n_cycles * cycle_days} (end of cycle {n_cycles}), and first reached after it; "
            "weeks = study day / 7.",
        )
        .note(f"Response deepening after cycle {n_cycles}: ADRS confirmed responses.")
    )
    return layout.build(adam["ADSL"], records)

"""Published versus reproduced: each number of the paper beside the number the report
computed, with the difference, and a flag on published numbers that are internally
inconsistent (a percentage that no integer count of its denominator gives).

The published values come from ``earlyphase.reference.published.load_published()`` (the YAML
``src/earlyphase/reference/isak_phase1b_published.yaml``) or any mapping/list of the same
shape.  The reader is deliberately tolerant of the YAML's layout: every mapping holding a
``value`` is one published number; its key is its own ``key``/``id`` field or its dotted path.
Each published key is matched to a cell of a report table (``table_id/row/column/stat``)
through :data:`ADDRESSES`, or through an ``address`` field in the entry itself.
"""

from __future__ import annotations

import math
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, fields, is_dataclass
from typing import Any

import pandas as pd

from earlyphase.report.spec import TableResult

__all__ = [
    "ADDRESSES",
    "Comparison",
    "PublishedValue",
    "compare_published",
    "flatten_published",
    "load_reference_published",
    "percent_consistent",
]

_DL = {"dl1": "DL1", "dl2": "DL2", "dl3": "DL3", "overall": "OVERALL"}


def _build_addresses() -> dict[str, str]:
    a: dict[str, str] = {}
    for dl, col in _DL.items():
        a[f"enrolled.{dl}"] = f"disposition/enrolled/{col}/n"
        a[f"orr.{dl}.pct"] = f"efficacy_best_response/ORR/{col}/pct"
        a[f"orr.{dl}.n"] = f"efficacy_best_response/ORR/{col}/n"
        a[f"cbr.{dl}.pct"] = f"efficacy_best_response/CBR/{col}/pct"
        a[f"age.median.{dl}"] = f"table1_demographics/age/{col}/median"
        a[f"prior_lines.median.{dl}"] = f"table1_demographics/priorln/{col}/median"
        a[f"dual_refractory.pct.{dl}"] = f"table1_demographics/dualref/{col}/pct"
    a.update(
        {
            "orr.overall.ci_lower": "efficacy_best_response/ORR/OVERALL/lcl",
            "orr.overall.ci_upper": "efficacy_best_response/ORR/OVERALL/ucl",
            "bor.scr.n": "efficacy_best_response/sCR/OVERALL/n",
            "bor.cr.n": "efficacy_best_response/CR/OVERALL/n",
            "bor.scr_cr.n": "efficacy_best_response/sCR/CR/OVERALL/n",
            "bor.vgpr.n": "efficacy_best_response/VGPR/OVERALL/n",
            "bor.pr.n": "efficacy_best_response/PR/OVERALL/n",
            "bor.mr.n": "efficacy_best_response/MR/OVERALL/n",
            "pfs.median": "time_to_event/PFS:median/OVERALL/median",
            "pfs.median.ci_lower": "time_to_event/PFS:median/OVERALL/lcl",
            "pfs.median.ci_upper": "time_to_event/PFS:median/OVERALL/ucl",
            "pfs.events": "time_to_event/PFS:events/OVERALL/n",
            "os.rate_24m": "time_to_event/OS:rate24/OVERALL/est",
            "os.rate_24m.ci_lower": "time_to_event/OS:rate24/OVERALL/lcl",
            "os.rate_24m.ci_upper": "time_to_event/OS:rate24/OVERALL/ucl",
            "os.deaths": "time_to_event/OS:events/OVERALL/n",
            "followup.median": "time_to_event/followup:median/OVERALL/median",
            "followup.min": "time_to_event/followup:median/OVERALL/min",
            "followup.max": "time_to_event/followup:median/OVERALL/max",
            "ttr.median_weeks": "efficacy_response_timing/TTR/value/median",
            "ttbr.median_weeks": "efficacy_response_timing/TTBR/value/median",
            "dor.median": "efficacy_response_timing/DOR/value/median",
            "cycles.median": "exposure/ncycles/OVERALL/median",
            "cycles.min": "exposure/ncycles/OVERALL/min",
            "cycles.max": "exposure/ncycles/OVERALL/max",
            "related_ae_grade3plus.n": "table2_adverse_events/any_related/OVERALL:ge3/n",
            "related_ae_grade3plus.pct": "table2_adverse_events/any_related/OVERALL:ge3/pct",
        }
    )
    for key in (
        "lenref",
        "imidref",
        "piref",
        "dualref",
        "carfexp",
        "carfref",
        "cyto_high",
        "gain1q",
        "hr_or_gain1q",
        "age_lt65",
        "age_ge65",
    ):
        a[f"subgroup.{key}.orr"] = f"efficacy_subgroups/{key}/ORR/pct"
        a[f"subgroup.{key}.n"] = f"efficacy_subgroups/{key}/N/n"
    return a


#: Published key -> report address ``table_id/row/column/stat`` (row may contain "/").
ADDRESSES: dict[str, str] = _build_addresses()


@dataclass(frozen=True)
class PublishedValue:
    """One number of the paper."""

    key: str
    value: float
    location: str = ""
    unit: str = ""
    count: float | None = None
    denominator: float | None = None
    note: str = ""
    text: str = ""
    address: str = ""


@dataclass(frozen=True)
class Comparison:
    """The published-versus-reproduced table (one row per published number)."""

    rows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Columns: key, location, published, reproduced, difference, decimals, status,
        consistency, note, address."""
        return self.rows.copy()

    @property
    def n_matched(self) -> int:
        return int((self.rows["status"] == "same at published precision").sum())


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _as_mapping(obj: Any) -> Any:
    if is_dataclass(obj) and not isinstance(obj, type):
        return {f.name: getattr(obj, f.name) for f in fields(obj)}
    if hasattr(obj, "model_dump"):
        return obj.model_dump()
    return obj


def flatten_published(obj: Any, prefix: str = "") -> list[PublishedValue]:
    """Every mapping with a numeric ``value`` anywhere in ``obj`` becomes a PublishedValue."""
    obj = _as_mapping(obj)
    out: list[PublishedValue] = []
    if isinstance(obj, Mapping):
        value = _num(obj.get("value"))
        if "value" in obj and value is not None:
            key = str(obj.get("key") or obj.get("id") or prefix)
            loc = obj.get("location") or obj.get("source") or ""
            if isinstance(loc, Mapping):
                loc = ", ".join(f"{k}: {v}" for k, v in loc.items())
            note = obj.get("inconsistency") or obj.get("note") or obj.get("notes") or ""
            out.append(
                PublishedValue(
                    key=key,
                    value=value,
                    location=str(loc),
                    unit=str(obj.get("unit") or ""),
                    count=_num(obj.get("count") if "count" in obj else obj.get("numerator")),
                    denominator=_num(obj.get("denominator")),
                    note=str(note)
                    if not isinstance(note, list | tuple)
                    else "; ".join(map(str, note)),
                    text=str(obj.get("text") or obj.get("published_text") or ""),
                    address=str(obj.get("address") or ""),
                )
            )
            return out
        for k, v in obj.items():
            out += flatten_published(v, f"{prefix}.{k}" if prefix else str(k))
    elif isinstance(obj, list | tuple):
        for i, v in enumerate(obj):
            out += flatten_published(v, f"{prefix}[{i}]")
    return out


def load_reference_published() -> list[PublishedValue]:
    """Published values of the reference trial (``earlyphase.reference.published``)."""
    from earlyphase.reference.published import load_published

    return flatten_published(load_published())


def _decimals(value: float, text: str) -> int:
    match = re.search(r"\.(\d+)", text) if text else None
    if match:
        return len(match.group(1))
    as_text = repr(value)
    return 0 if float(value).is_integer() else len(as_text.split(".")[1])


def percent_consistent(pct: float, count: float, denominator: float) -> bool:
    """Whether ``pct`` is what ``count / denominator`` gives at the precision it is printed."""
    if denominator == 0:
        return False
    decimals = _decimals(pct, "")
    exact = 100.0 * count / denominator
    half = 0.5 * 10.0 ** (-decimals)
    return abs(exact - pct) <= half + 1e-9


def _lookup(tables: Mapping[str, TableResult], address: str) -> float | None:
    table_id, rest = address.split("/", 1)
    row, column, stat = rest.rsplit("/", 2)
    table = tables.get(table_id)
    if table is None:
        return None
    try:
        return table.value(row, column, stat)
    except KeyError:
        return None


def compare_published(
    published: Iterable[PublishedValue] | Any,
    tables: Mapping[str, TableResult],
    addresses: Mapping[str, str] | None = None,
) -> Comparison:
    """Place each published number beside its reproduced value.

    Status is ``"same at published precision"`` when the reproduced value, rounded half away
    from zero to the published number's decimals, equals it; ``"differs"`` otherwise;
    ``"not reproduced"`` when no report cell holds it.  ``consistency`` is ``"inconsistent"``
    when the entry has a count and denominator that do not give its percentage, or the YAML
    records an inconsistency note.
    """
    from earlyphase.report.spec import sas_round

    items = list(published) if isinstance(published, list | tuple) else flatten_published(published)
    items = [i if isinstance(i, PublishedValue) else flatten_published(i)[0] for i in items]
    addresses = dict(ADDRESSES if addresses is None else addresses)
    rows = []
    for item in items:
        address = item.address or addresses.get(item.key, "")
        reproduced = _lookup(tables, address) if address else None
        decimals = _decimals(item.value, item.text)
        if reproduced is None:
            status, diff = "not reproduced", math.nan
        else:
            diff = reproduced - item.value
            same = sas_round(reproduced, decimals) == sas_round(item.value, decimals)
            status = "same at published precision" if same else "differs"
        consistency = ""
        if (
            item.count is not None
            and item.denominator is not None
            and item.unit in ("%", "percent", "")
        ):
            if item.unit == "%" or "pct" in item.key or "percent" in item.key:
                consistency = (
                    "consistent"
                    if percent_consistent(item.value, item.count, item.denominator)
                    else "inconsistent"
                )
        if item.note and "inconsistent" in item.note.lower():
            consistency = "inconsistent"
        rows.append(
            {
                "key": item.key,
                "location": item.location,
                "published": item.value,
                "reproduced": reproduced if reproduced is not None else math.nan,
                "difference": diff,
                "decimals": decimals,
                "status": status,
                "consistency": consistency,
                "note": item.note,
                "address": address,
            }
        )
    return Comparison(
        pd.DataFrame(
            rows,
            columns=[
                "key",
                "location",
                "published",
                "reproduced",
                "difference",
                "decimals",
                "status",
                "consistency",
                "note",
                "address",
            ],
        )
    )

"""Published values of the reference trial (Chari et al. Cancer 2021;127:1816-1826).

The numbers live in ``isak_phase1b_published.yaml`` beside this module, each with its location in
the paper, its denominator and, where the paper contradicts itself, the inconsistency. Tests and
the report compare the reproduced analysis with these values; the twin generator never reads them.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from importlib import resources
from types import MappingProxyType
from typing import Any

import yaml

from earlyphase.errors import DataError, describe_problem

__all__ = ["PublishedValue", "PublishedValues", "load_published"]

_FILE = "isak_phase1b_published.yaml"
_COLUMNS = ("dl1", "dl2", "dl3", "overall")


@dataclass(frozen=True)
class PublishedValue:
    """One number as printed in the paper.

    Attributes
    ----------
    key : str
        Stable identifier, e.g. ``"orr"`` or ``"table2.Anemia.overall.any"``.
    value : Any
        The printed value (a number, or text such as ``"not reached"``).
    location : str
        Section / table / row where it is printed.
    denominator : int or None
        Number of patients the value refers to, where known.
    inconsistency : str or None
        Why the value does not agree with other printed numbers (None when it does).
    extra : Mapping
        Other printed attributes (``n``, ``pct``, ``min``, ``max``, ``ci_low``, ``ci_high``, ...).
    """

    key: str
    value: Any
    location: str
    denominator: int | None = None
    inconsistency: str | None = None
    extra: Mapping[str, Any] = field(default_factory=dict)

    @property
    def consistent(self) -> bool:
        """True when the paper's other numbers do not contradict this one."""
        return self.inconsistency is None

    def __getitem__(self, name: str) -> Any:
        return self.extra[name]


@dataclass(frozen=True)
class PublishedValues:
    """All published values, looked up by key (``pv["orr"]``, ``pv.table2("Anemia", "dl2")``)."""

    source: str
    values: MappingProxyType[str, PublishedValue]
    table3: MappingProxyType[str, Any]

    def __getitem__(self, key: str) -> PublishedValue:
        try:
            return self.values[key]
        except KeyError:
            raise DataError(
                describe_problem("key", key, "a published-value key, e.g. 'orr'")
            ) from None

    def __contains__(self, key: object) -> bool:
        return key in self.values

    def __len__(self) -> int:
        return len(self.values)

    def keys(self) -> list[str]:
        """All keys, in file order."""
        return list(self.values)

    def get(self, key: str) -> Any:
        """The printed value of ``key``."""
        return self[key].value

    def table2(self, term: str, column: str) -> dict[str, Any]:
        """Table 2 cell: ``{"any", "any_pct", "grade3plus", "grade3plus_pct", "denominator"}``."""
        if column not in _COLUMNS:
            raise DataError(describe_problem("column", column, f"one of {_COLUMNS}"))
        out = {}
        for name in ("any", "any_pct", "grade3plus", "grade3plus_pct", "denominator"):
            out[name] = self[f"table2.{term}.{column}.{name}"].value
        return out

    def table2_terms(self) -> list[str]:
        """Paper display terms of Table 2, in printed order."""
        seen: dict[str, None] = {}
        for key in self.values:
            if key.startswith("table2."):
                seen[key.split(".")[1]] = None
        return list(seen)

    def inconsistencies(self) -> dict[str, str]:
        """Every key whose value the paper contradicts, with the explanation."""
        return {k: v.inconsistency for k, v in self.values.items() if v.inconsistency}


def _entry(key: str, raw: dict[str, Any]) -> PublishedValue:
    extra = {
        k: v
        for k, v in raw.items()
        if k not in ("value", "location", "denominator", "inconsistency")
    }
    return PublishedValue(
        key=key,
        value=raw.get("value"),
        location=str(raw.get("location", "")),
        denominator=raw.get("denominator"),
        inconsistency=raw.get("inconsistency"),
        extra=MappingProxyType(extra),
    )


@lru_cache(maxsize=1)
def load_published() -> PublishedValues:
    """Load the published values of the isatuximab + carfilzomib phase 1b.

    Returns
    -------
    PublishedValues
        Lookup by key; Table 2 cells are flattened to ``table2.<term>.<column>.<field>``
        (e.g. ``table2.Anemia.overall.any``), Table 3 is kept nested in ``table3``.
    """
    text = resources.files("earlyphase.reference").joinpath(_FILE).read_text(encoding="utf-8")
    doc = yaml.safe_load(text)
    values: dict[str, PublishedValue] = {}
    for key, raw in doc["values"].items():
        values[key] = _entry(key, raw)
    t2 = doc["table2"]
    for term, cols in t2["rows"].items():
        for col, cell in cols.items():
            loc = f"Table 2, {term}, {col}"
            note = cell.get("inconsistency")
            flagged = set(cell.get("inconsistent_fields", ()))
            for name in ("any", "any_pct", "grade3plus", "grade3plus_pct"):
                key = f"table2.{term}.{col}.{name}"
                values[key] = PublishedValue(
                    key, cell[name], loc, cell["denominator"], note if name in flagged else None
                )
            values[f"table2.{term}.{col}.denominator"] = PublishedValue(
                f"table2.{term}.{col}.denominator", cell["denominator"], loc
            )
    return PublishedValues(
        source=str(doc["source"]),
        values=MappingProxyType(values),
        table3=MappingProxyType(doc["table3"]),
    )

"""Cross-field checks that a single field's type cannot express.

:func:`find_inconsistencies` works on the plain (YAML-shaped) mapping and tolerates
malformed parts (they are reported by pydantic), so that loading a protocol can list *every*
problem at once, each with its path: dose levels naming unknown drugs, days beyond the cycle
length, overlapping regimen segments, unknown references in the design, PK schedule, options.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from typing import Any

from earlyphase.errors import describe_problem

__all__ = ["Loc", "find_inconsistencies"]

Loc = tuple[str | int, ...]


def _seq(value: Any) -> list[Any]:
    return list(value) if isinstance(value, list | tuple) else []


def _map(value: Any) -> Mapping[str, Any]:
    return value if isinstance(value, Mapping) else {}


def _int(value: Any) -> int | None:
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _day_problems(days: Any, loc: Loc, cycle_length: int | None) -> Iterator[tuple[Loc, str]]:
    seen: set[int] = set()
    for k, day in enumerate(_seq(days)):
        d = _int(day)
        if d is None:
            continue
        if cycle_length is not None and not 1 <= d <= cycle_length:
            expected = f"a day between 1 and the cycle length ({cycle_length})"
            yield (*loc, k), describe_problem(_dotted((*loc, k)), d, expected)
        if d in seen:
            yield (*loc, k), describe_problem(_dotted((*loc, k)), d, "each day listed once")
        seen.add(d)


def _dotted(loc: Loc) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out


def find_inconsistencies(data: Mapping[str, Any]) -> list[tuple[Loc, str]]:
    """Return ``(location, message)`` for every cross-field inconsistency in ``data``.

    Parameters
    ----------
    data : mapping
        The protocol as loaded from YAML (or ``Protocol.model_dump()``).
    """
    cycle_length = _int(data.get("cycle_length_days"))
    if cycle_length is not None and cycle_length < 1:
        cycle_length = None
    drugs = _seq(data.get("drugs"))
    drug_ids = [_map(d).get("id") for d in drugs]
    refs = _DrugRefs(drug_ids)
    levels = _seq(data.get("dose_levels"))
    level_ids = [_map(dl).get("id") for dl in levels]
    out = _drug_problems(drugs, drug_ids)
    for i, dl in enumerate(levels):
        out += _dose_level_problems(i, dl, level_ids, refs, cycle_length)
    for i, opt in enumerate(_seq(data.get("schedule_options"))):
        out += refs.check(_map(opt).get("drug"), ("schedule_options", i, "drug"))
        out += _day_problems(_map(opt).get("days"), ("schedule_options", i, "days"), cycle_length)
    out += _design_problems(_map(data.get("design")), levels, level_ids)
    for i, rule in enumerate(_seq(_map(data.get("dlt")).get("rules"))):
        for k, drug_id in enumerate(_seq(_map(rule).get("attributed_to"))):
            out += refs.check(drug_id, ("dlt", "rules", i, "attributed_to", k))
    ids = [_map(c).get("id") for c in _seq(data.get("eligibility"))]
    for i, cid in enumerate(ids):
        if cid is not None and ids.index(cid) != i:
            message = describe_problem(f"eligibility[{i}].id", cid, "a unique criterion id")
            out.append((("eligibility", i, "id"), message))
    for i, sched in enumerate(_seq(data.get("pk_sampling"))):
        out += refs.check(_map(sched).get("drug"), ("pk_sampling", i, "drug"))
        out += _pk_day_problems(i, sched, cycle_length)
    return out


class _DrugRefs:
    """Checks that a value names a drug defined under ``drugs``."""

    def __init__(self, drug_ids: list[Any]) -> None:
        self.ids = drug_ids
        self.known = sorted(str(d) for d in drug_ids if isinstance(d, str))

    def check(self, value: Any, loc: Loc) -> list[tuple[Loc, str]]:
        if isinstance(value, str) and value not in self.ids:
            expected = f"a drug id defined under 'drugs' ({self.known})"
            return [(loc, describe_problem(_dotted(loc), value, expected))]
        return []


def _drug_problems(drugs: list[Any], drug_ids: list[Any]) -> list[tuple[Loc, str]]:
    """Duplicate drug ids and dose-reduction steps that do not strictly decrease."""
    out: list[tuple[Loc, str]] = []
    for i, drug_id in enumerate(drug_ids):
        if drug_id is not None and drug_ids.count(drug_id) > 1 and drug_ids.index(drug_id) != i:
            message = describe_problem(f"drugs[{i}].id", drug_id, "a unique drug id")
            out.append((("drugs", i, "id"), message))
    for i, drug in enumerate(drugs):
        steps = [
            s for s in _seq(_map(drug).get("dose_reduction_steps")) if isinstance(s, int | float)
        ]
        if steps != sorted(steps, reverse=True) or len(set(steps)) != len(steps):
            loc: Loc = ("drugs", i, "dose_reduction_steps")
            out.append((loc, describe_problem(_dotted(loc), steps, "strictly decreasing doses")))
    return out


def _dose_level_problems(
    i: int, dl: Any, level_ids: list[Any], refs: _DrugRefs, cycle_length: int | None
) -> list[tuple[Loc, str]]:
    """A duplicate dose-level id, and each regimen's drug, cycle ranges and days."""
    out: list[tuple[Loc, str]] = []
    if level_ids.count(level_ids[i]) > 1 and level_ids.index(level_ids[i]) != i:
        message = describe_problem(f"dose_levels[{i}].id", level_ids[i], "a unique dose level id")
        out.append((("dose_levels", i, "id"), message))
    for drug_id, segments in _map(_map(dl).get("regimens")).items():
        base: Loc = ("dose_levels", i, "regimens", drug_id)
        out += refs.check(drug_id, base)
        out += _regimen_problems(base, _seq(segments), cycle_length)
    return out


def _regimen_problems(
    base: Loc, segments: list[Any], cycle_length: int | None
) -> list[tuple[Loc, str]]:
    """Cycle ranges of one drug's regimen segments (ordered, not overlapping) and their days."""
    out: list[tuple[Loc, str]] = []
    ranges: list[tuple[int, float, int]] = []
    for j, raw in enumerate(segments):
        seg = _map(raw)
        first, last = _int(seg.get("from_cycle")), seg.get("to_cycle")
        last_i = _int(last)
        if first is not None and last_i is not None and last_i < first:
            loc: Loc = (*base, j, "to_cycle")
            message = describe_problem(_dotted(loc), last_i, f"a cycle >= from_cycle ({first})")
            out.append((loc, message))
        if first is not None:
            ranges.append((first, float("inf") if last is None else (last_i or first), j))
        for k, block in enumerate(_seq(seg.get("doses"))):
            days_loc: Loc = (*base, j, "doses", k, "days")
            out.extend(_day_problems(_map(block).get("days"), days_loc, cycle_length))
    ranges.sort()
    for (a0, a1, _), (b0, _b1, jb) in zip(ranges, ranges[1:], strict=False):
        if b0 <= a1:
            loc = (*base, jb, "from_cycle")
            expected = f"a cycle after the previous segment (cycles {a0}-{a1:g})"
            out.append((loc, describe_problem(_dotted(loc), b0, expected)))
    return out


def _design_problems(
    design: Mapping[str, Any], levels: list[Any], level_ids: list[Any]
) -> list[tuple[Loc, str]]:
    """The design's number of doses and start dose agree with the dose levels."""
    out: list[tuple[Loc, str]] = []
    n_doses = _int(design.get("n_doses"))
    if n_doses is not None and levels and n_doses != len(levels):
        expected = f"the number of dose levels ({len(levels)})"
        out.append((("design", "n_doses"), describe_problem("design.n_doses", n_doses, expected)))
    start = design.get("start_dose_level")
    if isinstance(start, str) and levels and start not in level_ids:
        message = describe_problem("design.start_dose_level", start, f"one of {level_ids}")
        out.append((("design", "start_dose_level"), message))
    return out


def _pk_day_problems(i: int, sched: Any, cycle_length: int | None) -> list[tuple[Loc, str]]:
    """PK sampling occasions on a day beyond the cycle length."""
    out: list[tuple[Loc, str]] = []
    for j, occ in enumerate(_seq(_map(sched).get("occasions"))):
        day = _int(_map(occ).get("day"))
        if day is not None and cycle_length is not None and day > cycle_length:
            loc: Loc = ("pk_sampling", i, "occasions", j, "day")
            expected = f"a day between 1 and the cycle length ({cycle_length})"
            out.append((loc, describe_problem(_dotted(loc), day, expected)))
    return out

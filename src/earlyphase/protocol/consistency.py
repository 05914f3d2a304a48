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
    out: list[tuple[Loc, str]] = []
    cycle_length = _int(data.get("cycle_length_days"))
    if cycle_length is not None and cycle_length < 1:
        cycle_length = None
    drugs = _seq(data.get("drugs"))
    drug_ids = [_map(d).get("id") for d in drugs]
    known = sorted(str(d) for d in drug_ids if isinstance(d, str))

    def check_drug_ref(value: Any, loc: Loc) -> None:
        if isinstance(value, str) and value not in drug_ids:
            out.append(
                (
                    loc,
                    describe_problem(
                        _dotted(loc), value, f"a drug id defined under 'drugs' ({known})"
                    ),
                )
            )

    for i, drug_id in enumerate(drug_ids):
        if drug_id is not None and drug_ids.count(drug_id) > 1 and drug_ids.index(drug_id) != i:
            out.append(
                (
                    ("drugs", i, "id"),
                    describe_problem(f"drugs[{i}].id", drug_id, "a unique drug id"),
                )
            )
    for i, drug in enumerate(drugs):
        steps = [
            s for s in _seq(_map(drug).get("dose_reduction_steps")) if isinstance(s, int | float)
        ]
        if steps != sorted(steps, reverse=True) or len(set(steps)) != len(steps):
            loc: Loc = ("drugs", i, "dose_reduction_steps")
            out.append((loc, describe_problem(_dotted(loc), steps, "strictly decreasing doses")))

    levels = _seq(data.get("dose_levels"))
    level_ids = [_map(dl).get("id") for dl in levels]
    for i, dl in enumerate(levels):
        if level_ids.count(level_ids[i]) > 1 and level_ids.index(level_ids[i]) != i:
            out.append(
                (
                    ("dose_levels", i, "id"),
                    describe_problem(
                        f"dose_levels[{i}].id", level_ids[i], "a unique dose level id"
                    ),
                )
            )
        for drug_id, segments in _map(_map(dl).get("regimens")).items():
            base: Loc = ("dose_levels", i, "regimens", drug_id)
            check_drug_ref(drug_id, base)
            ranges: list[tuple[int, float, int]] = []
            for j, seg in enumerate(_seq(segments)):
                seg = _map(seg)
                first, last = _int(seg.get("from_cycle")), seg.get("to_cycle")
                last_i = _int(last)
                if first is not None and last_i is not None and last_i < first:
                    loc = (*base, j, "to_cycle")
                    out.append(
                        (
                            loc,
                            describe_problem(
                                _dotted(loc), last_i, f"a cycle >= from_cycle ({first})"
                            ),
                        )
                    )
                if first is not None:
                    ranges.append((first, float("inf") if last is None else (last_i or first), j))
                for k, block in enumerate(_seq(seg.get("doses"))):
                    out.extend(
                        _day_problems(
                            _map(block).get("days"), (*base, j, "doses", k, "days"), cycle_length
                        )
                    )
            ranges.sort()
            for (a0, a1, _), (b0, _b1, jb) in zip(ranges, ranges[1:], strict=False):
                if b0 <= a1:
                    loc = (*base, jb, "from_cycle")
                    out.append(
                        (
                            loc,
                            describe_problem(
                                _dotted(loc),
                                b0,
                                f"a cycle after the previous segment (cycles {a0}-{a1:g})",
                            ),
                        )
                    )

    for i, opt in enumerate(_seq(data.get("schedule_options"))):
        check_drug_ref(_map(opt).get("drug"), ("schedule_options", i, "drug"))
        out.extend(
            _day_problems(_map(opt).get("days"), ("schedule_options", i, "days"), cycle_length)
        )

    design = _map(data.get("design"))
    n_doses = _int(design.get("n_doses"))
    if n_doses is not None and levels and n_doses != len(levels):
        out.append(
            (
                ("design", "n_doses"),
                describe_problem(
                    "design.n_doses", n_doses, f"the number of dose levels ({len(levels)})"
                ),
            )
        )
    start = design.get("start_dose_level")
    if isinstance(start, str) and levels and start not in level_ids:
        out.append(
            (
                ("design", "start_dose_level"),
                describe_problem("design.start_dose_level", start, f"one of {level_ids}"),
            )
        )

    for i, rule in enumerate(_seq(_map(data.get("dlt")).get("rules"))):
        for k, drug_id in enumerate(_seq(_map(rule).get("attributed_to"))):
            check_drug_ref(drug_id, ("dlt", "rules", i, "attributed_to", k))

    ids = [_map(c).get("id") for c in _seq(data.get("eligibility"))]
    for i, cid in enumerate(ids):
        if cid is not None and ids.index(cid) != i:
            out.append(
                (
                    ("eligibility", i, "id"),
                    describe_problem(f"eligibility[{i}].id", cid, "a unique criterion id"),
                )
            )

    for i, sched in enumerate(_seq(data.get("pk_sampling"))):
        check_drug_ref(_map(sched).get("drug"), ("pk_sampling", i, "drug"))
        for j, occ in enumerate(_seq(_map(sched).get("occasions"))):
            day = _int(_map(occ).get("day"))
            if day is not None and cycle_length is not None and day > cycle_length:
                loc = ("pk_sampling", i, "occasions", j, "day")
                out.append(
                    (
                        loc,
                        describe_problem(
                            _dotted(loc),
                            day,
                            f"a day between 1 and the cycle length ({cycle_length})",
                        ),
                    )
                )
    return out

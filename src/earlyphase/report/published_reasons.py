"""Sections, human labels and reasons of the published-versus-reproduced comparison.

Every published number is placed in a *section* (the report table that reproduces it, or the
part of the paper it comes from), given a readable *label*, and -- when it differs or is not
reproduced -- a *reason*: the paper's own inconsistency (with its arithmetic), a denominator
choice, the calibration limit of reconstructed data, or why it is not computed.  Trial-specific
reasons come from the published-values file (``reasons:`` mapping key prefixes to text);
this module only applies them.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

__all__ = [
    "COUNT_STATS",
    "is_count",
    "label_of",
    "longest_prefix",
    "reason_for",
    "section_of",
]

#: statistics that are counts of patients or events (printed as integers)
COUNT_STATS = frozenset(
    {"n", "denom", "events", "male", "female", "exposed", "refractory", "n_events", "n_censored"}
)
_ATTRIBUTE_WORDS = {
    "pct": "%",
    "pct_text": "% (text)",
    "n": "count",
    "min": "minimum",
    "max": "maximum",
    "ci_low": "lower 95% CI",
    "ci_high": "upper 95% CI",
}


DESIGN_SECTION = "Design (Methods)"
OTHER_SECTION = "Other studies and discussion"


def is_count(address: str) -> bool:
    """Whether a report cell ``table/row/column/stat`` holds a count."""
    return bool(address) and address.rsplit("/", 1)[-1] in COUNT_STATS


def section_of(location: str, address: str, titles: Mapping[str, str]) -> str:
    """The section of a published number: the title of the report table reproducing it, else
    the part of the paper it is printed in."""
    table_id = address.split("/", 1)[0] if address else ""
    if table_id in titles:
        return titles[table_id]
    parts = [p.strip() for p in location.split(";") if p.strip()]
    for part in parts:
        match = re.match(r"(Table|Fig\.?)\s*\d+", part)
        if match:
            return match.group(0)
    if not parts:
        return "Other"
    head = parts[0].split("(")[0].strip()
    if head.startswith(("Discussion", "Introduction")):
        return OTHER_SECTION
    if head.startswith("Methods"):
        return DESIGN_SECTION
    return ", ".join(p.strip() for p in head.split(",")[:2]) or "Other"


_WORDS = (
    (r"\bn\b", "No."),
    (r"\bpct\b", "%"),
    (r"\bdl(\d)\b", r"DL\1"),
    (r"\bir\b", "infusion reaction"),
    (r"\bsae\b", "SAE"),
    (r"\bdlt\b", "DLT"),
    (r"\borr\b", "ORR"),
    (r"\bcbr\b", "CBR"),
    (r"\bos\b", "OS"),
    (r"\bpfs\b", "PFS"),
    (r"\bref\b", "refractory"),
    (r"\bexp\b", "exposed"),
    (r"\bhr\b", "high risk"),
    (r"\bg34\b", "grade 3-4"),
    (r"\bgrade2plus\b", "grade ≥2"),
)
_FIELDS = {
    "any": "any grade, No.",
    "any_pct": "any grade, %",
    "grade3plus": "grade ≥3, No.",
    "grade3plus_pct": "grade ≥3, %",
    "denominator": "N",
}


def label_of(key: str, location: str) -> str:
    """A readable label: what the number is, and where the paper prints it."""
    if key.startswith("table2."):
        return f"{location}: {_FIELDS.get(key.rsplit('.', 1)[-1], key.rsplit('.', 1)[-1])}"
    if key.startswith("table3."):
        return location
    base, _, attribute = key.partition(".")
    words = base.replace("_", " ")
    for pattern, repl in _WORDS:
        words = re.sub(pattern, repl, words)
    words = words[:1].upper() + words[1:]
    word = _ATTRIBUTE_WORDS.get(attribute, attribute)
    return f"{words}{f' ({word})' if word else ''} — {location}"


def reason_for(
    key: str,
    status: str,
    inconsistency: str,
    note: str,
    reasons: Mapping[str, str],
    skipped: Mapping[str, str],
    address: str,
    section: str = "",
) -> str:
    """Why a number differs or is not reproduced ('' when it agrees).

    Order: the paper's inconsistency; an explicit reason for the key (longest matching
    prefix in ``reasons``); a skipped output; for a difference, the note of the published
    value (e.g. its denominator); generic reasons by section and status.
    """
    if status.startswith("same"):
        return ""
    if inconsistency:
        return f"paper inconsistency: {inconsistency}"
    explicit = longest_prefix(key, reasons)
    if explicit:
        return explicit
    table_id = address.split("/", 1)[0] if address else ""
    if table_id in skipped:
        return f"not computed: the output was not produced ({skipped[table_id]})"
    if status == "not reproduced":
        if section == DESIGN_SECTION:
            return "design constant of the protocol: an input of the trial, not a result"
        if section == OTHER_SECTION:
            return "result of another study cited by the paper: not this trial's data"
        return "not computed: no analysis of this report produces this number"
    if note:
        return note
    return (
        "calibration limit: the reconstructed patient-level data are calibrated to the "
        "paper's summaries, and this number is not one of the calibration targets"
    )


def longest_prefix(key: str, reasons: Mapping[str, str]) -> str:
    best = ""
    best_len = -1
    for prefix, text in reasons.items():
        if (key == prefix or key.startswith(prefix)) and len(prefix) > best_len:
            best, best_len = text, len(prefix)
    return best

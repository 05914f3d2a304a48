"""Published versus reproduced: each number of the paper beside the number the report
computed, the difference, and a flag on published numbers that are internally inconsistent.

The published values come from :func:`earlyphase.reference.published.load_published` (the YAML
``src/earlyphase/reference/isak_phase1b_published.yaml``).  Every printed number becomes a
:class:`PublishedNumber`: the entry's value, and each printed attribute (``n``, ``pct``,
``ci_low``, ``ci_high``, ``min``, ``max``) as ``<key>.<attribute>``; Table 2 cells are
``table2.<term>.<column>.<field>`` and Table 3 cells ``table3.<visit>.<column>.<field>``.
:data:`ADDRESSES` maps those keys to report cells ``table_id/row/column/stat``.

A number is flagged *inconsistent* when the YAML records an inconsistency for it, or when its
count and denominator do not give the printed percentage.
"""

from __future__ import annotations

import math
import re
from collections.abc import Mapping
from dataclasses import dataclass, replace
from typing import Any

import pandas as pd

from earlyphase.report.published_reasons import (
    is_count,
    label_of,
    longest_prefix,
    reason_for,
    section_of,
)
from earlyphase.report.spec import TableResult, sas_round

__all__ = [
    "ADDRESSES",
    "Comparison",
    "PublishedNumber",
    "compare_published",
    "load_reference_published",
    "percent_consistent",
    "published_numbers",
]

_ATTRIBUTES = ("n", "pct", "pct_text", "ci_low", "ci_high", "min", "max")
_COLS = {"dl1": "DL1", "dl2": "DL2", "dl3": "DL3", "overall": "OVERALL"}
_REFERENCE_FILE = "isak_phase1b_published.yaml"


@dataclass(frozen=True)
class PublishedNumber:
    """One printed number (or printed text such as "not reached")."""

    key: str
    value: float | None
    location: str = ""
    text: str = ""
    count: float | None = None
    denominator: float | None = None
    inconsistency: str = ""
    comparator: str = ""
    unit: str = ""
    significant: int | None = None  # printed to this many significant digits (Table 3)
    note: str = ""
    reason: str = ""


def _num(x: Any) -> float | None:
    if x is None or isinstance(x, bool):
        return None
    try:
        value = float(x)
    except (TypeError, ValueError):
        return None
    return value if math.isfinite(value) else None


def _entry_numbers(
    key: str, raw: Mapping[str, Any], location: str, inconsistency: str
) -> list[PublishedNumber]:
    """The printed numbers of one YAML entry.

    ``inconsistent_fields`` (e.g. ``[value]``) limits the recorded inconsistency to those
    printed numbers; the others are then taken as checked (no arithmetic re-check), e.g. a
    percentage that is right while its count is the typo.
    """
    value = raw.get("value")
    if value is None:  # nothing printed (e.g. a blank cell)
        return []
    denominator = _num(raw.get("denominator"))
    unit = str(raw.get("unit") or "")
    count = _num(raw.get("n"))
    fields: tuple[str, ...] = tuple(raw.get("inconsistent_fields") or ())
    limited = bool(fields) and bool(inconsistency)

    def flag(name: str) -> str:
        return inconsistency if not limited or name in fields else ""

    out = [
        PublishedNumber(
            key=key,
            value=_num(value),
            location=location,
            text="" if _num(value) is not None else str(value),
            count=count if not limited or "value" in fields else None,
            denominator=denominator,
            inconsistency=flag("value"),
            comparator=str(raw.get("comparator") or ""),
            unit=unit,
            note=str(raw.get("note") or ""),
        )
    ]
    for attr in _ATTRIBUTES:
        if _num(raw.get(attr)) is None:
            continue
        attr_count = _num(value) if attr in ("pct", "pct_text") else None
        if limited and attr not in fields:
            attr_count = None
        out.append(
            PublishedNumber(
                key=f"{key}.{attr}",
                value=_num(raw.get(attr)),
                location=location,
                count=attr_count,
                denominator=denominator,
                inconsistency=flag(attr),
                unit="%" if attr in ("pct", "pct_text") else unit,
            )
        )
    return out


def _from_document(
    values: Mapping[str, Any], table2: Mapping[str, Any] | None, table3: Mapping[str, Any] | None
) -> list[PublishedNumber]:
    out: list[PublishedNumber] = []
    for key, raw in values.items():
        if hasattr(raw, "extra"):  # earlyphase.reference.published.PublishedValue
            fields = {**dict(raw.extra), "value": raw.value, "denominator": raw.denominator}
            out += _entry_numbers(key, fields, raw.location, raw.inconsistency or "")
        elif isinstance(raw, Mapping):
            out += _entry_numbers(
                key, raw, str(raw.get("location", "")), str(raw.get("inconsistency") or "")
            )
    for term, cols in (table2 or {}).get("rows", {}).items():
        for col, cell in cols.items():
            flagged = set(cell.get("inconsistent_fields", ()))
            for name in ("any", "any_pct", "grade3plus", "grade3plus_pct", "denominator"):
                value = _num(cell.get(name))
                if value is None:
                    continue
                count = _num(cell.get(name.removesuffix("_pct"))) if name.endswith("_pct") else None
                if flagged and name not in flagged:
                    count = None  # reviewed: right although another field of the cell is not
                out.append(
                    PublishedNumber(
                        key=f"table2.{term}.{col}.{name}",
                        value=value,
                        location=f"Table 2, {term}, {col}",
                        count=count,
                        denominator=_num(cell.get("denominator")),
                        inconsistency=str(cell.get("inconsistency") or "")
                        if name in flagged
                        else "",
                        unit="%" if name.endswith("_pct") else "",
                    )
                )
    for visit, cols in (table3 or {}).items():
        if not isinstance(cols, Mapping) or visit in ("units",):
            continue
        for col, cell in cols.items():
            if not isinstance(cell, Mapping):
                continue
            flagged = set(cell.get("inconsistent_fields", ()))
            for name, value in cell.items():
                if _num(value) is not None:
                    out.append(
                        PublishedNumber(
                            key=f"table3.{visit}.{col}.{name}",
                            value=_num(value),
                            location=f"Table 3, {visit.upper()}, {col}, {name}",
                            significant=3 if name.endswith(("_mean", "_sd", "_gmean")) else None,
                            inconsistency=str(cell.get("inconsistency") or "")
                            if name in flagged
                            else "",
                        )
                    )
    return out


def published_numbers(source: Any) -> list[PublishedNumber]:
    """Every printed number of ``source``: the object returned by ``load_published()``, the
    YAML document as a dict, or an iterable of :class:`PublishedNumber`."""
    if hasattr(source, "values") and hasattr(source, "table3") and not isinstance(source, Mapping):
        table2 = None  # PublishedValues already flattens Table 2 into its values
        return _from_document(source.values, table2, source.table3)
    if isinstance(source, Mapping) and "values" in source:
        return _from_document(source["values"], source.get("table2"), source.get("table3"))
    items = list(source)
    if not all(isinstance(i, PublishedNumber) for i in items):
        raise TypeError(
            "published: expected load_published(), its YAML document or PublishedNumber items"
        )
    return items


def load_reference_published() -> list[PublishedNumber]:
    """Published numbers of the reference trial (``earlyphase.reference.published``), each
    with the reason the file gives for its key (``reasons:``, longest key prefix), if any."""
    from importlib import resources

    import yaml

    from earlyphase.reference.published import load_published

    text = resources.files("earlyphase.reference").joinpath(_REFERENCE_FILE).read_text("utf-8")
    reasons = dict(yaml.safe_load(text).get("reasons") or {})
    items = published_numbers(load_published())
    return [replace(i, reason=longest_prefix(i.key, reasons)) for i in items]


# ----------------------------------------------------------------------------- addresses
def _table3_parameters(visit: str, col: str) -> list[tuple[str, str]]:
    """(published name, PARAMCD) of a Table 3 cell: AUC1week at C1D1; AUC2weeks where the
    dosing interval is 2 weeks (DL1 C1D1, C3D1); accumulation ratios at cycle 3."""
    params = [("cmax", "CMAX")]
    if visit == "c1d1":
        params.append(("auc1week", "AUC1WK"))
    if visit == "c3d1" or col == "dl1":
        params.append(("auc2weeks", "AUC2WK"))
    if visit == "c3d1":
        params += [("rac_cmax", "RACCMAX"), ("rac_auc1week", "RACAUC")]
    return params


def _safety_addresses() -> dict[str, str]:
    """DLT, safety and response-deepening numbers of the text."""
    soc_pt = "ae_soc_pt"
    a: dict[str, str] = {
        "n_dlt": "dlt/dlt/OVERALL/n",
        "n_deaths_toxicity": "deaths/death_rel/OVERALL/n",
        "n_discontinued_toxicity": "safety_overview/disc_ae/OVERALL/n",
        "n_sae_patients": "serious_adverse_events/any/OVERALL/n",
        "n_sae_events": "serious_adverse_events/events/OVERALL/events",
        "n_grade3_dvt": f"{soc_pt}/AEBODSYS=Vascular disorders|AEDECOD=Deep vein "
        "thrombosis/OVERALL:ge3/n",
        "pct_peripheral_neuropathy": f"{soc_pt}/AEBODSYS=Nervous system disorders|"
        "AEDECOD=Peripheral sensory neuropathy/OVERALL:any/pct",
        "pct_peripheral_neuropathy.n": f"{soc_pt}/AEBODSYS=Nervous system disorders|"
        "AEDECOD=Peripheral sensory neuropathy/OVERALL:any/n",
    }
    deep = "response_deepening"
    a["n_deepening_after_c4"] = f"{deep}/deepened/OVERALL/n"
    for stat in ("", ".min", ".max"):
        a[f"deepening_median_weeks{stat}"] = f"{deep}/weeks/OVERALL/{stat[1:] or 'median'}"
    for key, label in (("scr_cr", "sCR/CR"), ("vgpr", "VGPR"), ("pr", "PR")):
        a[f"deepening_to_{key}"] = f"{deep}/deepened:{label}/OVERALL/n"
    sae = "serious_adverse_events/AEBODSYS="
    for key, path in (
        ("n_sae_uri", "Infections and infestations|AEDECOD=Upper respiratory tract infection"),
        ("n_sae_gastroenteritis", "Infections and infestations|AEDECOD=Gastroenteritis"),
        ("n_sae_pneumonia", "Infections and infestations|AEDECOD=Pneumonia"),
        (
            "n_sae_febrile_neutropenia",
            "Blood and lymphatic system disorders|AEDECOD=Febrile neutropenia",
        ),
        ("n_sae_dvt", "Vascular disorders|AEDECOD=Deep vein thrombosis"),
    ):
        a[key] = f"{sae}{path}/OVERALL/n"
    return a


def _build_addresses() -> dict[str, str]:
    a: dict[str, str] = {"n_patients": "disposition/enrolled/OVERALL/n"}
    bor = "efficacy_best_response"
    t1 = "table1_demographics"
    for i in (1, 2, 3):
        a[f"n_dl{i}"] = f"disposition/enrolled/DL{i}/n"
    a.update(
        {
            "n_escalation": "disposition/cohort:ESCALATION/OVERALL/n",
            "n_escalation_dl2": "disposition/cohort:ESCALATION/DL2/n",
            "n_expansion": "disposition/cohort:EXPANSION/OVERALL/n",
            "median_cycles": "exposure/ncycles/OVERALL/median",
            "min_cycles": "exposure/ncycles/OVERALL/min",
            "max_cycles": "exposure/ncycles/OVERALL/max",
            # the lay summary's "average of 10 cycles" is the Results' median
            "mean_cycles": "exposure/ncycles/OVERALL/median",
            "pct_intended_therapy_given": "exposure/rdiisa/OVERALL/mean",
            # "28 patients experienced disease progression": the PFS events of the reconstruction
            "n_progressions": "disposition/pfs_event/OVERALL/n",
            "n_to_asct": "disposition/reason:OTHER/OVERALL/n",
            "n_on_therapy_at_cutoff": "disposition/eos:ONGOING/OVERALL/n",
            "n_deaths": "disposition/death/OVERALL/n",
            "median_followup_months": "time_to_event/followup:median/OVERALL/median",
            "min_followup_months": "time_to_event/followup:median/OVERALL/min",
            "max_followup_months": "time_to_event/followup:median/OVERALL/max",
            "pct_male": f"{t1}/sex/OVERALL/pct_male",
            "pct_male.n": f"{t1}/sex/OVERALL/male",
            "diag_years_median_text": f"{t1}/diagyrs/OVERALL/median",
            "diag_years_median_text.min": f"{t1}/diagyrs/OVERALL/min",
            "diag_years_median_text.max": f"{t1}/diagyrs/OVERALL/max",
            "hr_text": f"{t1}/cyto_high/OVERALL/n",
            "hr_text.pct": f"{t1}/cyto_high/OVERALL/pct",
            "carf_ref_pct_conclusion": f"{t1}/k_exp_ref/OVERALL/refractory_pct",
            "n_evaluable_response": f"{bor}/ORR/OVERALL/denom",
            "orr": f"{bor}/ORR/OVERALL/pct",
            "orr.n": f"{bor}/ORR/OVERALL/n",
            "orr.ci_low": f"{bor}/ORR/OVERALL/lcl",
            "orr.ci_high": f"{bor}/ORR/OVERALL/ucl",
            "n_scr_cr": f"{bor}/sCR/CR/OVERALL/n",
            "n_scr_cr.pct": f"{bor}/sCR/CR/OVERALL/pct",
            "cbr": f"{bor}/CBR/OVERALL/pct",
            "cbr.n": f"{bor}/CBR/OVERALL/n",
            "median_pfs_months": "time_to_event/PFS:median/OVERALL/median",
            "median_pfs_months.ci_low": "time_to_event/PFS:median/OVERALL/lcl",
            "median_pfs_months.ci_high": "time_to_event/PFS:median/OVERALL/ucl",
            "os_2y_pct": "time_to_event/OS:rate24/OVERALL/est",
            "os_2y_pct.ci_low": "time_to_event/OS:rate24/OVERALL/lcl",
            "os_2y_pct.ci_high": "time_to_event/OS:rate24/OVERALL/ucl",
            "median_os": "time_to_event/OS:median/OVERALL/median",
            "dor_median_months": "efficacy_response_timing/DOR/value/median",
            "dor_median_months.min": "efficacy_response_timing/DOR/value/min",
            "dor_median_months.max": "efficacy_response_timing/DOR/value/max",
            "pct_any_related_ae": "table2_adverse_events/any_related/OVERALL:any/pct",
            "n_related_grade34": "table2_adverse_events/any_related/OVERALL:ge3/n",
            "n_related_grade34.pct": "table2_adverse_events/any_related/OVERALL:ge3/pct",
            "n_infusion_reaction_patients": "infusion_reactions/ir_any/OVERALL/n",
            "n_infusion_reaction_patients.pct": "infusion_reactions/ir_any/OVERALL/pct",
            "n_ir_first_infusion": "infusion_reactions/ir_first/OVERALL/n",
            "n_ir_isatuximab": "infusion_reactions/ir_isatuximab/OVERALL/n",
            "n_ir_grade3": "infusion_reactions/ir_ge3/OVERALL/n",
        }
    )
    a.update(_safety_addresses())
    for code, cat in (("scr", "sCR"), ("cr", "CR"), ("vgpr", "VGPR"), ("pr", "PR"), ("mr", "MR")):
        a[f"n_{code}"] = f"{bor}/{cat}/OVERALL/n"
        a[f"n_{code}.pct"] = f"{bor}/{cat}/OVERALL/pct"
    for code in ("ttr", "ttbr"):
        for stat in ("", ".min", ".max"):
            a[f"{code}_median_weeks{stat}"] = (
                f"efficacy_response_timing/{code.upper()}/value/{stat[1:] or 'median'}"
            )
    for key, row in (
        ("len_ref", "lenref"),
        ("imid_ref", "imidref"),
        ("pi_ref", "piref"),
        ("dual_ref", "dualref"),
        ("prior_k", "carfexp"),
        ("k_ref", "carfref"),
        ("hr", "cyto_high"),
        ("gain1q", "gain1q"),
        ("hr_or_gain1q", "hr_or_gain1q"),
        ("age_lt65", "age_lt65"),
        ("age_ge65", "age_ge65"),
    ):
        a[f"orr_{key}"] = f"efficacy_subgroups/{row}/ORR/pct"
        a[f"orr_{key}.n"] = f"efficacy_subgroups/{row}/ORR/n"
    for col, key in _COLS.items():
        for name, row, stats in (
            ("age_median", "age", ("median", "min", "max")),
            ("diag_years_median", "diagyrs", ("median", "min", "max")),
            ("prior_lines_median", "priorln", ("median", "min", "max")),
            ("bmpc_median", "bmpcbl", ("median", "min", "max")),
        ):
            a[f"{name}_{col}"] = f"{t1}/{row}/{key}/{stats[0]}"
            a[f"{name}_{col}.min"] = f"{t1}/{row}/{key}/min"
            a[f"{name}_{col}.max"] = f"{t1}/{row}/{key}/max"
        a[f"male_{col}"] = f"{t1}/sex/{key}/male"
        a[f"female_{col}"] = f"{t1}/sex/{key}/female"
        for name, row in (
            ("race_white", "race_WHITE"),
            ("race_asian", "race_ASIAN"),
            ("race_other", "race_OTHER"),
            ("race_hispanic", "ethnic_hispanic"),
            ("mmtype_igg", "mmtype_IGG"),
            ("mmtype_iga", "mmtype_IGA"),
            ("mmtype_lc", "mmtype_LIGHT CHAIN"),
            ("prior_sct", "priorsct"),
            ("hr", "cyto_high"),
            ("gain1q", "gain1q"),
        ):
            a[f"{name}_{col}"] = f"{t1}/{row}/{key}/n"
            a[f"{name}_{col}.pct"] = f"{t1}/{row}/{key}/pct"
        for drug, row in (("len", "len"), ("pom", "pom"), ("bort", "bort"), ("carf", "k")):
            a[f"{drug}_exp_{col}"] = f"{t1}/{row}_exp_ref/{key}/exposed"
            a[f"{drug}_ref_{col}"] = f"{t1}/{row}_exp_ref/{key}/refractory"
            a[f"{drug}_ref_{col}.pct_text"] = f"{t1}/{row}_exp_ref/{key}/refractory_pct"
        a[f"dual_ref_pct_{col}"] = f"{t1}/dualref/{key}/pct"
    for term in (
        "Neutropenia",
        "Anemia",
        "Thrombocytopenia",
        "Leukopenia",
        "Lymphopenia",
        "Fatigue",
        "Nausea",
        "Diarrhea",
        "Constipation",
        "Hypertension",
        "Headache",
        "Muscle cramps",
        "Insomnia",
        "Dyspnea",
        "URI",
    ):
        for col, key in _COLS.items():
            base = f"table2_adverse_events/{term}/{key}"
            a[f"table2.{term}.{col}.any"] = f"{base}:any/n"
            a[f"table2.{term}.{col}.any_pct"] = f"{base}:any/pct"
            a[f"table2.{term}.{col}.grade3plus"] = f"{base}:ge3/n"
            a[f"table2.{term}.{col}.grade3plus_pct"] = f"{base}:ge3/pct"
            a[f"table2.{term}.{col}.denominator"] = f"{base}:any/denom"
    for name, term, band in (
        ("grade3_hypertension", "Hypertension", "ge3"),
        ("grade3_diarrhea", "Diarrhea", "ge3"),
        ("grade3_anemia", "Anemia", "ge3"),
        ("grade3_neutropenia", "Neutropenia", "ge3"),
        ("lymphopenia_any", "Lymphopenia", "any"),
        ("lymphopenia_g34", "Lymphopenia", "ge3"),
        ("grade2plus_anemia", "Anemia", "ge2"),
        ("grade2plus_leukopenia", "Leukopenia", "ge2"),
        ("grade2plus_neutropenia", "Neutropenia", "ge2"),
        ("grade2plus_uri", "URI", "ge2"),
        ("grade2plus_thrombocytopenia", "Thrombocytopenia", "ge2"),
        ("grade2plus_hypertension", "Hypertension", "ge2"),
    ):
        a[f"pct_{name}"] = f"table2_adverse_events/{term}/OVERALL:{band}/pct"
        a[f"pct_{name}.n"] = f"table2_adverse_events/{term}/OVERALL:{band}/n"
    pk = "table3_pk_parameters"
    for visit, vkey in (("c1d1", "cycle_1_day_1"), ("c3d1", "cycle_3_day_1")):
        for col in ("dl1", "dl2", "dl3"):
            base = f"table3.{visit}.{col}"
            key = _COLS[col]
            a[f"{base}.n"] = f"{pk}/{vkey}:n/{key}/n"
            for stat in ("median", "min", "max"):
                a[f"{base}.tmax_{stat}"] = f"{pk}/{vkey}:TMAX/{key}/{stat}"
            for name, code in _table3_parameters(visit, col):
                for stat, mine in (
                    ("mean", "mean"),
                    ("sd", "sd"),
                    ("gmean", "geomean"),
                    ("cv", "cv"),
                ):
                    a[f"{base}.{name}_{stat}"] = f"{pk}/{vkey}:{code}/{key}/{mine}"
    # "Cmax and AUC ... ~1.5-fold and ~1.9-fold (geometric mean ratio) for a 2-fold increase in
    # the dose": DL3 (20 mg/kg) / DL2 (10 mg/kg), same schedule; compared with the Cmax ratio
    for visit, vkey in (("c1", "cycle_1_day_1"), ("c3", "cycle_3_day_1")):
        a[f"pk_dose_ratio_cmax_auc_{visit}"] = (
            f"pk_proportionality/ISATUXIM:{vkey}:CMAX/gmr_{_COLS['dl3']}_{_COLS['dl2']}/ratio"
        )
    # "accumulation ratio ~2 to 3.4": the range of Table 3's Rac geometric means (Cmax and
    # AUC1week, DL2 and DL3: 2.03 to 3.36; the arithmetic means give 2.13 to 3.45)
    rac = ";".join(
        f"{pk}/cycle_3_day_1:{code}/{_COLS[col]}/geomean"
        for code in ("RACCMAX", "RACAUC")
        for col in ("dl2", "dl3")
    )
    a["pk_accumulation_min"], a["pk_accumulation_max"] = f"min({rac})", f"max({rac})"
    return a


#: Published key -> report cell ``table_id/row/column/stat`` (the row may contain "/").
ADDRESSES: dict[str, str] = _build_addresses()


# ----------------------------------------------------------------------------- comparison
@dataclass(frozen=True)
class SectionScore:
    """The score of one section of the comparison."""

    section: str
    published: int
    reproduced: int
    same: int
    differs: int
    not_reproduced: int
    inconsistent: int

    def text(self) -> str:
        """``"11 of 11 agree"`` or ``"12 not reproduced"``."""
        if self.reproduced:
            return f"{self.same} of {self.reproduced} agree"
        return f"{self.not_reproduced} not reproduced"


@dataclass(frozen=True)
class Comparison:
    """The published-versus-reproduced table (one row per published number)."""

    rows: pd.DataFrame

    def to_frame(self) -> pd.DataFrame:
        """Columns: key, section, label, location, published (NaN for printed text),
        published_text, reproduced, difference, relative_difference_pct, decimals, is_count,
        status, consistency, note, reason, address."""
        return self.rows.copy()

    def sections(self) -> pd.DataFrame:
        """Score per section, in order of first appearance: published, reproduced, same,
        differs, not_reproduced, inconsistent."""
        frame = self.rows
        status = frame["status"].astype(str)
        tally = pd.DataFrame(
            {
                "section": frame["section"],
                "published": 1,
                "reproduced": (status != "not reproduced").astype(int),
                "same": status.str.startswith("same").astype(int),
                "differs": (status == "differs").astype(int),
                "not_reproduced": (status == "not reproduced").astype(int),
                "inconsistent": (frame["consistency"] == "inconsistent").astype(int),
            }
        )
        return tally.groupby("section", sort=False).sum().reset_index()

    def scores(self) -> list[SectionScore]:
        """:meth:`sections` as typed rows."""
        return [
            SectionScore(
                section=str(r["section"]),
                published=int(r["published"]),
                reproduced=int(r["reproduced"]),
                same=int(r["same"]),
                differs=int(r["differs"]),
                not_reproduced=int(r["not_reproduced"]),
                inconsistent=int(r["inconsistent"]),
            )
            for r in self.sections().to_dict("records")
        ]

    def summary(self) -> str:
        """One paragraph for the command line: overall score and the sections that differ."""
        sec = self.sections()
        reproduced, same = int(sec["reproduced"].sum()), int(sec["same"].sum())
        differing = sec[sec["differs"] > 0].sort_values("differs", ascending=False)
        parts = [f"{r.section} ({r.differs} of {r.reproduced})" for r in differing.itertuples()]
        text = f"{same} of {reproduced} reproduced numbers agree at the published precision"
        if parts:
            text += "; differ in: " + ", ".join(parts)
        flagged = int(sec["inconsistent"].sum())
        return text + f"; {flagged} published numbers flagged inconsistent in the paper"


def _decimals(value: float, significant: int | None = None) -> int:
    """Decimals a number is printed with; with ``significant`` digits (20,200 to 3 significant
    digits: -2, i.e. hundreds) when the table prints significant figures."""
    if significant is not None and value != 0:
        return significant - 1 - math.floor(math.log10(abs(value)))
    text = repr(float(value))
    return 0 if float(value).is_integer() else len(text.split(".")[1])


def percent_consistent(pct: float, count: float, denominator: float) -> bool:
    """Whether ``pct`` is what ``count / denominator`` gives at the precision it is printed."""
    if not denominator:
        return False
    half = 0.5 * 10.0 ** (-_decimals(pct))
    return abs(100.0 * count / denominator - pct) <= half + 1e-9


#: ``min(<address>;<address>...)`` / ``max(...)``: a range the text gives over report cells.
_EXTREME = re.compile(r"(min|max)\((.+)\)")


def _lookup(tables: Mapping[str, TableResult], address: str) -> float | None:
    """The value of report cell ``table/row/column/stat``, or the smallest / largest of
    several (``min(a;b)``, ``max(a;b)``); None when a cell is not in the report."""
    extreme = _EXTREME.fullmatch(address)
    if extreme:
        parts = extreme.group(2).split(";")
        found = [v for v in (_lookup(tables, part) for part in parts) if v is not None]
        if len(found) < len(parts):
            return None
        return min(found) if extreme.group(1) == "min" else max(found)
    table_id, rest = address.split("/", 1)
    row, column, stat = rest.rsplit("/", 2)
    table = tables.get(table_id)
    if table is None:
        return None
    try:
        return table.value(row, column, stat)
    except KeyError:
        return None


def _status(item: PublishedNumber, reproduced: float | None) -> tuple[str, float]:
    if reproduced is None:
        return "not reproduced", math.nan
    if item.value is None:  # printed text, e.g. "not reached"
        reached = math.isfinite(reproduced)
        if re.search(r"not reached|not estimable", item.text, re.IGNORECASE) or re.fullmatch(
            r"\s*NE\s*", item.text
        ):
            return ("differs" if reached else "same (not reached)"), math.nan
        return "not reproduced", math.nan
    if not math.isfinite(reproduced):
        return "differs", math.nan
    diff = reproduced - item.value
    if item.comparator in (">", ">="):
        return (
            "same (" + item.comparator + f"{item.value:g})"
            if reproduced > item.value
            else "differs"
        ), diff
    decimals = _decimals(item.value, item.significant)
    same = sas_round(reproduced, decimals) == sas_round(item.value, decimals)
    return ("same" if same else "differs"), diff


def compare_published(
    published: Any,
    tables: Mapping[str, TableResult],
    addresses: Mapping[str, str] | None = None,
    *,
    skipped: Mapping[str, str] | None = None,
) -> Comparison:
    """Place each published number beside its reproduced value.

    Status: ``"same"`` when the reproduced value rounded half away
    from zero to the published decimals equals it; ``"differs"``; ``"not reproduced"`` when
    no report cell holds it (design constants, comparator trials, outputs not produced).
    Consistency: ``"inconsistent"`` when the YAML records why the paper contradicts itself
    or the printed count/denominator do not give the printed percentage.  Every row gets a
    ``section`` (the reproducing table's title or the paper's section), a readable ``label``
    and, unless it agrees, a ``reason`` (:func:`earlyphase.report.published_reasons.reason_for`).
    ``skipped`` maps output ids that were not produced to why.
    """
    items = published_numbers(published)
    addresses = ADDRESSES if addresses is None else addresses
    titles = {k: t.spec.title for k, t in tables.items()}
    skipped = dict(skipped or {})
    rows = []
    for item in items:
        address = addresses.get(item.key, "")
        reproduced = _lookup(tables, address) if address else None
        status, diff = _status(item, reproduced)
        note = item.inconsistency
        consistency = "inconsistent" if note else ""
        if (
            item.value is not None
            and item.count is not None
            and item.denominator
            and item.unit == "%"
        ):
            if percent_consistent(item.value, item.count, item.denominator):
                consistency = consistency or "consistent"
            else:
                consistency = "inconsistent"
                exact = 100 * item.count / item.denominator
                note = (
                    note
                    or f"{item.count:g}/{item.denominator:g} = {exact:.1f}%, printed {item.value:g}%"
                )
        section = section_of(item.location, address, titles)
        reason = reason_for(
            item.key,
            status,
            note,
            item.note,
            {item.key: item.reason} if item.reason else {},
            skipped,
            address,
            section,
        )
        rows.append(
            {
                "key": item.key,
                "section": section,
                "label": label_of(item.key, item.location),
                "location": item.location,
                "published": item.value if item.value is not None else math.nan,
                "published_text": item.text if item.value is None else f"{item.value:g}",
                "reproduced": reproduced if reproduced is not None else math.nan,
                "difference": diff,
                "relative_difference_pct": (
                    100.0 * diff / abs(item.value) if item.value else math.nan
                ),
                "decimals": max(_decimals(item.value, item.significant), 0)
                if item.value is not None
                else 0,
                "is_count": is_count(address),
                "status": status,
                "consistency": consistency,
                "note": note or item.note,
                "reason": reason,
                "address": address,
            }
        )
    return Comparison(pd.DataFrame(rows, columns=list(_COMPARISON_COLUMNS)))


_COMPARISON_COLUMNS = (
    "key",
    "section",
    "label",
    "location",
    "published",
    "published_text",
    "reproduced",
    "difference",
    "relative_difference_pct",
    "decimals",
    "is_count",
    "status",
    "consistency",
    "note",
    "reason",
    "address",
)

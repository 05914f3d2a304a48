"""Listing of each patient's NCA parameters (ADPP), by analyte, dose level and visit.

One row per patient and visit with a value, one column per parameter: tmax, Cmax, the partial
AUCs (AUC1week, AUC2weeks; AUCtau for an analyte that has neither) and the accumulation
ratios where present.  Parameter names come from ADPP ``PARAM`` (else the NCA code's short
name) and units from ADPP ``AVALU``, printed as Table 3 prints them (``h*ug/mL`` as
``μg·h/mL``, :func:`earlyphase.pk.nca.units.display_unit`); a column header carries the unit
when it is the same for every analyte, else each analyte's heading lists its units.  Values
are printed to three significant figures (as Table 3); a parameter that could not be computed
(``AVAL`` missing, ``EXCLREAS`` given) prints as NE.  Built with :mod:`earlyphase.report.layout`.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence

import pandas as pd

from earlyphase.pk.nca.units import display_unit
from earlyphase.report.layout import Analyze, Column, Heading, TableLayout
from earlyphase.report.layout.analyses import Cell
from earlyphase.report.spec import TableResult
from earlyphase.report.tables._common import groups, population, require
from earlyphase.report.tables._pk import analyte_name, parameter_name, parameter_unit

__all__ = ["LISTING_PARAMETERS", "REQUIRES", "pk_listing_table"]

REQUIRES = {
    "ADSL": ("USUBJID", "TRT01A", "TRT01AN"),
    "ADPP": ("USUBJID", "PARAMCD", "AVAL", "VISIT"),
}
#: ADPP parameters listed, in column order (those present); AUCTAU is added for an analyte
#: without AUC1WK/AUC2WK.
LISTING_PARAMETERS = ("TMAX", "CMAX", "AUC1WK", "AUC2WK", "RACCMAX", "RACAUC")


def _codes(adpp: pd.DataFrame, parameters: Sequence[str]) -> list[str]:
    present = set(adpp["PARAMCD"])
    codes = [c for c in parameters if c in present]
    if not {"AUC1WK", "AUC2WK"} & set(codes) and "AUCTAU" in present:
        at = codes.index("CMAX") + 1 if "CMAX" in codes else len(codes)
        codes.insert(at, "AUCTAU")
    return codes


def _visit_label(visit: str) -> str:
    return visit.title().replace(" Day", ", day")


def pk_listing_table(
    adam: Mapping[str, pd.DataFrame], parameters: Sequence[str] = LISTING_PARAMETERS
) -> TableResult:
    """The per-patient PK listing (PK population, ``PKFL`` = Y when ADSL has it)."""
    require(adam, REQUIRES)
    adsl = population(adam["ADSL"], "PKFL")
    adpp = adam["ADPP"][adam["ADPP"]["USUBJID"].isin(adsl["USUBJID"])]
    by_cat = "PARCAT1" in adpp.columns
    cats = list(dict.fromkeys(adpp["PARCAT1"].astype(str))) if by_cat else [""]
    parts = {c: adpp[adpp["PARCAT1"].astype(str) == c] if by_cat else adpp for c in cats}
    codes = {c: _codes(parts[c], parameters) for c in cats}
    all_codes = [p for p in (*parameters, "AUCTAU") if any(p in codes[c] for c in cats)]
    units = {(c, p): display_unit(parameter_unit(parts[c], p)) for c in cats for p in codes[c]}
    common = {p: {units[(c, p)] for c in cats if p in codes[c]} for p in all_codes}
    values = {
        (str(c), str(s), str(v), str(p)): float(x)
        for c, s, v, p, x in zip(
            adpp["PARCAT1"] if by_cat else [""] * len(adpp),
            adpp["USUBJID"],
            adpp["VISIT"],
            adpp["PARAMCD"],
            pd.to_numeric(adpp["AVAL"], errors="coerce"),
            strict=True,
        )
    }
    subject_ids = _subject_labels(adsl)

    def columns(pop: pd.DataFrame) -> list[Column]:
        everyone = frozenset(pop["USUBJID"])
        out = []
        for p in all_codes:
            unit = next(iter(common[p])) if len(common[p]) == 1 else ""
            label = parameter_name(adpp, p) + (f", {unit}" if unit else "")
            out.append(Column(p, label, everyone, show_n=False))
        return out

    layout = TableLayout("pk_listing", "Listing of Pharmacokinetic Parameters by Patient")
    stub = "site-patient" if "SITEID" in adsl.columns and "SUBJID" in adsl.columns else "patient"
    layout = layout.columns_from(columns).stub(f"Dose level, {stub}, visit")
    if "PKFL" in adam["ADSL"].columns:
        layout = layout.population("PKFL")
    for c in cats:
        heading = analyte_name(adam, c) if c else "Parameters"
        own = [f"{parameter_name(adpp, p)} {units[(c, p)]}" for p in codes[c] if units[(c, p)]]
        if any(len(common[p]) > 1 for p in codes[c]) and own:
            heading += " (" + "; ".join(own) + ")"
        layout = layout.add(Heading(heading, key=f"{c}:heading"))
        layout = _add_rows(layout, c, codes[c], parts[c], adsl, values, subject_ids)
    foot = (
        "PK population (PKFL = Y). Values to three significant figures; NE: not computable "
        "(reason in ADPP.EXCLREAS); — : not applicable at that visit.",
        "AUC1week, AUC2weeks: AUC from the start of the dose to 168 h / 336 h; Rac: "
        "accumulation ratio, later visit / first visit (same time window).",
    )
    return layout.footnote(*foot).build(adsl, records=adpp)


def _subject_labels(adsl: pd.DataFrame) -> dict[str, str]:
    """USUBJID -> the patient's label in the listing: ``SITEID-SUBJID`` when ADSL has both
    (rows are in USUBJID order, i.e. by site, so the site shows why), else ``SUBJID``, else
    the USUBJID itself (no entry)."""
    if "SUBJID" not in adsl.columns:
        return {}
    subject = adsl["SUBJID"].astype(str)
    if "SITEID" in adsl.columns:
        subject = adsl["SITEID"].astype(str) + "-" + subject
    return dict(zip(adsl["USUBJID"], subject, strict=True))


def _add_rows(
    layout: TableLayout,
    cat: str,
    codes: Sequence[str],
    part: pd.DataFrame,
    adsl: pd.DataFrame,
    values: dict[tuple[str, str, str, str], float],
    subject_ids: dict[str, str],
) -> TableLayout:
    """A heading per dose level, then one row per patient and visit with at least one value
    of the analyte's parameters ``codes`` (a visit whose parameters are all not computable,
    e.g. an accumulation ratio without a later profile, is not listed)."""
    visits = list(dict.fromkeys(part["VISIT"].astype(str)))
    for g in groups(adsl, overall=False):
        seen = part[part["USUBJID"].isin(g.subjects)]
        if seen.empty:
            continue
        layout = layout.add(Heading(g.label, key=f"{cat}:{g.key}", indent=1))
        for subject in sorted(set(seen["USUBJID"].astype(str))):
            for visit in visits:
                found = [values.get((cat, subject, visit, p)) for p in codes]
                if not any(v is not None and v == v for v in found):  # v == v: not NaN
                    continue

                def fn(cell: Cell, key: tuple[str, str, str] = (cat, subject, visit)) -> dict:
                    got = values.get((*key, cell.key)) if cell.key in codes else None
                    return {} if got is None else {"v": got}

                label = f"{subject_ids.get(subject, subject)}, {_visit_label(visit)}"
                row_key = f"{cat}:{subject}:{visit.lower().replace(' ', '_')}"
                layout = layout.add(Analyze(row_key, label, fn, "{v:3s}", indent=2))
    return layout

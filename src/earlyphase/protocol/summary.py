"""Readable text summary of a protocol (``earlyphase protocol show``)."""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from earlyphase.protocol.model import Protocol

__all__ = ["protocol_summary"]


def _days(days: tuple[int, ...] | list[int]) -> str:
    return ", ".join(str(d) for d in days)


def protocol_summary(protocol: Protocol) -> str:
    """Return a multi-line plain-text summary of ``protocol``."""
    p = protocol
    cycles = "until progression" if p.until_progression else f"{p.cycles} cycles"
    out = [
        f"{p.title}",
        f"id: {p.id}   registry: {p.registry_id or '-'}",
        f"reference: {p.reference}",
        "",
    ]
    out.append(
        f"Disease: {p.disease.name} ({p.disease.category}); response by {p.disease.response_criteria}"
    )
    out.append(f"Cycles: {p.cycle_length_days} days, {cycles}")
    out.append("Drugs:")
    for drug in p.drugs:
        inf = (
            ""
            if not drug.infusion_minutes
            else ", infusion " + "/".join(f"{m:g}" for m in drug.infusion_minutes) + " min"
        )
        cap = f", BSA capped at {drug.bsa_cap_m2:g} m2" if drug.bsa_cap_m2 else ""
        out.append(
            f"  {drug.name} ({drug.abbreviation}): dose in {drug.dose_unit}, {drug.route.lower()}{inf}{cap}"
        )
    out.append("Dose levels:")
    for dl in p.dose_levels:
        out.append(f"  {dl.id}: {dl.label}")
        for drug_id, segments in dl.regimens.items():
            unit = p.drug(drug_id).dose_unit
            for seg in segments:
                rng = f"C{seg.from_cycle}" + (
                    "+"
                    if seg.to_cycle is None
                    else (f"-C{seg.to_cycle}" if seg.to_cycle != seg.from_cycle else "")
                )
                doses = "; ".join(f"{b.dose:g} {unit} on D{_days(b.days)}" for b in seg.doses)
                out.append(f"      {p.drug(drug_id).abbreviation or drug_id} {rng}: {doses}")
    for opt in p.schedule_options:
        out.append(
            f"Option {opt.id}: from C{opt.from_cycle}, {opt.drug} on days {_days(opt.days)} only"
        )
    d = p.design
    out.append(
        f"Design: {d.name} ({d.variant}), {d.n_doses} dose levels, cohorts of {d.cohort_size}, "
        f"start {d.start_dose_level}, expansion {d.expansion_size}, target DLT rate {d.target_dlt_rate:g}"
    )
    out.append(
        f"DLT window: {p.dlt.window_days} days ({p.dlt.attribution.replace('_', ' ')}), CTCAE v{p.dlt.ctcae_version}"
    )
    for rule in p.dlt.rules:
        out.append(f"  - {rule.id}: {rule.description}")
    out.append(f"Eligibility ({len(p.eligibility)} criteria):")
    for c in p.eligibility:
        out.append(f"  [{c.kind[:3]}] {c.id}: {c.describe()}")
    out.append("PK sampling:")
    for s in p.pk_sampling:
        occ = ", ".join(
            f"C{o.cycle}D{o.day}" + ("" if o.intensive else " (pre-dose)") for o in s.occasions
        )
        out.append(f"  {s.drug}: {occ}")
    ra = p.response_assessment
    out.append(f"Response: {ra.criteria}, every {ra.interval_days} days")
    return "\n".join(out)

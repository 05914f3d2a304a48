"""PK concentrations (PC) from the population-PK models of :mod:`earlyphase.pk`.

:func:`simulate_pc` is the generic part (any protocol, patients and administrations):
sampling times from the protocol's ``pk_sampling`` schedule around the patients' actual
infusions (pre-dose 15 minutes before the start; a sample due after the next infusion starts
is taken at that start, as in :func:`earlyphase.pk.regimen.regimen_from_protocol`),
isatuximab concentrations from the Fau et al. (2020) model (:mod:`earlyphase.pk.models.isatuximab`,
its between-subject variability, covariates and combined residual error, integrated by
:func:`earlyphase.pk.simulate.integrate_isatuximab`) and carfilzomib from the
one carfilzomib model (:class:`earlyphase.pk.models.CarfilzomibModel`, closed form).

Reconstruction mode (:func:`pk_domain`) calibrates the isatuximab samples of the Table 3
visits (:mod:`earlyphase.twin.pk_calibration`): each PK patient's parameters are scaled by
one factor (a shift of the between-subject random effects, reported in SD units by
:func:`individual_effects`) and the samples carry residuals chosen so that the ordinary NCA
gives the published statistics. Concentrations are written to 6 significant digits.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import timedelta
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.pk.models import CarfilzomibModel, IsatuximabModel, individual_parameters
from earlyphase.pk.models.carfilzomib import two_compartment_infusion
from earlyphase.pk.models.isatuximab import IsatuximabParameters
from earlyphase.pk.nca.units import concentration_factor_to_mg_l
from earlyphase.pk.simulate import integrate_isatuximab
from earlyphase.protocol import Protocol
from earlyphase.twin._common import usubjid

__all__ = [
    "PkPatients",
    "isatuximab_concentrations",
    "isatuximab_covariates",
    "sample_plan",
    "simulate_pc",
    "pc_rows",
]

#: Minutes before the infusion start at which a pre-dose sample is drawn.
PREDOSE_MINUTES = 15
#: Integration steps (h) of the isatuximab model: during infusions / elsewhere. Sampled
#: concentrations differ from the 0.05 h / 2 h defaults by < 0.1 %.
STEP_INFUSION_H, STEP_H = 0.25, 4.0


@dataclass(frozen=True)
class PkPatients:
    """Patients of a PK simulation: ``subj`` (plan number), ``usubjid``, ``first_dose``
    (timestamp of the first infusion), ``dose_level`` and the Fau 2020 covariates
    (``weight_kg, b2m_mg_l, non_igg, female, asian, p2f2``) and ``bsa_m2``."""

    table: pd.DataFrame


def isatuximab_covariates(plan: pd.DataFrame, body: pd.DataFrame, rng: np.random.Generator):
    """Fau 2020 covariates of the plan's patients: weight (kg) as measured; beta2-microglobulin
    log-normal with median 3.90 mg/L and SD of log 0.5 (Fau 2020 reference value; the spread is
    an assumption); non-IgG myeloma, sex and Asian race from the plan; early drug material."""
    return pd.DataFrame(
        {
            "weight_kg": body["weight_kg"].to_numpy(float),
            "b2m_mg_l": 3.90 * np.exp(rng.normal(0.0, 0.5, len(plan))),
            "non_igg": (plan["mmtype"] != "IGG").to_numpy(float),
            "female": (plan["sex"] == "F").to_numpy(float),
            "asian": (plan["race"] == "A").to_numpy(float),
            "p2f2": 0.0,
        },
        index=plan.index,
    )


def sample_plan(
    protocol: Protocol, drug: str, infusions: pd.DataFrame, overrides: Mapping[Any, float] = {}
) -> pd.DataFrame:
    """Samples of one patient: ``visit, label, nominal_h, time_h`` (h from the first dose).

    ``infusions`` holds the patient's given administrations of ``drug`` (``cycle, day,
    start_h, end_h``). ``overrides`` maps ``(cycle, label)`` to hours after that infusion's
    start (used by the calibration to place a sample to the minute).
    """
    schedule = protocol.pk_schedule(drug)
    starts = np.sort(infusions["start_h"].to_numpy(float))
    by_day = {
        (int(c), int(d)): (float(s), float(e))
        for c, d, s, e in zip(
            infusions["cycle"],
            infusions["day"],
            infusions["start_h"],
            infusions["end_h"],
            strict=True,
        )
    }
    rows = []
    for occ in schedule.occasions:
        if (occ.cycle, occ.day) not in by_day:
            continue
        start, end = by_day[(occ.cycle, occ.day)]
        later = starts[starts > start]
        next_start = later[0] if len(later) else np.inf
        last = -np.inf
        for s in occ.samples:
            if s.predose:
                offset, nominal = -PREDOSE_MINUTES / 60, 0.0
            else:
                nominal = s.hours_from_dose_start(end - start)
                offset = overrides.get((occ.cycle, s.label), nominal)
            t = min(start + offset, next_start)
            if t <= last:
                continue
            last = t
            rows.append(
                {
                    "visit": f"CYCLE {occ.cycle} DAY {occ.day}",
                    "label": s.label,
                    "nominal_h": round(nominal, 4),
                    "time_h": round(t * 60) / 60,
                }
            )
    return pd.DataFrame(rows, columns=["visit", "label", "nominal_h", "time_h"])


def isatuximab_concentrations(
    params: IsatuximabParameters,
    infusions: Sequence[pd.DataFrame],
    times: Sequence[np.ndarray],
) -> list[np.ndarray]:
    """Model concentrations (mg/L) of every patient at its own times (one integration).

    ``infusions[i]`` holds patient i's administrations (``start_h, end_h, dose_mg``, h from
    the first dose) and ``times[i]`` its sample times (h); ``params`` one element per
    patient."""
    dose_times = np.unique(np.concatenate([f["start_h"].to_numpy(float) for f in infusions]))
    amounts = np.zeros((len(infusions), len(dose_times)))
    durations = np.ones_like(amounts)
    for i, f in enumerate(infusions):
        col = np.searchsorted(dose_times, f["start_h"].to_numpy(float))
        amounts[i, col] = f["dose_mg"].to_numpy(float)
        durations[i, col] = (f["end_h"] - f["start_h"]).to_numpy(float)
    sample_times = np.unique(np.concatenate(times))
    conc = integrate_isatuximab(
        params, dose_times, amounts, durations, sample_times, STEP_H, STEP_INFUSION_H
    )
    return [conc[i, np.searchsorted(sample_times, t)] for i, t in enumerate(times)]


def simulate_pc(
    protocol: Protocol,
    patients: PkPatients,
    infusions: Mapping[str, pd.DataFrame],
    rng: np.random.Generator,
    isatuximab: IsatuximabModel | None = None,
    carfilzomib: CarfilzomibModel | None = None,
    overrides: Mapping[Any, Mapping[Any, float]] = {},
    result_units: Mapping[str, str] = {},
) -> tuple[pd.DataFrame, IsatuximabParameters]:
    """Simulated samples of both drugs (model with variability and residual error).

    Parameters
    ----------
    protocol : Protocol
        Gives the sampling schedules (``pk_sampling``) and LLOQs.
    patients : PkPatients
        One row per patient with covariates.
    infusions : mapping
        Drug id -> administrations given (``subj, cycle, day, start_h, end_h, dose_mg``; h
        from each patient's first dose; missed doses left out).
    rng : Generator
        Between-subject variability and residual errors.
    overrides : mapping
        ``subj`` -> ``{(cycle, label): hours after the infusion start}`` (see :func:`sample_plan`).
    result_units : mapping
        Drug id -> concentration unit of the results (default: the unit of its LLOQ).

    Returns
    -------
    (DataFrame, IsatuximabParameters)
        Samples ``subj, drug, visit, label, nominal_h, time_h, true, conc, unit, lloq`` (``true``
        the model value, ``conc`` with residual error, in the protocol's LLOQ unit), and the
        individual isatuximab parameters (one per patient, in ``patients`` order).
    """
    isatuximab = isatuximab or IsatuximabModel()
    carfilzomib = carfilzomib or CarfilzomibModel()
    pt = patients.table.reset_index(drop=True)
    params = individual_parameters(pt, isatuximab, rng)
    frames = []
    for drug in protocol.drug_ids:
        if drug not in infusions or not any(s.drug == drug for s in protocol.pk_sampling):
            continue
        schedule = protocol.pk_schedule(drug)
        lloq_unit = schedule.lloq_unit or "mg/L"
        unit = result_units.get(drug, lloq_unit)
        factor = 1.0 / (concentration_factor_to_mg_l(unit) or 1.0)
        lloq = (schedule.lloq or 0.0) * (concentration_factor_to_mg_l(lloq_unit) or 1.0) * factor
        doses = dict(tuple(infusions[drug].groupby("subj")))
        plans, given = [], []
        for subj in pt["subj"]:
            inf = doses.get(subj, infusions[drug].iloc[:0])
            given.append(inf)
            plans.append(sample_plan(protocol, drug, inf, overrides.get(subj, {})))
        times = [p["time_h"].to_numpy(float) for p in plans]
        if drug == "isatuximab":
            true = isatuximab_concentrations(params, given, times)
            prop, add = isatuximab.prop_error, isatuximab.add_error_mg_l
        else:
            true = _carfilzomib_true(carfilzomib, pt, given, times, rng)
            prop, add = carfilzomib.prop_error, 0.0
        obs = []
        for t in true:  # one draw per patient, in patient order
            eps = np.clip(rng.normal(0.0, 1.0, (2, len(t))), -2.5, 2.5)
            obs.append(np.where(t > 0, t * (1 + prop * eps[0]) + add * eps[1], 0.0))
        subj = np.repeat(pt["subj"].to_numpy(int), [len(t) for t in true])
        frames.append(
            pd.concat(plans, ignore_index=True).assign(
                subj=subj,
                drug=drug,
                analyte=schedule.analyte,
                true=np.concatenate(true) * factor,
                conc=np.concatenate(obs) * factor,
                unit=unit,
                lloq=lloq,
            )
        )
    return pd.concat(frames, ignore_index=True), params


def _carfilzomib_true(model, pt, given, times, rng) -> list[np.ndarray]:
    ind = model.individual(len(pt), rng)
    out = []
    for i, (inf, t) in enumerate(zip(given, times, strict=True)):
        if not len(t):
            out.append(np.zeros(0))
            continue
        conc = two_compartment_infusion(
            t,
            inf["start_h"].to_numpy(float),
            inf["dose_mg"].to_numpy(float)[None, :],
            (inf["end_h"] - inf["start_h"]).to_numpy(float),
            *(ind[k][i : i + 1] for k in ("cl", "v1", "q", "v2")),
        )
        out.append(conc[0])
    return out


def pc_rows(samples: pd.DataFrame, patients: PkPatients, protocol: Protocol) -> pd.DataFrame:
    """SDTM PC from simulated samples (values below the LLOQ as ``<LLOQ``)."""
    pt = patients.table.set_index("subj")
    names = {d.id: (d.cdisc_name or d.id.upper()) for d in protocol.drugs}
    rows = []
    for r in samples.to_dict("records"):
        first = pd.Timestamp(pt.loc[r["subj"], "first_dose"]).to_pydatetime()
        when = first + timedelta(minutes=round(r["time_h"] * 60))
        blq = not r["conc"] >= r["lloq"]
        value = np.nan if blq else float(f"{r['conc']:.6g}")
        text = "<LLOQ" if blq else f"{value:g}"
        rows.append(
            {
                "STUDYID": terms.STUDYID,
                "DOMAIN": "PC",
                "USUBJID": usubjid(int(r["subj"])),
                "PCTESTCD": r["analyte"],
                "PCTEST": names[r["drug"]].capitalize(),
                "PCSPEC": "PLASMA",
                "PCORRES": text,
                "PCORRESU": r["unit"],
                "PCSTRESC": text,
                "PCSTRESN": value,
                "PCSTRESU": r["unit"],
                "PCLLOQ": r["lloq"],
                "VISIT": r["visit"],
                "PCTPT": str(r["label"]).upper(),
                "PCTPTNUM": float(r["nominal_h"]),
                "PCDTC": when.strftime("%Y-%m-%dT%H:%M"),
                "PCDY": int((when.date() - first.date()).days) + 1,
            }
        )
    pc = pd.DataFrame(rows)
    pc = pc.sort_values(["USUBJID", "PCTESTCD", "PCDTC"], kind="stable").reset_index(drop=True)
    pc.insert(3, "PCSEQ", pc.groupby("USUBJID").cumcount().astype(np.int64) + 1)
    return pc

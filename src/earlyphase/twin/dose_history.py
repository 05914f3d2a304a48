"""What happened to the reconstructed patients' regimens beyond the protocol's plan.

The paper (Chari et al. Cancer 2021, Results: Patients and treatment) reports that more than
96% of the intended therapy was given, that after cycle 8 carfilzomib could be given on days 1,
2, 15 and 16 only (a protocol option), and that one patient's carfilzomib dose was reduced for
peripheral neuropathy. The reconstruction records these as each patient's
:class:`~earlyphase.twin.exposure.DoseHistory`, which the dosing calendar applies:

* **Missed visits.** From cycle 2 on, each treatment visit is missed with probability
  :data:`P_MISSED` (upper respiratory infection or a vacation), never at an intensive PK visit
  (its profile is in Table 3); every drug of a missed visit is skipped.
* **Reduced carfilzomib frequency** (``carfilzomib-reduced-frequency``) for the patients with
  an even plan number.
* **Carfilzomib dose reduction** one level (27 -> 20 mg/m2, the protocol's
  ``dose_reduction_steps``) from cycle :data:`K_REDUCTION` ``[1]`` day 1 for patient
  :data:`K_REDUCTION` ``[0]`` (peripheral neuropathy, which the AE generator writes).
* **Recorded infusion durations**: the isatuximab infusions of the PK patients whose duration
  the Table 3 calibration sets (:meth:`earlyphase.twin.pk_reconstruction.PkDesign.infusion_minutes`).
"""

from __future__ import annotations

from collections.abc import Mapping

import numpy as np
import pandas as pd

from earlyphase.dosing import DoseModification
from earlyphase.protocol import Protocol
from earlyphase.twin._common import records
from earlyphase.twin.exposure import DoseHistory, last_dose_day

__all__ = ["K_REDUCTION", "P_MISSED", "REDUCED_FREQUENCY", "reconstructed_histories"]

#: Probability that a scheduled visit is missed (paper: > 96% of intended therapy given).
P_MISSED = 0.025
#: The patient whose carfilzomib dose is reduced for peripheral neuropathy, and from which cycle.
K_REDUCTION = (11, 6)
#: The protocol's optional schedule taken by the patients with an even plan number.
REDUCED_FREQUENCY = "carfilzomib-reduced-frequency"
_REDUCED_DRUG = "carfilzomib"
_MISSED_REASONS = ("DOSE NOT GIVEN: UPPER RESPIRATORY INFECTION", "DOSE NOT GIVEN: VACATION")
_REDUCTION_REASON = "PERIPHERAL NEUROPATHY"


def reconstructed_histories(
    protocol: Protocol,
    plan: pd.DataFrame,
    rng: np.random.Generator,
    infusion_minutes: Mapping[tuple[int, int, int], float] | None = None,
    infused_drug: str = "isatuximab",
) -> dict[int, DoseHistory]:
    """Each patient's :class:`DoseHistory` (see the module docstring).

    Parameters
    ----------
    protocol : Protocol
    plan : DataFrame
        The reconstruction's patient plan (``subj, dl, first_dose, end, cutoff, pd_cycle``).
    rng : Generator
        Draws the missed visits: for each patient in plan order, each visit from cycle 2 on
        (in date order, up to the last dose day) draws one uniform number, and a missed visit
        one more for its reason.
    infusion_minutes : mapping, optional
        ``(subj, cycle, day)`` -> minutes of ``infused_drug``'s infusion.
    """
    cycle_days = int(protocol.cycle_length_days)
    intensive = {(o.cycle, o.day) for s in protocol.pk_sampling for o in s.occasions if o.intensive}
    recorded: dict[int, dict[tuple[int, int, str], float]] = {}
    for (subj, cycle, day), minutes in (infusion_minutes or {}).items():
        recorded.setdefault(int(subj), {})[(cycle, day, infused_drug)] = minutes
    out: dict[int, DoseHistory] = {}
    for row in records(plan):
        subj = int(row["subj"])
        last = last_dose_day(row, cycle_days)
        options = (REDUCED_FREQUENCY,) if subj % 2 == 0 else ()
        mods: list[DoseModification] = []
        visits = _visits(protocol, row["dl"], options, -(-last // cycle_days))
        for cycle, day, drugs in visits:
            if cycle_days * (cycle - 1) + day > last or cycle == 1:
                continue
            missed = rng.random() < P_MISSED and (cycle, day) not in intensive
            if missed:
                reason = _MISSED_REASONS[int(rng.integers(2))]
                mods.extend(DoseModification(cycle, day, d, "skip", reason=reason) for d in drugs)
        if subj == K_REDUCTION[0] and last > cycle_days * (K_REDUCTION[1] - 1):
            mods.append(
                DoseModification(
                    K_REDUCTION[1], 1, _REDUCED_DRUG, "reduce", reason=_REDUCTION_REASON
                )
            )
        out[subj] = DoseHistory(options, tuple(mods), recorded.get(subj, {}))
    return out


def _visits(
    protocol: Protocol, level: str, options: tuple[str, ...], cycles: int
) -> list[tuple[int, int, tuple[str, ...]]]:
    """(cycle, day, drugs given that day) of every planned visit, in date order."""
    out: list[tuple[int, int, tuple[str, ...]]] = []
    for cycle in range(1, cycles + 1):
        days: dict[int, list[str]] = {}
        for drug in protocol.drug_ids:
            for planned in protocol.planned_doses(level, drug, cycle, options):
                days.setdefault(planned.day, []).append(drug)
        out.extend((cycle, day, tuple(days[day])) for day in sorted(days))
    return out

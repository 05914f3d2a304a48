"""Dosing regimens and PK sampling schedules for simulation (adapter until the protocol
object drives them).

A :class:`Regimen` is a list of administrations ``(time_h, dose, duration_h)`` with the dose
per kg, per m2 or flat, plus sampling times with their occasion label. The built-in
:func:`isak_phase1b_regimen` mirrors the isatuximab + carfilzomib phase 1b protocol
(isatuximab DL1 10 mg/kg Q2W; DL2 10 mg/kg QW x4 then Q2W; DL3 20 mg/kg QW x4 then Q2W;
28-day cycles; intensive sampling C1D1 and C3D1: pre-dose, mid-infusion, end of infusion,
then 3, 24, 48, 168, 336 h after the end; pre-dose C2D1-C8D1). Infusion durations 200, 112.5,
then 75 min (Sarclisa USPI rate table, a decision of the protocol module, since the paper gives
none). Decision: a sample nominally after the next dose start is taken just before that dose
(pre-dose), so it cannot include the next dose.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from earlyphase.errors import ProtocolError, describe_problem

__all__ = ["Regimen", "isak_phase1b_regimen", "DOSE_LEVELS"]

#: Isatuximab dose (mg/kg) and weekly cycle-1 dosing per dose level.
DOSE_LEVELS = {1: (10.0, False), 2: (10.0, True), 3: (20.0, True)}
_CYCLE_H = 28 * 24.0
_INFUSION_MIN = (200.0, 112.5, 75.0)
_POST_EOI_H = (3.0, 24.0, 48.0, 168.0, 336.0)


@dataclass(frozen=True)
class Regimen:
    """Administrations and sampling of one drug.

    Attributes
    ----------
    dose_times_h, doses, durations_h : arrays (n_doses,)
        Start (h since first dose), dose in ``dose_unit``, infusion duration (h).
    dose_labels : tuple of str
        ``"CYCLE c DAY d"`` of each administration.
    dose_unit : str
        ``"mg/kg"``, ``"mg/m2"`` or ``"mg"``.
    sample_times_h : array
        Sampling times (h since first dose), increasing.
    sample_labels, sample_occasions : tuple of str
        Nominal time point (``PCTPT``) and the occasion ``"CYCLE c DAY d"`` of each sample.
    lloq_mg_l : float
        Lower limit of quantification in mg/L (= ug/mL).
    """

    dose_times_h: np.ndarray
    doses: np.ndarray
    durations_h: np.ndarray
    dose_labels: tuple[str, ...]
    dose_unit: str
    sample_times_h: np.ndarray
    sample_labels: tuple[str, ...]
    sample_occasions: tuple[str, ...]
    lloq_mg_l: float

    def tau_h(self) -> np.ndarray:
        """Dosing interval after each administration (time to the next; the last repeats)."""
        gaps = np.diff(self.dose_times_h)
        return np.append(gaps, gaps[-1] if len(gaps) else np.nan)


def isak_phase1b_regimen(dose_level: int, n_cycles: int = 8) -> Regimen:
    """Isatuximab regimen and sampling of the phase 1b isatuximab + carfilzomib protocol."""
    if dose_level not in DOSE_LEVELS:
        raise ProtocolError(describe_problem("dose_level", dose_level, f"one of {sorted(DOSE_LEVELS)}"))
    if not (1 <= n_cycles <= 60):
        raise ProtocolError(describe_problem("n_cycles", n_cycles, "an integer in 1..60"))
    dose, weekly = DOSE_LEVELS[dose_level]
    days: list[tuple[int, int]] = []
    for cycle in range(1, n_cycles + 1):
        cycle_days = (1, 8, 15, 22) if (cycle == 1 and weekly) else (1, 15)
        days += [(cycle, d) for d in cycle_days]
    starts = np.array([(c - 1) * _CYCLE_H + (d - 1) * 24.0 for c, d in days])
    durations = np.array([_INFUSION_MIN[min(i, 2)] / 60 for i in range(len(days))])
    labels = tuple(f"CYCLE {c} DAY {d}" for c, d in days)

    samples: list[tuple[float, str, str]] = []
    for i, (cycle, day) in enumerate(days):
        if day != 1:
            continue
        occasion = labels[i]
        start, dur = starts[i], durations[i]
        next_start = starts[i + 1] if i + 1 < len(starts) else np.inf
        samples.append((start, "Pre-dose", occasion))
        if cycle in (1, 3):
            samples.append((start + dur / 2, "Mid-infusion", occasion))
            samples.append((start + dur, "End of infusion", occasion))
            for h in _POST_EOI_H:
                t = min(start + dur + h, next_start)
                if t > samples[-1][0]:
                    samples.append((t, f"{h:g} h post end of infusion", occasion))
    t_s = np.array([s[0] for s in samples])
    return Regimen(
        dose_times_h=starts, doses=np.full(len(days), dose), durations_h=durations,
        dose_labels=labels, dose_unit="mg/kg", sample_times_h=t_s,
        sample_labels=tuple(s[1] for s in samples), sample_occasions=tuple(s[2] for s in samples),
        lloq_mg_l=0.5e-3,  # 0.500 ng/mL (paper, Methods)
    )

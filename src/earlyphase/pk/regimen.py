"""Dosing regimens and PK sampling schedules for simulation, read from the protocol object.

A :class:`Regimen` is a list of administrations ``(time_h, dose, duration_h)`` with the dose
per kg, per m2 or flat, plus sampling times with their occasion label, built by
:func:`regimen_from_protocol` from :mod:`earlyphase.protocol`. The built-in ``isak-phase1b``
protocol (isatuximab + carfilzomib phase 1b) gives isatuximab DL1 10 mg/kg Q2W; DL2 10 mg/kg QW x4 then Q2W; DL3 20 mg/kg QW x4 then Q2W;
28-day cycles; intensive sampling C1D1 and C3D1: pre-dose, mid-infusion, end of infusion,
then 3, 24, 48, 168, 336 h after the end; pre-dose C2D1-C8D1. Infusion durations 200, 112.5,
then 75 min (Sarclisa USPI rate table, a decision of the protocol module, since the paper gives
none). Decision: a sample nominally after the next dose start is taken just before that dose
(pre-dose), so it cannot include the next dose.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

from earlyphase.errors import ProtocolError, describe_problem
from earlyphase.pk.nca.units import concentration_factor_to_mg_l

if TYPE_CHECKING:
    from earlyphase.protocol import Protocol

__all__ = ["Regimen", "regimen_from_protocol", "isak_phase1b_regimen"]


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


def regimen_from_protocol(
    protocol: Protocol | str,
    dose_level: str | int,
    drug: str = "isatuximab",
    n_cycles: int = 8,
) -> Regimen:
    """Doses and PK sampling of one drug at one dose level, read from a protocol object.

    Parameters
    ----------
    protocol : Protocol or str
        A :class:`earlyphase.protocol.Protocol`, or a built-in id / YAML path for
        :func:`earlyphase.protocol.load_protocol` (e.g. ``"isak-phase1b"``).
    dose_level : str or int
        ``"DL2"`` or ``2``.
    drug : str
        Drug id or abbreviation; its ``pk_sampling`` schedule gives the sampling times and
        LLOQ.
    n_cycles : int
        Cycles to simulate (the protocol may run "until progression").

    Notes
    -----
    Infusion durations come from ``Drug.infusion_minutes_for`` (per administration number);
    sampling times from ``PkSample.hours_from_dose_start``. A sample falling after the start
    of the next administration is taken just before it (see the module docstring).
    """
    from earlyphase.protocol import load_protocol

    if not (1 <= n_cycles <= 60):
        raise ProtocolError(describe_problem("n_cycles", n_cycles, "an integer in 1..60"))
    proto = load_protocol(protocol) if isinstance(protocol, str) else protocol
    the_drug = proto.drug(drug)
    starts: list[float] = []
    doses: list[float] = []
    durations: list[float] = []
    labels: list[str] = []
    day_h = 24.0
    for cycle in range(1, n_cycles + 1):
        for planned in proto.planned_doses(dose_level, the_drug.id, cycle):
            number = len(starts) + 1
            minutes = the_drug.infusion_minutes_for(number)
            starts.append((cycle - 1) * proto.cycle_length_days * day_h + (planned.day - 1) * day_h)
            doses.append(planned.dose)
            durations.append((minutes or 1.0) / 60.0)
            labels.append(f"CYCLE {cycle} DAY {planned.day}")
    if not starts:
        raise ProtocolError(
            describe_problem("dose_level", dose_level, f"a dose level giving {the_drug.id}")
        )
    schedules = [s for s in proto.pk_sampling if s.drug == the_drug.id]
    if not schedules:
        raise ProtocolError(
            describe_problem(
                "pk_sampling",
                [s.drug for s in proto.pk_sampling],
                f"a PK sampling schedule for {the_drug.id}",
            )
        )
    schedule = schedules[0]
    t0 = np.array(starts)
    samples: list[tuple[float, str, str]] = []
    for occasion in schedule.occasions:
        label = f"CYCLE {occasion.cycle} DAY {occasion.day}"
        if label not in labels:
            continue
        i = labels.index(label)
        next_start = t0[i + 1] if i + 1 < len(t0) else np.inf
        last = -np.inf
        for sample in occasion.samples:
            t = t0[i] if sample.predose else t0[i] + sample.hours_from_dose_start(durations[i])
            t = min(t, next_start)
            if t > last:
                samples.append((float(t), sample.label, label))
                last = t
    samples.sort(key=lambda s: s[0])
    factor = concentration_factor_to_mg_l(schedule.lloq_unit) if schedule.lloq else None
    lloq = schedule.lloq * factor if (schedule.lloq and factor) else 0.0
    return Regimen(
        dose_times_h=t0,
        doses=np.array(doses, float),
        durations_h=np.array(durations),
        dose_labels=tuple(labels),
        dose_unit=the_drug.dose_unit,
        sample_times_h=np.array([s[0] for s in samples]),
        sample_labels=tuple(s[1] for s in samples),
        sample_occasions=tuple(s[2] for s in samples),
        lloq_mg_l=float(lloq),
    )


def isak_phase1b_regimen(dose_level: int | str, n_cycles: int = 8) -> Regimen:
    """Isatuximab regimen and sampling of the built-in ``isak-phase1b`` protocol.

    The dose levels and their doses are the protocol's (an unknown level is a ProtocolError).
    """
    return regimen_from_protocol("isak-phase1b", dose_level, "isatuximab", n_cycles)

"""Dose calculation: mg/kg on actual weight, mg/m2 on BSA (with a cap), flat mg; rounding.

Carfilzomib (Kyprolis USPI): "Patients with a BSA greater than 2.2 m2 should receive a dose
based upon a BSA of 2.2 m2" - the cap comes from ``Drug.bsa_cap_m2`` in the protocol.
Isatuximab (Sarclisa USPI): dose on actual body weight.
"""

from __future__ import annotations

import math
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import numpy as np
import numpy.typing as npt

from earlyphase.dosing.bsa import BSA_METHODS, bsa, check_body_size
from earlyphase.errors import DataError, OptionsError, describe_problem
from earlyphase.protocol.model import Drug

__all__ = ["DoseCalculation", "DosingOptions", "calculate_dose", "dose_mg", "round_dose"]


@dataclass(frozen=True)
class DosingOptions:
    """How doses are computed.

    Attributes
    ----------
    bsa_method : {"mosteller", "dubois", "haycock"}
        BSA formula (the isak-phase1b paper names none; Mosteller is the default).
    apply_bsa_cap : bool
        Apply each drug's ``bsa_cap_m2`` (True per the carfilzomib label).
    rounding_step_mg : float or mapping of drug id to float, optional
        Round the mg dose to a multiple of this step (e.g. ``{"isatuximab": 10, "carfilzomib": 1}``);
        None or 0 = no rounding (the default: unrounded doses, pharmacy rounds).
    rounding : {"nearest", "down", "up"}
        Direction; "nearest" rounds halves up.
    """

    bsa_method: str = "mosteller"
    apply_bsa_cap: bool = True
    rounding_step_mg: float | Mapping[str, float] | None = None
    rounding: Literal["nearest", "down", "up"] = "nearest"
    _steps: Mapping[str, float] = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        if self.bsa_method not in BSA_METHODS:
            raise OptionsError(
                describe_problem("bsa_method", self.bsa_method, f"one of {list(BSA_METHODS)}")
            )
        if self.rounding not in ("nearest", "down", "up"):
            raise OptionsError(
                describe_problem("rounding", self.rounding, "'nearest', 'down' or 'up'")
            )
        steps = self.rounding_step_mg
        table = dict(steps) if isinstance(steps, Mapping) else {"*": float(steps or 0.0)}
        for key, value in table.items():
            if not (isinstance(value, int | float) and math.isfinite(value) and value >= 0):
                raise OptionsError(
                    describe_problem(f"rounding_step_mg[{key!r}]", value, "a step >= 0 mg")
                )
        object.__setattr__(self, "_steps", MappingProxyType(table))

    def step_for(self, drug_id: str) -> float:
        """Rounding step (mg) for a drug; 0 means no rounding."""
        return float(self._steps.get(drug_id, self._steps.get("*", 0.0)))


def round_dose(
    dose: npt.ArrayLike, step: float, mode: Literal["nearest", "down", "up"] = "nearest"
) -> npt.NDArray[np.float64]:
    """Round ``dose`` to a multiple of ``step`` (no rounding when ``step`` is 0)."""
    x = np.asarray(dose, dtype=float)
    if step <= 0:
        return x
    # a tiny guard keeps 51.3 / 0.1 = 512.9999999 from rounding down
    q = x / step
    q = np.where(np.isclose(q, np.round(q), rtol=0, atol=1e-9), np.round(q), q)
    if mode == "down":
        n = np.floor(q)
    elif mode == "up":
        n = np.ceil(q)
    else:
        n = np.floor(q + 0.5)
    return np.round(n * step, 10)


@dataclass(frozen=True)
class DoseCalculation:
    """One dose calculation: the dose in mg and what it was based on."""

    drug: str
    dose: float
    dose_unit: str
    basis_value: float
    basis_unit: str
    capped: bool
    dose_mg_unrounded: float
    dose_mg: float


def dose_mg(
    drug: Drug,
    dose: npt.ArrayLike,
    weight_kg: npt.ArrayLike,
    height_cm: npt.ArrayLike | None = None,
    options: DosingOptions | None = None,
) -> npt.NDArray[np.float64]:
    """Dose in mg, vectorised: ``dose`` (in ``drug.dose_unit``) times weight, capped BSA or 1.

    Parameters
    ----------
    drug : Drug
        From the protocol (gives the unit and any BSA cap).
    dose : float or array
        Dose per unit (e.g. 27 for 27 mg/m2). Must be >= 0.
    weight_kg, height_cm : float or array
        Actual weight; height is needed for mg/m2 drugs.
    options : DosingOptions, optional

    Returns
    -------
    ndarray
        Dose in mg, rounded as the options say.
    """
    opts = options or DosingOptions()
    d = np.asarray(dose, dtype=float)
    flat = np.atleast_1d(d).ravel()
    bad = flat[~(np.isfinite(flat) & (flat >= 0))]
    if bad.size:
        raise DataError(describe_problem("dose", float(bad[0]), "a finite dose >= 0"))
    w = np.asarray(weight_kg, dtype=float)
    if drug.dose_unit == "mg/kg":
        check_body_size(np.nan, w)
        raw = d * w
    elif drug.dose_unit == "mg/m2":
        if height_cm is None:
            raise DataError(
                describe_problem(
                    "height_cm",
                    None,
                    f"a height to compute the BSA for {drug.name} (dosed in mg/m2)",
                )
            )
        area = np.asarray(bsa(height_cm, w, method=opts.bsa_method))
        if opts.apply_bsa_cap and drug.bsa_cap_m2 is not None:
            area = np.minimum(area, drug.bsa_cap_m2)
        raw = d * area
    else:
        raw = d * np.ones_like(w)
    return round_dose(raw, opts.step_for(drug.id), opts.rounding)


def calculate_dose(
    drug: Drug,
    dose: float,
    weight_kg: float,
    height_cm: float | None = None,
    options: DosingOptions | None = None,
) -> DoseCalculation:
    """Scalar dose calculation with its basis (weight, capped BSA) spelled out."""
    opts = options or DosingOptions()
    unrounded = float(
        dose_mg(
            drug, dose, weight_kg, height_cm, DosingOptions(opts.bsa_method, opts.apply_bsa_cap)
        )
    )
    final = float(dose_mg(drug, dose, weight_kg, height_cm, opts))
    if drug.dose_unit == "mg/kg":
        basis, unit, capped = float(weight_kg), "kg", False
    elif drug.dose_unit == "mg/m2":
        area = float(bsa(height_cm, weight_kg, method=opts.bsa_method))  # type: ignore[arg-type]
        capped = bool(opts.apply_bsa_cap and drug.bsa_cap_m2 is not None and area > drug.bsa_cap_m2)
        basis, unit = (float(drug.bsa_cap_m2) if capped else area), "m2"  # type: ignore[arg-type]
    else:
        basis, unit, capped = 1.0, "", False
    return DoseCalculation(
        drug.id, float(dose), drug.dose_unit, basis, unit, capped, unrounded, final
    )

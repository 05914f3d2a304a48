"""Options of the noncompartmental analysis (one frozen object, validated on creation).

Defaults reproduce Phoenix WinNonlin's NCA (Models 200/201/202) except the AUC method, which
must be chosen explicitly by users who want WinNonlin's default (``"linear"``); the default here
is ``"lin-up/log-down"`` because that is what clinical-pharmacology reports usually state
(PKNCA's default too).  Every convention is listed in ``docs/pk.md``.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from typing import Literal

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["NCAOptions", "AUCMethod", "BLQRule", "TimeZeroRule", "LambdaZSelection"]

AUCMethod = Literal["linear", "lin-up/log-down"]
BLQRule = Literal["zero", "drop", "half-lloq", "lloq"]
TimeZeroRule = Literal["winnonlin", "none"]
LambdaZSelection = Literal["winnonlin", "pknca"]

_AUC_METHODS = ("linear", "lin-up/log-down")
_BLQ_RULES = ("zero", "drop", "half-lloq", "lloq")


@dataclass(frozen=True)
class NCAOptions:
    """How the NCA treats the data.

    Parameters
    ----------
    auc_method : {"lin-up/log-down", "linear"}
        Trapezoid rule per segment. ``"linear"`` = Phoenix "Linear Trapezoidal Linear
        Interpolation" (Phoenix default); ``"lin-up/log-down"`` = Phoenix "Linear Up Log Down"
        = PKNCA ``"lin up/log down"`` (PKNCA default): log rule when the concentration falls
        and both ends are positive, linear otherwise. AUMC and interpolation follow the same rule.
    blq_before_first, blq_between, blq_after_last : {"zero", "drop", "half-lloq", "lloq"}
        What a below-LLOQ sample becomes depending on where it lies: before (or at) the first
        measurable sample, between the first and last measurable samples, after the last.
        Defaults 0 / drop / drop (the convention of most sponsor SAPs). PKNCA's default keeps
        trailing BLQ as 0 (``blq_after_last="zero"``), which changes AUCall only.
    time_zero : {"winnonlin", "none"}
        ``"winnonlin"``: when no sample lies at dose time, insert C = 0 for the first dose of a
        subject (extravascular, infusion), the minimum concentration of the dosing interval for
        a later dose, and a log-linear back-extrapolated C0 for an IV bolus. ``"none"``: never
        insert (AUCs then start at the first sample and are reported missing, as in PKNCA).
    shift_predose : bool
        Move the last pre-dose sample of a profile to dose time when no sample lies exactly at
        dose time (a pre-dose trough taken minutes before the infusion). Other pre-dose samples
        are ignored.
    max_predose_shift : float or None
        Largest gap (time units) between that pre-dose sample and the dose for the shift;
        ``None`` = any gap (PKNCA's ``start_predose`` allows 5 % of the interval).
    lambda_z_min_points : int
        Fewest points in a terminal-phase regression (WinNonlin and PKNCA: 3).
    lambda_z_max_points : int or None
        Most points (Phoenix "Max # of points"); ``None`` = no limit.
    lambda_z_tolerance : float
        Adjusted-R² tolerance: a regression with more points wins when its adjusted R² is
        within this of the best (WinNonlin 0.0001; PKNCA ``adj.r.squared.factor`` 1e-4).
    lambda_z_selection : {"winnonlin", "pknca"}
        ``"winnonlin"``: discard regressions with λz <= 0 before taking the best adjusted R²;
        ``"pknca"``: take the best adjusted R² over all regressions, then require λz > 0.
    lambda_z_include_cmax : bool or None
        Whether the Cmax point may be in the terminal phase. ``None`` = by route as WinNonlin
        does (only for an IV bolus); PKNCA always excludes it (``False``).
    partial_aucs : tuple of (start, end)
        Extra AUCs over [start, end] (time after dose), reported as ``AUCINT_<start>-<end>``.
    time_unit, conc_unit, amount_unit : str
        Units used when the inputs have no ``time_unit`` / ``conc_unit`` / ``amount_unit``
        column. ``conc_unit`` like ``"mg/L"`` or ``"ug/mL"``; ``amount_unit`` like ``"mg"``.
    """

    auc_method: AUCMethod = "lin-up/log-down"
    blq_before_first: BLQRule = "zero"
    blq_between: BLQRule = "drop"
    blq_after_last: BLQRule = "drop"
    time_zero: TimeZeroRule = "winnonlin"
    shift_predose: bool = True
    max_predose_shift: float | None = None
    lambda_z_min_points: int = 3
    lambda_z_max_points: int | None = None
    lambda_z_tolerance: float = 1e-4
    lambda_z_selection: LambdaZSelection = "winnonlin"
    lambda_z_include_cmax: bool | None = None
    partial_aucs: tuple[tuple[float, float], ...] = field(default_factory=tuple)
    time_unit: str = "h"
    conc_unit: str = ""
    amount_unit: str = ""

    def __post_init__(self) -> None:
        if self.auc_method not in _AUC_METHODS:
            raise OptionsError(
                describe_problem("auc_method", self.auc_method, f"one of {_AUC_METHODS}")
            )
        for name in ("blq_before_first", "blq_between", "blq_after_last"):
            value = getattr(self, name)
            if value not in _BLQ_RULES:
                raise OptionsError(describe_problem(name, value, f"one of {_BLQ_RULES}"))
        if self.time_zero not in ("winnonlin", "none"):
            raise OptionsError(
                describe_problem("time_zero", self.time_zero, "'winnonlin' or 'none'")
            )
        if self.lambda_z_selection not in ("winnonlin", "pknca"):
            raise OptionsError(
                describe_problem(
                    "lambda_z_selection", self.lambda_z_selection, "'winnonlin' or 'pknca'"
                )
            )
        if not isinstance(self.lambda_z_min_points, int) or self.lambda_z_min_points < 2:
            raise OptionsError(
                describe_problem("lambda_z_min_points", self.lambda_z_min_points, "an integer >= 2")
            )
        if self.lambda_z_max_points is not None and (
            not isinstance(self.lambda_z_max_points, int)
            or self.lambda_z_max_points < self.lambda_z_min_points
        ):
            raise OptionsError(
                describe_problem(
                    "lambda_z_max_points",
                    self.lambda_z_max_points,
                    "None or an integer >= lambda_z_min_points",
                )
            )
        if not (0.0 <= self.lambda_z_tolerance < 1.0):
            raise OptionsError(
                describe_problem(
                    "lambda_z_tolerance", self.lambda_z_tolerance, "a number in [0, 1)"
                )
            )
        partial = tuple((float(a), float(b)) for a, b in self.partial_aucs)
        for a, b in partial:
            if not (math.isfinite(a) and math.isfinite(b) and 0.0 <= a < b):
                raise OptionsError(
                    describe_problem(
                        "partial_aucs", (a, b), "pairs (start, end) with 0 <= start < end"
                    )
                )
        object.__setattr__(self, "partial_aucs", partial)

"""CRM skeletons by indifference intervals (Lee & Cheung 2009), as R ``dfcrm::getprior``.

Lee SM, Cheung YK. Model calibration in the continual reassessment method. Clinical Trials
2009;6:227-238.
"""

from __future__ import annotations

from typing import Literal

import numpy as np

from earlyphase.designs.base import check_target
from earlyphase.errors import DesignError, describe_problem

__all__ = ["Model", "getprior"]

#: The CRM dose-toxicity models of ``dfcrm``.
Model = Literal["empiric", "logistic"]


def getprior(
    halfwidth: float,
    target: float,
    nu: int,
    n_levels: int,
    model: Model = "empiric",
    intercept: float = 3.0,
) -> np.ndarray:
    """CRM skeleton by indifference intervals (Lee & Cheung 2009), as ``dfcrm::getprior``.

    Parameters
    ----------
    halfwidth : float
        Half-width ``delta`` of the indifference interval ``target +/- delta``.
    target : float
    nu : int
        1-based prior guess of the MTD (its skeleton value is ``target``).
    n_levels : int
    model : {"empiric", "logistic"}
    intercept : float
        Logistic intercept ``a0`` (3).
    """
    check_target(target)
    if not 0 < halfwidth < min(target, 1 - target):
        raise DesignError(
            describe_problem(
                "halfwidth", halfwidth, f"a number in (0, {min(target, 1 - target):g})"
            )
        )
    if not 1 <= nu <= n_levels:
        raise DesignError(describe_problem("nu", nu, f"a dose level in 1..{n_levels}"))
    lo, hi = target - halfwidth, target + halfwidth
    x = np.empty(n_levels)
    k0 = nu - 1
    if model == "empiric":
        x[k0] = target
        for k in range(k0, 0, -1):
            b = np.log(np.log(hi) / np.log(x[k]))
            x[k - 1] = np.exp(np.log(lo) / np.exp(b))
        for k in range(k0, n_levels - 1):
            b = np.log(np.log(lo) / np.log(x[k]))
            x[k + 1] = np.exp(np.log(hi) / np.exp(b))
        return x
    if model == "logistic":
        x[k0] = np.log(target / (1 - target)) - intercept
        for k in range(k0, 0, -1):
            b = np.log((np.log(hi / (1 - hi)) - intercept) / x[k])
            x[k - 1] = (np.log(lo / (1 - lo)) - intercept) / np.exp(b)
        for k in range(k0, n_levels - 1):
            b = np.log((np.log(lo / (1 - lo)) - intercept) / x[k])
            x[k + 1] = (np.log(hi / (1 - hi)) - intercept) / np.exp(b)
        return 1.0 / (1.0 + np.exp(-intercept - x))
    raise DesignError(describe_problem("model", model, "'empiric' or 'logistic'"))

"""Constructive calibration of the reconstructed isatuximab PK to Table 3 of the paper.

Table 3 prints, per dose level and visit, n, the median (range) of tmax and mean ± SD
(geometric mean) [CV%] of Cmax, AUC1week, AUC2weeks and the accumulation ratios. The
reconstruction meets these numbers the way it meets Tables 1-2: by construction, in three steps.

1. **tmax** (:func:`tmax_plan`): a published median/min/max of n times fixes the times of the
   highest sample. Each time is a whole minute after the start of the infusion (SDTM dates are
   to the minute) and is given a sample it can be: mid-infusion (times under half the nominal
   infusion: the infusion lasts twice as long), end of infusion (the infusion lasts that long),
   3 h after the end (more than 2 h past the nominal duration) or the 24 h / 48 h sample.
2. **Per-patient NCA values** (:func:`solve_log_values`): unknown log Cmax and log AUCs of each
   patient, started at the values the population-PK model predicts for that patient, are moved
   as little as their plausible spread allows (contrasts with SDs: overall exposure,
   Cmax relative to AUC, cycle 3 relative to cycle 1, second week relative to the first) while
   every published statistic prints as published (least squares: a statistic costs 30 per
   half its printed precision away from the target, a profile limit 100 per 0.01 beyond it;
   the printed precision is checked after). The residuals and Jacobian are vectorised
   (:class:`_Objective`) and the steps are MINPACK's Levenberg-Marquardt (dense, ~90
   unknowns at most: fast, and free of BLAS threading on a loaded machine).
3. **Samples** (:meth:`Profile.realize`): the patient's model concentrations are scaled
   (individual parameters, see :mod:`earlyphase.twin.pk_reconstruction`), the highest sample
   is set to the target Cmax and the other samples get one factor per week (the residual
   error) so that the lin-up/log-down AUCs from the dose to 168 h and 336 h equal the
   targets. Step 2 only asks for what step 3 can realize (:class:`Limit`).

The ordinary NCA of the resulting PC domain then gives the published statistics; the tests
recompute them through SDTM -> ADPC -> ADPP -> Table 3.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from scipy.optimize import brentq, least_squares

from earlyphase.errors import DataError, describe_problem
from earlyphase.stats.rounding import round_half_away

__all__ = [
    "CAP",
    "Quantity",
    "Contrast",
    "Limit",
    "LinearLimit",
    "TmaxSlot",
    "half_precision",
    "lin_log_auc",
    "Profile",
    "solve_log_values",
    "summary_stats",
    "tmax_plan",
]

_STATS = ("mean", "sd", "gmean", "cv")
#: Highest value of a sample other than the maximum, relative to Cmax (tmax stays unique).
CAP = 0.99


def half_precision(value: float, stat: str) -> float:
    """Half the last printed digit: CV% as an integer, others to 3 significant digits."""
    if stat == "cv":
        return 0.5
    return 0.5 * 10.0 ** (math.floor(math.log10(abs(value))) - 2)


def summary_stats(x: np.ndarray) -> dict[str, float]:
    """Mean, SD (n - 1), geometric mean and CV% (SD / mean) of Table 3."""
    mean = float(np.mean(x))
    sd = float(np.std(x, ddof=1))
    return {
        "mean": mean,
        "sd": sd,
        "gmean": float(np.exp(np.mean(np.log(x)))),
        "cv": 100 * sd / mean,
    }


@dataclass(frozen=True)
class Quantity:
    """A published parameter of one group: log values = ``matrix @ u``; targets by statistic."""

    name: str
    matrix: np.ndarray
    targets: Mapping[str, float]


@dataclass(frozen=True)
class Contrast:
    """A plausibility term: ``(row @ (u - u0)) / sd`` is penalised like a standard normal."""

    row: np.ndarray
    sd: float


@dataclass(frozen=True)
class Limit:
    """What one profile can realize, in terms of the unknowns ``u`` (log values).

    With every sample other than the maximum at most CAP x Cmax, a one-week profile reaches
    AUC(0-168) <= Cmax x ``k0``; a two-week profile puts the 168 h sample at
    x = (AUC(0-336) - AUC(0-168)) / ``kappa`` (<= CAP x Cmax) and reaches AUC(0-168) <=
    Cmax x ``k0`` + ``delta`` x sqrt(CAP x Cmax x x) (the geometric mean bounds the log-down
    segment before 168 h from below); the 336 h sample is ``rise`` x the 168 h one at most.
    Each limit is kept ``margin`` (log) inside.
    """

    cmax: int
    auc1: int
    auc2: int | None
    k0: float
    delta: float = 0.0
    kappa: float = 1.0
    rise: float = 1.0
    margin: float = 0.02

    def values(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limit values (<= 0 when met) and their gradients (rows) with respect to ``u``."""
        n = len(u)
        uc, ua1 = u[self.cmax], u[self.auc1]
        if self.auc2 is None:
            grad = np.zeros((1, n))
            grad[0, self.auc1], grad[0, self.cmax] = 1.0, -1.0
            return np.array([ua1 - uc - math.log(self.k0) + self.margin]), grad
        c, a1, a2 = math.exp(uc), math.exp(ua1), math.exp(u[self.auc2])
        week2 = max(a2 - a1, 1e-9 * a2)
        x = week2 / self.kappa
        dlogx = {self.auc2: a2 / week2, self.auc1: -a1 / week2}
        grad = np.zeros((3, n))
        # second week positive
        grad[0, self.auc1], grad[0, self.auc2] = 1.0, -1.0
        g0 = ua1 - u[self.auc2] + self.margin
        # 168 h and 336 h samples (336 h = ``rise`` x 168 h at most) below the cap
        g1 = math.log(x * self.rise / (CAP * c)) + self.margin
        for j, d in dlogx.items():
            grad[1, j] += d
        grad[1, self.cmax] -= 1.0
        # first-week AUC reachable
        root = self.delta * math.sqrt(CAP * c * x)
        reach = c * self.k0 + root
        g2 = ua1 - math.log(reach) + self.margin
        grad[2, self.auc1] += 1.0
        for j, d in dlogx.items():
            grad[2, j] -= root / 2 * d / reach
        grad[2, self.cmax] -= (c * self.k0 + root / 2) / reach
        return np.array([g0, g1, g2]), grad


@dataclass(frozen=True)
class LinearLimit:
    """``row @ u <= upper`` (e.g. a patient's parameter shift that keeps every random effect
    within +-3 SD), kept ``margin`` inside (a penalty leaves a small overshoot; the check
    allows half the margin)."""

    row: np.ndarray
    upper: float
    margin: float = 1e-3

    def values(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limit value (<= 0 when met) and its gradient."""
        return np.array([float(self.row @ u) - self.upper + self.margin]), self.row[None, :]


class _Objective:
    """Residuals and Jacobian of :func:`solve_log_values`, vectorised: the quantities' rows
    stacked into one matrix (statistics by segment sums), the profile limits as arrays."""

    def __init__(self, u0, quantities, contrasts, limits, pull, weight):
        n = len(u0)
        self.u0 = u0
        self.matrix = np.vstack([q.matrix for q in quantities]).reshape(-1, n)
        sizes = np.array([len(q.matrix) for q in quantities], int)
        self.segment = np.repeat(np.arange(len(quantities)), sizes)
        self.size = sizes.astype(float)
        pairs = [(i, s, t) for i, q in enumerate(quantities) for s, t in q.targets.items()]
        self.t_quantity = np.array([i for i, _, _ in pairs], int)
        self.t_stat = np.array([_STATS.index(s) for _, s, _ in pairs], int)
        self.t_value = np.array([t for _, _, t in pairs], float)
        self.t_scale = pull / np.array([half_precision(t, s) for _, s, t in pairs], float)
        self.c_rows = np.array([c.row / c.sd for c in contrasts]).reshape(-1, n)
        self.hinge = weight / 0.01
        one = [lim for lim in limits if isinstance(lim, Limit) and lim.auc2 is None]
        two = [lim for lim in limits if isinstance(lim, Limit) and lim.auc2 is not None]
        lin = [lim for lim in limits if isinstance(lim, LinearLimit)]
        self.one = _columns(one, ("cmax", "auc1", "k0", "margin"))
        self.two = _columns(two, ("cmax", "auc1", "auc2", "k0", "delta", "kappa", "rise", "margin"))
        self.lin_rows = np.array([lim.row for lim in lin]).reshape(-1, n)
        self.lin_upper = np.array([lim.upper - lim.margin for lim in lin], float)

    def _statistics(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Targeted statistics and their gradients (rows) at ``u``."""
        z = self.matrix @ u
        x = np.exp(z)
        seg, size = self.segment, self.size
        k = len(size)
        mean = np.bincount(seg, x, k) / size
        dev = x - mean[seg]
        sd = np.sqrt(np.bincount(seg, dev * dev, k) / (size - 1))
        gmean = np.exp(np.bincount(seg, z, k) / size)
        weights = np.zeros((3, k, len(x)))
        cols = np.arange(len(x))
        weights[0, seg, cols] = x / size[seg]
        weights[1, seg, cols] = dev * x / ((size[seg] - 1) * sd[seg])
        weights[2, seg, cols] = gmean[seg] / size[seg]
        d_mean, d_sd, d_gmean = weights @ self.matrix
        cv = 100 * sd / mean
        d_cv = 100 * (d_sd * mean[:, None] - sd[:, None] * d_mean) / (mean * mean)[:, None]
        values = np.stack([mean, sd, gmean, cv])
        grads = np.stack([d_mean, d_sd, d_gmean, d_cv])
        q, st = self.t_quantity, self.t_stat
        return values[st, q], grads[st, q]

    def _limits(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Limit values (<= 0 when met) and gradients, as :meth:`Limit.values` computes them."""
        n = len(u)
        o, t = self.one, self.two
        v_one = u[o["auc1"]] - u[o["cmax"]] - np.log(o["k0"]) + o["margin"]
        g_one = np.zeros((len(v_one), n))
        rows = np.arange(len(v_one))
        g_one[rows, o["auc1"]], g_one[rows, o["cmax"]] = 1.0, -1.0
        ic, i1, i2 = t["cmax"], t["auc1"], t["auc2"]
        uc, ua1, ua2 = u[ic], u[i1], u[i2]
        c, a1, a2 = np.exp(uc), np.exp(ua1), np.exp(ua2)
        week2 = np.maximum(a2 - a1, 1e-9 * a2)
        x = week2 / t["kappa"]
        d2, d1 = a2 / week2, -a1 / week2
        root = t["delta"] * np.sqrt(CAP * c * x)
        reach = c * t["k0"] + root
        m = len(ic)
        g = np.zeros((3, m, n))
        rows = np.arange(m)
        g[0, rows, i1], g[0, rows, i2] = 1.0, -1.0
        g[1, rows, i2], g[1, rows, i1], g[1, rows, ic] = d2, d1, -1.0
        g[2, rows, i1] = 1.0 - root / 2 * d1 / reach
        g[2, rows, i2] = -root / 2 * d2 / reach
        g[2, rows, ic] = -(c * t["k0"] + root / 2) / reach
        v_two = np.stack(
            [
                ua1 - ua2 + t["margin"],
                np.log(x * t["rise"] / (CAP * c)) + t["margin"],
                ua1 - np.log(reach) + t["margin"],
            ]
        )
        v_lin = self.lin_rows @ u - self.lin_upper
        values = np.concatenate([v_one, v_two.ravel(), v_lin])
        grads = np.vstack([g_one, g.reshape(-1, n), self.lin_rows])
        return values, grads

    def __call__(self, u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        """Residuals (statistics, limits, contrasts) and their Jacobian."""
        value, grad = self._statistics(u)
        lim, lim_grad = self._limits(u)
        over = lim > 0
        res = np.concatenate(
            [
                self.t_scale * (value - self.t_value),
                self.hinge * np.where(over, lim, 0.0),
                self.c_rows @ (u - self.u0),
            ]
        )
        jac = np.vstack(
            [self.t_scale[:, None] * grad, self.hinge * over[:, None] * lim_grad, self.c_rows]
        )
        return res, jac


def _columns(limits, names) -> dict[str, np.ndarray]:
    """The limits' attributes as arrays (indices as integers)."""
    out = {}
    for name in names:
        values = [getattr(lim, name) for lim in limits]
        out[name] = np.array(values, int if name in ("cmax", "auc1", "auc2") else float)
    return out


def _start(u0: np.ndarray, quantities: Sequence[Quantity]) -> np.ndarray:
    """Starting point: each quantity's not yet moved variables (its +1 coefficients) shifted
    together so that its geometric mean is the target's."""
    u = u0.copy()
    moved = np.zeros(len(u0), bool)
    for q in quantities:
        if "gmean" not in q.targets:
            continue
        own = np.flatnonzero((q.matrix > 0).any(axis=0) & ~moved)
        if not len(own):
            continue
        shift = math.log(q.targets["gmean"]) - float(np.mean(q.matrix @ u))
        share = q.matrix[:, own].sum(axis=1).mean()
        u[own] += shift / share
        moved[own] = True
    return u


def solve_log_values(
    u0: np.ndarray,
    quantities: Sequence[Quantity],
    contrasts: Sequence[Contrast],
    limits: Sequence[Limit | LinearLimit] = (),
    pull: float = 30.0,
    weight: float = 100.0,
) -> np.ndarray:
    """Log values closest to ``u0`` (in the contrasts' metric) whose statistics print as the
    targets and whose profiles can be realized; raises :class:`DataError` naming what cannot be
    met.

    A statistic costs ``pull`` per half its printed precision away from the target (a smooth
    pull to the printed value; where printed values are not exactly compatible, e.g. a CV%
    and the mean and SD it is computed from, the misfit is shared); a limit costs ``weight``
    per 0.01 beyond 0. Least squares (scipy ``least_squares``, Levenberg-Marquardt, MINPACK;
    Moré 1978) with the analytic Jacobian (:class:`_Objective`); the printed precision is
    checked afterwards, with up to 5 deterministic restarts from jittered starting points."""
    fun_jac = _Objective(u0, quantities, contrasts, limits, pull, weight)

    cache: dict[bytes, tuple[np.ndarray, np.ndarray]] = {}

    def cached(u: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        key = u.tobytes()
        if key not in cache:
            cache.clear()
            cache[key] = fun_jac(u)
        return cache[key]

    problem = ""
    for attempt in range(6):  # deterministic restarts from jittered starting points
        jitter = np.random.default_rng(attempt).normal(0.0, 0.1 * attempt, len(u0))
        fit = least_squares(
            lambda u: cached(u)[0],
            _start(u0, quantities) + jitter,
            jac=lambda u: cached(u)[1],
            method="lm",
            xtol=1e-10,
            ftol=1e-10,
            gtol=1e-10,
            max_nfev=150,
        )
        problem = _unmet(fit.x, quantities, limits)
        if not problem:
            return fit.x
    raise DataError(problem)


def _unmet(
    u: np.ndarray, quantities: Sequence[Quantity], limits: Sequence[Limit | LinearLimit]
) -> str:
    """What ``u`` does not meet (empty when every statistic prints as published and every
    profile is realizable within half its margin)."""
    for lim in limits:
        worst = float(np.max(lim.values(u)[0]))
        if worst > max(lim.margin / 2, 1e-6):
            return describe_problem("limits", worst, "<= 0 (a realizable profile)")
    for q in quantities:
        stats = summary_stats(np.exp(q.matrix @ u))
        for stat, target in q.targets.items():
            if abs(stats[stat] - target) > 0.99 * half_precision(target, stat):
                return describe_problem(
                    f"{q.name}.{stat}", round(stats[stat], 6), f"{target:g} at its precision"
                )
    return ""


# ----------------------------------------------------------------------------- tmax
@dataclass(frozen=True)
class TmaxSlot:
    """Where one patient's highest sample is: ``minutes`` after the infusion start, which
    sample (``"mid"``, ``"end"``, ``"end+3"``, ``"24"``, ``"48"``) and the infusion duration
    (minutes) that puts that sample there."""

    minutes: int
    sample: str
    infusion_minutes: int


def _middle_pair(median_h: float, n: int) -> tuple[int, ...]:
    """Whole minutes whose median prints as ``median_h`` (2 decimals), closest together."""
    centre = round(median_h * 60)
    if n % 2:
        return (centre,)
    pairs = [
        (lo, lo + gap)
        for gap in range(0, 4)
        for lo in range(centre - 3, centre + 3)
        if round_half_away((2 * lo + gap) / 120, 2) == round_half_away(median_h, 2)
    ]
    return pairs[0] if pairs else (centre, centre)


def _slot(minutes: int, nominal: float) -> TmaxSlot:
    if minutes >= 36 * 60:
        return TmaxSlot(minutes, "48", round(nominal))
    if minutes >= 20 * 60:
        return TmaxSlot(minutes, "24", round(nominal))
    if minutes < 0.5 * nominal:
        return TmaxSlot(minutes, "mid", 2 * minutes)
    if minutes > nominal + 120:
        return TmaxSlot(minutes, "end+3", minutes - 180)
    return TmaxSlot(minutes, "end", minutes)


def tmax_plan(
    n: int, median_h: float, min_h: float, max_h: float, nominal_minutes: float
) -> list[TmaxSlot]:
    """n tmax slots, in increasing time, with the published median (range).

    Times between the minimum and the median are spread evenly over the 45 minutes below the
    median, and likewise above (capped by the extremes).
    """
    if n < 1:
        raise DataError(describe_problem("n", n, "at least one patient"))
    lo_m, hi_m = round(min_h * 60), round(max_h * 60)
    if n == 1:
        return [_slot(round(median_h * 60), nominal_minutes)]
    if n == 2:
        return [_slot(lo_m, nominal_minutes), _slot(hi_m, nominal_minutes)]
    middle = _middle_pair(median_h, n)
    k_below = (n - len(middle)) // 2 - 1
    k_above = n - len(middle) - 2 - k_below
    below = np.linspace(max(lo_m + 1, middle[0] - 45), middle[0], k_below + 1)[:-1]
    above = np.linspace(middle[-1], min(hi_m - 1, middle[-1] + 45), k_above + 1)[1:]
    minutes = [lo_m, *np.round(below).astype(int), *middle, *np.round(above).astype(int), hi_m]
    return [_slot(int(m), nominal_minutes) for m in minutes]


# ----------------------------------------------------------------------------- profiles
def lin_log_auc(t: np.ndarray, c: np.ndarray, end: float) -> float:
    """Linear-up/log-down AUC of the samples in [0, end] (samples at 0 and ``end`` exist)."""
    keep = (t >= 0) & (t <= end + 1e-9)
    t, c = t[keep], c[keep]
    dt = np.diff(t)
    c1, c2 = c[:-1], c[1:]
    down = (c2 < c1) & (c2 > 0)
    with np.errstate(divide="ignore", invalid="ignore"):
        log = dt * (c1 - c2) / np.log(c1 / c2)
    return float(np.sum(np.where(down, log, dt * (c1 + c2) / 2)))


def _segment(t1: float, t2: float, c1: float, c2: float) -> float:
    """Linear-up/log-down area of one segment."""
    if c2 < c1 and c2 > 0:
        return (t2 - t1) * (c1 - c2) / math.log(c1 / c2)
    return (t2 - t1) * (c1 + c2) / 2


@dataclass(frozen=True)
class Profile:
    """One concentration-time profile to realize.

    Attributes
    ----------
    t : array
        Sample times after the dose (h); the pre-dose sample at 0, samples at 168 h and, for a
        two-week window, at 336 h.
    c : array
        Starting concentrations (model x residual x the patient's factor).
    peak : int
        Index of the sample that must be the maximum (tmax).
    fixed : tuple of int
        Samples never changed (a pre-dose sample before any drug: 0).
    two_weeks : bool
        Whether AUC(0-336) is a target too.
    decline : float
        Ratio of the 336 h to the 168 h sample (the model's, without residual error).
    """

    t: np.ndarray
    c: np.ndarray
    peak: int
    fixed: tuple[int, ...] = ()
    two_weeks: bool = False
    decline: float = 0.7

    def _index(self, hours: float) -> int:
        hit = np.flatnonzero(np.isclose(self.t, hours))
        if not len(hit):
            raise DataError(describe_problem("profile times", hours, "a sample at this time"))
        return int(hit[0])

    def _week2_unit(self) -> float:
        """AUC(168-336) per unit of the 168 h sample, keeping the 336/168 h ratio."""
        return _segment(168.0, 336.0, 1.0, self.decline)

    def _week1_free(self) -> np.ndarray:
        free = (self.t > 0) & (self.t <= 168.0 + 1e-9)
        free[[self.peak, *self.fixed]] = False
        if self.two_weeks:
            free[self._index(168.0)] = False
        return free

    def limit(self, cmax: int, auc1: int, auc2: int | None) -> Limit:
        """The :class:`Limit` of this profile for the unknowns at these positions of ``u``."""
        c = np.full(len(self.t), CAP)
        c[list(self.fixed)] = 0.0
        c[self.peak] = 1.0
        if not self.two_weeks:
            return Limit(cmax, auc1, None, lin_log_auc(self.t, c, 168.0))
        t_prev = float(np.max(self.t[self.t < 168.0 - 1e-9]))
        k0 = lin_log_auc(self.t, c, t_prev)
        rise = max(1.0, self.decline)
        return Limit(cmax, auc1, auc2, k0, 168.0 - t_prev, self._week2_unit(), rise)

    def realize(self, cmax: float, auc1: float, auc2: float | None = None) -> np.ndarray:
        """Concentrations with maximum ``cmax`` at ``peak`` and the AUCs (lin-up/log-down)
        from 0 to 168 h (and 336 h) equal to ``auc1`` (``auc2``): the 168 h and 336 h samples
        are scaled together for the second week, then the other first-week samples by one
        factor (root finding), all kept below CAP x Cmax. The 336 h sample is ``decline`` x
        the 168 h one (the model's decline; the residual error of the 336 h sample is then the
        168 h sample's)."""
        out = np.asarray(self.c, float).copy()
        out[self.peak] = cmax
        if self.two_weeks:
            if auc2 is None:
                raise DataError(describe_problem("auc2", auc2, "an AUC to 336 h"))
            i1, i2 = self._index(168.0), self._index(336.0)
            x = (auc2 - auc1) / self._week2_unit()
            out[i1], out[i2] = x, x * self.decline
        free = self._week1_free()
        others = np.arange(len(out)) != self.peak
        out[others] = np.minimum(out[others], CAP * cmax)  # e.g. a cycle 3 pre-dose sample
        base = out.copy()

        def gap(log_s: float) -> float:
            trial = base.copy()
            trial[free] = np.minimum(base[free] * math.exp(log_s), CAP * cmax)
            return lin_log_auc(self.t, trial, 168.0) - auc1

        if gap(-8.0) > 0 or gap(4.0) < 0:
            raise DataError(
                describe_problem("AUC to 168 h", auc1, "an AUC these samples can reach")
            )
        log_s = brentq(gap, -8.0, 4.0, xtol=1e-13)
        out[free] = np.minimum(base[free] * math.exp(log_s), CAP * cmax)
        return out

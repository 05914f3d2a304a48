"""The 3+3 design, its three common variants, and exact operating characteristics.

Rules (Storer 1989; Korn et al. 1994; Le Tourneau, Lee & Siu 2009): cohorts of 3 start at
dose 1; 0/3 DLTs -> escalate; 1/3 -> treat 3 more at the same dose; 1/6 -> escalate;
>= 2 DLTs (of 3 or of 6) -> the dose exceeds the MTD.  What happens next is the variant:

``"escalate-only"``
    Stop; MTD = the dose below (no MTD when it is dose 1).  R ``bcrm::threep3(esc.only=TRUE)``,
    ``escalation::get_three_plus_three(allow_deescalate=FALSE)``.
``"de-escalate"``
    Korn et al. (1994): return to the dose below; if it had only 3 patients treat 3 more
    (<= 1 DLT in the new 3 -> it is the MTD, otherwise de-escalate again); a dose with 6 patients
    and <= 1 DLT is the MTD.  The top dose passed with 0/3 is the MTD.  ``bcrm::threep3``
    default.
``"de-escalate-confirm-top"``
    As ``"de-escalate"``, and the top dose also needs 6 patients with <= 1 DLT before it is
    declared the MTD (crmPack ``ThreePlusThreeDesign``).

:meth:`ThreePlusThree.exact_oc` computes operating characteristics exactly, with generating
functions (polynomials in the number of cohorts) over the closed-form path structure, so the
distribution of the total sample size comes out too.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from math import comb
from typing import Any, Literal

import numpy as np
import pandas as pd

from earlyphase.designs.base import Decision, check_int, check_true_dlt
from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.designs.outcomes import parse_outcomes
from earlyphase.designs.simulate import TrialBatch, run_simulation
from earlyphase.errors import DesignError, describe_problem
from earlyphase.limits import MAX_DOSES, MAX_PATIENTS

__all__ = ["ThreePlusThree", "VARIANTS"]

Variant = Literal["escalate-only", "de-escalate", "de-escalate-confirm-top"]
VARIANTS: tuple[str, ...] = ("escalate-only", "de-escalate", "de-escalate-confirm-top")

# step outcomes: (next dose 0-based or -1 when stopping, mtd 1-based or 0 for none / -1 when continuing)
_Step = tuple[int, int, str]


@dataclass(frozen=True)
class ThreePlusThree:
    """The 3+3 design.

    Parameters
    ----------
    n_doses : int
    variant : {"escalate-only", "de-escalate", "de-escalate-confirm-top"}
    expansion : int
        Patients added at the selected MTD after escalation (0 = none); only the expected
        numbers of patients and DLTs in the expansion are reported.
    """

    n_doses: int
    variant: Variant = "escalate-only"
    expansion: int = 0

    def __post_init__(self) -> None:
        check_int("n_doses", self.n_doses, 1, "a positive integer", high=MAX_DOSES)
        if self.variant not in VARIANTS:
            raise DesignError(
                describe_problem("variant", self.variant, "one of " + ", ".join(VARIANTS))
            )
        check_int("expansion", self.expansion, 0, "a number of patients >= 0", high=MAX_PATIENTS)

    @property
    def name(self) -> str:
        """Design name used in results, e.g. ``"3+3 (escalate-only)"``."""
        return f"3+3 ({self.variant})"

    @property
    def max_n(self) -> int:
        """Largest possible sample size: 6 patients per dose."""
        return 6 * self.n_doses

    # ------------------------------------------------------------------ rules
    def _step(self, n: Sequence[int], y: Sequence[int], d: int) -> _Step:
        """Apply the rules after a cohort at 0-based dose ``d``."""
        k = self.n_doses
        nd, yd = n[d], y[d]
        top = d == k - 1
        if yd >= 2:
            why = f"dose {d + 1}: {yd} DLTs in {nd} patients (>= 2): dose {d + 1} exceeds the MTD"
            if d == 0:
                return -1, 0, why + "; it is the lowest dose: stop, no MTD"
            if self.variant == "escalate-only":
                return -1, d, why + f"; stop, MTD = dose {d} (the dose below)"
            if n[d - 1] == 3:
                return (
                    d - 1,
                    -1,
                    why + f"; dose {d} had only 3 patients: de-escalate and treat 3 more",
                )
            return -1, d, why + f"; dose {d} had 6 patients with <= 1 DLT: stop, MTD = dose {d}"
        if nd == 3 and yd == 1:
            return d, -1, f"dose {d + 1}: 1 DLT in 3 patients: treat 3 more at dose {d + 1}"
        if nd == 3:  # 0/3
            if not top:
                return d + 1, -1, f"dose {d + 1}: 0 DLTs in 3 patients: escalate to dose {d + 2}"
            if self.variant == "de-escalate-confirm-top":
                return (
                    d,
                    -1,
                    (
                        f"dose {d + 1}: 0 DLTs in 3 patients at the highest dose: treat 3 more "
                        "(the top dose needs 6 patients before it can be the MTD)"
                    ),
                )
            return (
                -1,
                d + 1,
                f"dose {d + 1}: 0 DLTs in 3 patients at the highest dose: stop, MTD = dose {d + 1}",
            )
        # six patients, <= 1 DLT
        if not top and n[d + 1] == 0:
            return (
                d + 1,
                -1,
                f"dose {d + 1}: {yd} DLT in 6 patients (<= 1): escalate to dose {d + 2}",
            )
        why = f"dose {d + 1}: {yd} DLT{'s' if yd != 1 else ''} in 6 patients (<= 1)"
        if top:
            return -1, d + 1, why + f" at the highest dose: stop, MTD = dose {d + 1}"
        return -1, d + 1, why + f" and dose {d + 2} exceeds the MTD: stop, MTD = dose {d + 1}"

    def decide(self, outcomes: Any) -> Decision:
        """Next dose (or stop and MTD) after ``outcomes``; cohorts must follow the 3+3 rules.

        Raises
        ------
        DesignError
            For a cohort that is not of 3 patients, more than 6 patients at a dose, a cohort at
            a dose other than the one the rules give (e.g. a skipped dose), or a cohort after
            the trial stopped.
        """
        k = self.n_doses
        out = parse_outcomes(outcomes, n_doses=k)
        n = [0] * k
        y = [0] * k
        expected, mtd, reason = 0, -1, "no patients treated yet: start at dose 1"
        for i, cohort in enumerate(out.cohorts):
            where = f"outcomes cohort {i + 1} ({cohort.token!r})"
            if cohort.n != 3:
                raise DesignError(
                    describe_problem(where, f"{cohort.n} patients", "a cohort of 3 patients")
                )
            d = cohort.dose - 1
            if expected < 0:
                raise DesignError(
                    describe_problem(
                        where, cohort.token, f"no further cohort: the trial stopped ({reason})"
                    )
                )
            if n[d] + 3 > 6:
                raise DesignError(
                    describe_problem(
                        where,
                        f"{n[d] + 3} patients at dose {d + 1}",
                        "at most 6 patients at a 3+3 dose",
                    )
                )
            if d != expected:
                raise DesignError(
                    describe_problem(
                        where,
                        f"dose {d + 1}",
                        f"dose {expected + 1}, the dose the 3+3 rules give next",
                    )
                )
            n[d] += 3
            y[d] += cohort.n_dlt
            expected, mtd, reason = self._step(n, y, d)
        current = out.cohorts[-1].dose if out.cohorts else None
        if expected < 0:
            return Decision(None, True, mtd or None, (reason,), tuple(n), tuple(y), current)
        return Decision(expected + 1, False, None, (reason,), tuple(n), tuple(y), current)

    def decision_table(self) -> pd.DataFrame:
        """The 3+3 rules as a table: one row per number of patients at the current dose."""
        below = (
            "stop; MTD = dose below"
            if self.variant == "escalate-only"
            else "de-escalate (expand the dose below to 6) or stop with the dose below as MTD"
        )
        return pd.DataFrame(
            {
                "n": [3, 6],
                "escalate_if_dlt_le": [0, 1],
                "stay_if_dlt_eq": pd.Series([1, pd.NA], dtype="Int64"),
                "deescalate_if_dlt_ge": [2, 2],
                "action_if_dlt_ge_2": [below, below],
            }
        )

    # ------------------------------------------------------------------ exact OCs
    def exact_oc(self, true_dlt: Sequence[float]) -> OperatingCharacteristics:
        """Exact operating characteristics (no Monte Carlo).

        Path probabilities follow Lin & Shih (2001) for the escalate-only and de-escalate
        variants; the sample-size distribution comes from generating functions in the number
        of cohorts.  ``n_total_distribution`` is P(escalation N = n); with ``expansion = m``
        the expected total N adds ``m * P(an MTD is selected)`` and the expansion DLTs are
        ``m * sum_j P(MTD = j) p_j``.
        """
        p = check_true_dlt(true_dlt, self.n_doses)
        joint = self._joint_mtd_cohorts(p)  # (K+1, 2K+1): P(MTD = j, cohorts = c)
        p_select = joint.sum(axis=1)
        mean_n, mean_dlt = self._expected_per_dose(p)
        dist = joint.sum(axis=0)
        sizes = 3 * np.arange(dist.size)
        keep = dist > 0
        return self._result(
            p,
            p_select,
            mean_n,
            mean_dlt,
            None,
            pd.Series(dist[keep], index=pd.Index(sizes[keep], name="n_total"), name="probability"),
        )

    def _result(
        self,
        p: np.ndarray,
        p_select: np.ndarray,
        mean_n: np.ndarray,
        mean_dlt: np.ndarray,
        sim: OperatingCharacteristics | None,
        dist: pd.Series | None,
    ) -> OperatingCharacteristics:
        m = self.expansion
        exp_n = m * (1.0 - p_select[0])
        exp_dlt = m * float(p_select[1:] @ p)
        dlt_dist = None
        if m:
            dlt_dist = np.array(
                [
                    sum(
                        p_select[j + 1] * comb(m, x) * p[j] ** x * (1 - p[j]) ** (m - x)
                        for j in range(p.size)
                    )
                    for x in range(m + 1)
                ]
            )
        return OperatingCharacteristics(
            design=self.name,
            true_dlt=p.copy(),
            p_select=p_select,
            mean_n=mean_n,
            mean_dlt=mean_dlt,
            expected_n_total=float(mean_n.sum()) + exp_n,
            expected_dlt_total=float(mean_dlt.sum()) + exp_dlt,
            p_stop_early=float(p_select[0]),
            n_trials=None if sim is None else sim.n_trials,
            se_p_select=None if sim is None else sim.se_p_select,
            se_mean_n=None if sim is None else sim.se_mean_n,
            n_total_distribution=dist,
            expansion_n=m,
            expansion_expected_n=exp_n,
            expansion_expected_dlt=exp_dlt,
            extra={} if dlt_dist is None else {"expansion_dlt_distribution": dlt_dist},
        )

    def _joint_mtd_cohorts(self, p: np.ndarray) -> np.ndarray:
        k = self.n_doses
        size = 2 * k + 1
        q = 1.0 - p
        a, b = q**3, 3 * p * q**2
        r = a + b

        def poly(*coef: float) -> np.ndarray:  # coefficients of z^0, z^1, z^2
            out = np.zeros(size)
            out[: len(coef)] = coef
            return out

        def mul(x: np.ndarray, yy: np.ndarray) -> np.ndarray:
            return np.convolve(x, yy)[:size]

        pass0 = [poly(0, a[j]) for j in range(k)]
        pass1 = [poly(0, 0, b[j] * q[j] ** 3) for j in range(k)]
        fail = [poly(0, 1 - a[j] - b[j], b[j] * (1 - q[j] ** 3)) for j in range(k)]
        accept = [mul(pass0[j], poly(0, r[j])) + pass1[j] for j in range(k)]
        back_fail = [mul(pass0[j], poly(0, 1 - r[j])) for j in range(k)]
        confirm_top = self.variant == "de-escalate-confirm-top"
        if confirm_top:
            fail[k - 1] = fail[k - 1] + back_fail[k - 1]
        reach = [poly(1.0)]
        for j in range(k):
            reach.append(mul(reach[-1], pass0[j] + pass1[j]))
        joint = np.zeros((k + 1, size))
        if self.variant == "escalate-only":
            for i in range(k):
                joint[i] += mul(reach[i], fail[i])
            joint[k] += reach[k]
            return joint
        for i in range(k):  # first dose found too toxic
            chain = fail[i].copy()  # doses j+1..i-1 passed with 0/3 and failed on return
            for j in range(i - 1, -1, -1):
                joint[j + 1] += mul(mul(reach[j], accept[j]), chain)
                chain = mul(chain, back_fail[j])
            joint[0] += chain
        joint[k] += mul(reach[k - 1], accept[k - 1]) if confirm_top else reach[k]
        return joint

    def _expected_per_dose(self, p: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
        k = self.n_doses
        q = 1.0 - p
        a, b = q**3, 3 * p * q**2
        r = a + b
        e = a + b * q**3
        s = 1.0 - e
        reach = np.concatenate([[1.0], np.cumprod(e)])
        mean_n = reach[:k] * (3 + 3 * b)
        mean_dlt = reach[:k] * 3 * p * (1 + b)
        if self.variant == "escalate-only":
            return mean_n, mean_dlt
        alpha = a * (1 - r)
        beta = b * q**3 + a * r
        if self.variant == "de-escalate-confirm-top":
            s = s.copy()
            s[k - 1] = 1 - beta[k - 1]
        ret = np.zeros(k)
        for i in range(k):
            for j in range(i):
                ret[j] += reach[j] * a[j] * np.prod(alpha[j + 1 : i]) * s[i]
        mean_n = mean_n + 3 * ret
        mean_dlt = mean_dlt + 3 * p * ret
        if self.variant == "de-escalate-confirm-top":
            mean_n[k - 1] = reach[k - 1] * (3 + 3 * r[k - 1])
            mean_dlt[k - 1] = reach[k - 1] * 3 * p[k - 1] * (1 + r[k - 1])
        return mean_n, mean_dlt

    def enumerate_paths(self, true_dlt: Sequence[float]) -> pd.DataFrame:
        """Every complete trial path under the rules, with its probability (depth-first).

        Columns: ``path`` (outcome string with DLT counts, e.g. ``"1:0 2:1 2:0"``),
        ``probability``, ``n_total``, ``mtd`` (0 = none).
        """
        p = check_true_dlt(true_dlt, self.n_doses)
        k = self.n_doses
        rows: list[tuple[str, float, int, int]] = []
        binom = [[comb(3, x) * pj**x * (1 - pj) ** (3 - x) for x in range(4)] for pj in p]

        def walk(n: list[int], y: list[int], d: int, prob: float, path: str) -> None:
            for x in range(4):
                n[d] += 3
                y[d] += x
                nxt, mtd, _ = self._step(n, y, d)
                label = f"{path} {d + 1}:{x}".strip()
                if nxt < 0:
                    rows.append((label, prob * binom[d][x], sum(n), mtd))
                else:
                    walk(n, y, nxt, prob * binom[d][x], label)
                n[d] -= 3
                y[d] -= x

        walk([0] * k, [0] * k, 0, 1.0, "")
        return pd.DataFrame(rows, columns=["path", "probability", "n_total", "mtd"])

    # ------------------------------------------------------------------ simulation
    def _simulate_batch(self, p: np.ndarray, u: np.ndarray) -> TrialBatch:
        t = u.shape[0]
        k = self.n_doses
        rows = np.arange(t)
        n = np.zeros((t, k + 1), dtype=np.int64)  # extra column: "dose K+1" never tried
        y = np.zeros((t, k + 1), dtype=np.int64)
        d = np.zeros(t, dtype=np.int64)
        active = np.ones(t, dtype=bool)
        mtd = np.zeros(t, dtype=np.int64)
        variant = self.variant
        path = np.full((t, 2 * k), -1, dtype=np.int64)
        for c in range(2 * k):
            path[:, c] = np.where(active, d, -1)
            cnt = (u[:, 3 * c : 3 * c + 3] < p[np.minimum(d, k - 1)][:, None]).sum(axis=1)
            n[rows, d] += 3 * active
            y[rows, d] += cnt * active
            nd, yd = n[rows, d], y[rows, d]
            top = d == k - 1
            n_below = n[rows, np.maximum(d - 1, 0)]
            n_above = n[rows, d + 1]
            toxic = yd >= 2
            # too toxic
            stop_toxic = toxic & ((d == 0) | (variant == "escalate-only") | (n_below != 3))
            mtd_toxic = np.where(d == 0, 0, d)
            down = toxic & ~stop_toxic
            expand = (~toxic & (nd == 3) & (yd == 1)) | (
                (variant == "de-escalate-confirm-top") & ~toxic & (nd == 3) & (yd == 0) & top
            )
            up = ~toxic & ~expand & ~top & (n_above == 0)
            stop_ok = ~toxic & ~expand & ~up
            stopping = active & (stop_toxic | stop_ok)
            mtd = np.where(active & stop_toxic, mtd_toxic, mtd)
            mtd = np.where(active & stop_ok, d + 1, mtd)
            d = np.where(active & up, d + 1, np.where(active & down, d - 1, d))
            active &= ~stopping
            if not active.any():
                break
        return TrialBatch(
            selected=mtd, n=n[:, :k], dlt=y[:, :k], stopped_early=mtd == 0, cohort_dose=path
        )

    def simulate(
        self,
        true_dlt: Sequence[float],
        n_trials: int = 1000,
        seed: int = 0,
        chunk_size: int = 20000,
        progress: Callable[[int], None] | None = None,
    ) -> OperatingCharacteristics:
        """Operating characteristics by simulation (for checking :meth:`exact_oc`)."""
        p = check_true_dlt(true_dlt, self.n_doses)
        sim = run_simulation(
            self.name,
            self._simulate_batch,
            p,
            self.max_n,
            n_trials,
            seed,
            chunk_size=chunk_size,
            progress=progress,
        )
        return self._result(p, sim.p_select, sim.mean_n, sim.mean_dlt, sim, None)

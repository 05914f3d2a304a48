"""Fit the twin's typical isatuximab parameters (per kg) to the geometric means of Table 3.

Run: ``PYTHONPATH=src python tests/reference/twin/fit_isa_pk.py``. Prints the ISA_TYPICAL
values pasted into ``src/earlyphase/twin/pk_samples.py``. Targets: Chari et al. Cancer 2021,
Table 3 (geometric means): C1D1 Cmax and AUC1week (DL1 also AUC2weeks), C3D1 Cmax and AUC2weeks.
Typical patient: 1 kg (parameters per kg; dose in mg/kg), the twin's planned infusion durations.
"""

from __future__ import annotations

import numpy as np
from scipy.optimize import minimize

from earlyphase.twin.exposure import isa_days, isa_dose_mg_kg
from earlyphase.twin.pk_samples import two_compartment_infusion

TARGETS = {
    "DL1": {"c1_cmax": 153, "c1_auc168": 19700, "c1_auc336": 31900},
    "DL2": {"c1_cmax": 169, "c1_auc168": 14600, "c3_cmax": 346, "c3_auc336": 70500},
    "DL3": {"c1_cmax": 258, "c1_auc168": 23600, "c3_cmax": 623, "c3_auc336": 140000},
}
DUR = {"DL1": (5.0, 4.5, 3.0), "DL2": (5.0, 4.5, 3.0), "DL3": (8.5, 7.5, 4.0)}


def regimen(dl: str) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    starts, durs, amts = [], [], []
    for c in range(1, 4):
        for d in isa_days(dl, c):
            first, early, late = DUR[dl]
            dur = first if (c, d) == (1, 1) else (early if c <= 3 else late)
            starts.append(8.5 + 24 * (28 * (c - 1) + d - 1))
            durs.append(dur)
            amts.append(isa_dose_mg_kg(dl))
    return np.array(starts), np.array(durs), np.array(amts)


def metrics(dl: str, p: dict[str, float]) -> dict[str, float]:
    s, d, a = regimen(dl)
    out = {}
    for cyc, t0 in ((1, s[0]), (3, 8.5 + 24 * 56)):
        grid = t0 + np.linspace(0, 336, 3361)
        c = two_compartment_infusion(grid, s, d, a, **p)
        window = 1681 if (cyc == 1 and dl != "DL1") else len(grid)  # C1 of weekly: 1 week
        out[f"c{cyc}_cmax"] = c[:window].max()
        out[f"c{cyc}_auc168"] = np.trapezoid(c[:1681], grid[:1681])
        out[f"c{cyc}_auc336"] = np.trapezoid(c, grid)
    return out


def fit(dl: str) -> dict[str, float]:
    names = ("cl", "v1", "q", "v2")

    def loss(x: np.ndarray) -> float:
        p = dict(zip(names, np.exp(x), strict=True))
        m = metrics(dl, p)
        return sum(np.log(m[k] / v) ** 2 for k, v in TARGETS[dl].items())

    x0 = np.log([1.5e-4, 0.055, 2e-4, 0.06])
    res = minimize(loss, x0, method="Nelder-Mead", options={"maxiter": 4000, "xatol": 1e-6})
    return dict(zip(names, np.exp(res.x), strict=True))


if __name__ == "__main__":
    for dl in TARGETS:
        p = fit(dl)
        m = metrics(dl, p)
        print(
            dl,
            {k: float(f"{v:.4g}") for k, v in p.items()},
            {k: round(float(m[k])) for k in TARGETS[dl]},
        )

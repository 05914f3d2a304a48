"""Individual isatuximab random effects and sample residuals of the reconstruction, in SD
units of the Fau 2020 model (:mod:`earlyphase.pk.models.isatuximab`).

:func:`individual_effects` reports each PK patient's random effects after the calibration's
concentration factor, :func:`sample_residuals` each sample's residual against the patient's
individual prediction (IWRES), :func:`write_pk_calibration` writes both. The calibration
(:mod:`earlyphase.twin.pk_reconstruction`) bounds the factor with :func:`factor_range`, the
plausibility steps (:mod:`earlyphase.twin.pk_plausibility`) score candidates with
:func:`random_effects_sd`.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path

import numpy as np
import pandas as pd

from earlyphase._files import atomic_write
from earlyphase.pk.models import IsatuximabModel
from earlyphase.pk.models.isatuximab import IsatuximabParameters, individual_parameters
from earlyphase.pk.nca.units import concentration_factor_to_mg_l

__all__ = [
    "DRUG",
    "ETA_MAX",
    "factor_range",
    "individual_effects",
    "random_effects_sd",
    "rescaled",
    "sample_residuals",
    "write_pk_calibration",
]

DRUG = "isatuximab"
#: Largest random effect (SD units) the calibration may leave.
ETA_MAX = 2.9
#: The log-normal random effects and the sign of each parameter's log shift per log
#: concentration factor g (clearances and volumes / g, Vm and Km x g: concentrations exactly
#: x g; KCL and gamma unchanged). CLm is normal (:func:`random_effects_sd`).
EFFECTS = (
    ("cl_inf", -1),
    ("vc", -1),
    ("q", -1),
    ("vp", -1),
    ("vm", 1),
    ("km", 1),
    ("k_cl", 0),
    ("gamma", 0),
)


def omega(name: str, model: IsatuximabModel) -> float:
    """SD of the log-normal random effect of parameter ``name`` (from its CV)."""
    cv = getattr(model, f"cv_{name}")
    return float(np.sqrt(np.log1p(cv * cv)))


def random_effects_sd(
    params: IsatuximabParameters,
    typical: IsatuximabParameters,
    log_g: np.ndarray | float,
    model: IsatuximabModel,
) -> dict[str, np.ndarray]:
    """``eta_<name>_sd`` of every patient (element-wise ``params`` against ``typical``) after a
    log concentration factor ``log_g``: eta / omega for the log-normal effects, the CLm shift
    over its SD (CV x CLm) for the normal one."""
    out = {}
    for name, sign in EFFECTS:
        eta = np.log(getattr(params, name) / getattr(typical, name)) + sign * log_g
        out[f"eta_{name}_sd"] = eta / omega(name, model)
    out["eta_cl_m_sd"] = (params.cl_m - typical.cl_m) / (model.cv_cl_m * model.cl_m)
    return out


def factor_range(row: pd.Series, model: IsatuximabModel | None = None) -> tuple[float, float]:
    """Range of log concentration factor keeping every shifted effect within +-ETA_MAX SD."""
    m = model or IsatuximabModel()
    lo, hi = -np.inf, np.inf
    for name, sign in EFFECTS:
        if not sign:
            continue
        om = omega(name, m)
        eta = row[f"eta_{name}_sd"] * om
        # new eta = eta + sign * log g within [-ETA_MAX om, ETA_MAX om]
        a, b = sign * (-ETA_MAX * om - eta), sign * (ETA_MAX * om - eta)
        lo, hi = max(lo, min(a, b)), min(hi, max(a, b))
    return float(lo), float(hi)


def individual_effects(
    patients: pd.DataFrame,
    params: IsatuximabParameters,
    size: Mapping[int, float],
    model: IsatuximabModel | None = None,
) -> pd.DataFrame:
    """Each PK patient's isatuximab random effects in SD units (eta / omega), after the
    calibration's concentration factor ``g`` (clearances and volumes divided by ``g``,
    Vm and Km multiplied by it, which multiplies every concentration by ``g`` exactly)."""
    m = model or IsatuximabModel()
    typical = individual_parameters(patients, m, None)
    g = patients["subj"].map(size).fillna(1.0).to_numpy(float)
    out = {"subj": patients["subj"].to_numpy(), "dose_level": patients["dl"].to_numpy()}
    out["concentration_factor"] = g
    out.update(random_effects_sd(params, typical, np.log(g), m))
    return pd.DataFrame(out)


def rescaled(conc: np.ndarray, old: np.ndarray, new: np.ndarray) -> np.ndarray:
    """Observations ``conc`` whose model values change from ``old`` to ``new``, each keeping
    its relative residual (``conc`` x new / old; 0 where there was no drug)."""
    return conc * np.where(old > 0, new / np.where(old > 0, old, 1.0), 0.0)


def sample_residuals(
    samples: pd.DataFrame, patients: pd.DataFrame, model: IsatuximabModel | None = None
) -> pd.DataFrame:
    """Each isatuximab sample's residual against the patient's individual prediction, in SD
    units of the Fau 2020 combined residual error.

    With ``ipred`` the model concentration of the patient's (calibrated) individual
    parameters and ``conc`` the value written to PC (before rounding to 6 significant
    digits), the residual is ``(conc - ipred) / sqrt((prop ipred)^2 + add^2)`` with prop =
    22.5 % and add = 0.00196 mg/L (Fau et al. 2020, Table S3), i.e. an individual weighted
    residual (IWRES). Samples before any drug (``ipred`` = 0) are left out. ``calibrated``
    marks the samples of the Table 3 profiles, whose values the calibration chose; the others
    keep their simulated residual (standard normal draws clipped at +-2.5).

    Returns
    -------
    DataFrame
        ``subj, dose_level, visit, label, time_h, ipred, conc, unit, calibrated,
        residual_sd``.
    """
    m = model or IsatuximabModel()
    isa = samples[(samples["drug"] == DRUG) & (samples["true"] > 0)]
    to_mg_l = isa["unit"].map(lambda u: concentration_factor_to_mg_l(u) or 1.0).to_numpy(float)
    ipred = isa["true"].to_numpy(float)
    conc = isa["conc"].to_numpy(float)
    sd = np.hypot(m.prop_error * ipred * to_mg_l, m.add_error_mg_l)
    dl = dict(zip(patients["subj"], patients["dl"], strict=True))
    return pd.DataFrame(
        {
            "subj": isa["subj"].to_numpy(int),
            "dose_level": isa["subj"].map(dl).to_numpy(),
            "visit": isa["visit"].to_numpy(),
            "label": isa["label"].to_numpy(),
            "time_h": isa["time_h"].to_numpy(float),
            "ipred": ipred,
            "conc": conc,
            "unit": isa["unit"].to_numpy(),
            "calibrated": isa["_calibrated"].to_numpy(bool),
            "residual_sd": (conc - ipred) * to_mg_l / sd,
        }
    )


def write_pk_calibration(
    effects: pd.DataFrame, residuals: pd.DataFrame, folder: str | Path
) -> list[Path]:
    """Write :func:`individual_effects` and :func:`sample_residuals` as
    ``<folder>/individual_effects.csv`` and ``sample_residuals.csv`` (6 significant digits,
    each file atomically); returns the paths."""
    paths = []
    for name, frame in (("individual_effects", effects), ("sample_residuals", residuals)):
        path = Path(folder) / f"{name}.csv"
        with atomic_write(path) as handle:
            frame.to_csv(handle, index=False, float_format="%.6g")
        paths.append(path)
    return paths

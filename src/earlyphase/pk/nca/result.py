"""The NCA entry point :func:`nca` and its result :class:`NCAResult`."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, describe_problem
from earlyphase.pk.nca.engine import ROUTE_ONLY, compute_parameters
from earlyphase.pk.nca.options import NCAOptions
from earlyphase.pk.nca.parameters import PARAMETERS, parameter_spec
from earlyphase.pk.nca.prepare import prepare_profiles
from earlyphase.pk.nca.units import parameter_units

__all__ = ["NCAResult", "nca", "accumulation_ratios"]


@dataclass(frozen=True)
class NCAResult:
    """Result of :func:`nca`.

    Attributes
    ----------
    parameters : DataFrame
        Long table ``subject_id, [analyte,] [interval,] parameter, value, unit,
        exclusion_reason``; ``parameter`` is the CDISC PPTESTCD; ``value`` is NaN exactly
        when ``exclusion_reason`` says why.
    profiles : DataFrame
        One row per profile with its dose (``dose_time, amount, route, duration, tau``).
    options : NCAOptions
        The options used.
    """

    parameters: pd.DataFrame
    profiles: pd.DataFrame
    options: NCAOptions

    @property
    def keys(self) -> list[str]:
        """Columns identifying a profile."""
        return [c for c in ("subject_id", "analyte", "interval") if c in self.parameters.columns]

    def to_frame(self) -> pd.DataFrame:
        """The long parameter table (a copy)."""
        return self.parameters.copy()

    def to_wide(self) -> pd.DataFrame:
        """One row per profile, one column per parameter (values only)."""
        par = self.parameters
        wide = par.pivot(index=self.keys, columns="parameter", values="value")
        order = list(pd.unique(par["parameter"]))
        return wide[order].reset_index().rename_axis(columns=None)

    def value(self, code: str) -> pd.Series:
        """Values of one parameter indexed by the profile keys."""
        sub = self.parameters[self.parameters["parameter"] == code]
        return sub.set_index(self.keys)["value"]


def _strings(codes: np.ndarray, names: list[str]) -> pd.Series:
    """String column from integer codes (-1 = missing), decoded by Arrow: millions of rows in
    milliseconds instead of seconds through Python objects."""
    import pyarrow as pa

    idx = pa.array(np.asarray(codes, dtype=np.int32), mask=np.asarray(codes) < 0)
    arr = pa.DictionaryArray.from_arrays(idx, pa.array(names, type=pa.large_string()))
    return pd.Series(arr.dictionary_decode(), dtype="str")


def nca(conc: pd.DataFrame, doses: pd.DataFrame, options: NCAOptions | None = None) -> NCAResult:
    """Noncompartmental analysis of every profile in ``conc``.

    Parameters
    ----------
    conc : DataFrame
        ``subject_id, time, conc``; optional ``analyte``, ``interval`` (e.g. "CYCLE 1 DAY 1";
        then ``doses`` needs one too), ``blq`` (bool) or ``lloq``, ``lambda_z_include`` (bool,
        manual terminal-phase points), ``time_unit``, ``conc_unit``. Times are on the same
        clock as the dose times. BLQ samples: flag them, give conc < lloq, or conc = 0.
    doses : DataFrame
        ``subject_id, time, amount, route`` with route ``"extravascular" | "iv-bolus" |
        "iv-infusion"``; ``duration`` for infusions; optional ``interval``, ``tau`` (dosing
        interval for AUCTAU), ``amount_unit``.
    options : NCAOptions, optional
        Defaults: lin-up/log-down, WinNonlin time-zero and λz rules, BLQ 0/drop/drop.

    Returns
    -------
    NCAResult

    Raises
    ------
    DataError
        Missing columns, non-numeric or negative values, duplicated or unsorted times within a
        profile, unknown routes, infusions without duration, profiles without a dose.

    Notes
    -----
    Reproduces Phoenix WinNonlin 6.3 on ``datasets::Theoph`` (extravascular) and
    ``datasets::Indometh`` (bolus and Model 202 infusion), both AUC methods; see
    ``tests/pk/test_nca_winnonlin.py`` and ``docs/pk.md`` for conventions and differences from
    PKNCA.
    """
    options = options or NCAOptions()
    p = prepare_profiles(conc, doses, options)
    values, reasons = compute_parameters(p, options)
    units = parameter_units(p.time_unit, p.conc_unit, p.amount_unit)
    keys = [c for c in ("subject_id", "analyte", "interval") if c in p.keys.columns]

    codes = [c for c in PARAMETERS if c in values] + [c for c in values if c not in PARAMETERS]
    if "tau" not in doses.columns:
        codes = [c for c in codes if c not in ("AUCTAU", "CTAU")]
    n = len(p.keys)
    route = p.route
    blocks_idx, blocks_code, blocks_val, blocks_reason = [], [], [], []
    for number, code in enumerate(codes):
        applicable = np.isin(route, ROUTE_ONLY[code]) if code in ROUTE_ONLY else np.ones(n, bool)
        idx = np.flatnonzero(applicable)
        blocks_idx.append(idx)
        blocks_code.append(np.full(idx.size, number, dtype=np.int16))
        blocks_val.append(values[code][idx])
        blocks_reason.append(reasons[code][idx])
    idx = np.concatenate(blocks_idx)
    order = np.argsort(idx, kind="stable")
    idx = idx[order]
    code_number = np.concatenate(blocks_code)[order]
    frame: dict[str, Any] = {k: p.keys[k].to_numpy()[idx] for k in keys}
    unit_of_code = [units[parameter_spec(c).unit_kind] for c in codes]
    frame["parameter"] = _strings(code_number, codes)
    frame["value"] = np.concatenate(blocks_val)[order]
    frame["unit"] = _strings(code_number, unit_of_code)
    reason = np.concatenate(blocks_reason)[order]
    reason_codes, reason_names = pd.factorize(reason, use_na_sentinel=True)
    frame["exclusion_reason"] = _strings(reason_codes, list(reason_names))
    parameters = pd.DataFrame(frame)[[*keys, "parameter", "value", "unit", "exclusion_reason"]]
    return NCAResult(parameters=parameters, profiles=p.keys.reset_index(drop=True), options=options)


def accumulation_ratios(
    result: NCAResult,
    reference: str,
    test: str,
    auc_window: tuple[float, float] | None = (0.0, 168.0),
) -> pd.DataFrame:
    """Accumulation ratios test/reference of Cmax (RACCMAX) and of the AUC over the same
    window after each dose (RACAUC).

    Definition of Table 3 of the isatuximab + carfilzomib phase 1b paper (Chari et al.,
    Cancer 2021;127:1816-1826, Methods: "accumulation ratio for the area under the curve over
    the dosing interval (per week intervals) from cycle 3 to cycle 1"): Rac AUC1week =
    AUC(0-168 h) after the cycle 3 day 1 dose / AUC(0-168 h) after the cycle 1 day 1 dose,
    both partial AUCs over the *same* first week. (Halving a 2-week AUCtau is a different
    quantity: at 20 mg/kg the paper's geometric means give 140,000 / 2 / 23,600 = 2.97, not
    the printed 3.36; the partial-AUC ratio gives 3.36 = AUC(0-168) 79,300 / 23,600.)

    Parameters
    ----------
    result : NCAResult
        With an ``interval`` column; for RACAUC the partial AUC ``AUCINT_<a>-<b>`` of
        ``auc_window`` (``NCAOptions(partial_aucs=((0, 168),))``).
    reference, test : str
        Interval labels, e.g. ``"CYCLE 1 DAY 1"`` and ``"CYCLE 3 DAY 1"``.
    auc_window : (float, float) or None
        Window (h after each dose) of the partial AUC compared; ``None`` compares AUCTAU as
        it is (AUC over each dose's own dosing interval).

    Returns
    -------
    DataFrame
        ``subject_id, [analyte,] parameter, value, exclusion_reason`` (PARAMCD RACCMAX, RACAUC).
    """
    if "interval" not in result.keys:
        raise DataError(describe_problem("result", "no interval column", "an NCA by interval"))
    par = result.parameters
    ids = [k for k in result.keys if k != "interval"]
    auc_code = "AUCTAU" if auc_window is None else f"AUCINT_{auc_window[0]:g}-{auc_window[1]:g}"
    if auc_code not in set(par["parameter"]):
        raise DataError(
            describe_problem(
                "auc_window",
                auc_window,
                f"a window the NCA computed ({auc_code}; give NCAOptions(partial_aucs=...))",
            )
        )
    frames = []
    for code, out_code in (("CMAX", "RACCMAX"), (auc_code, "RACAUC")):
        sub = par[par["parameter"] == code].set_index(result.keys)["value"]
        ref = (
            sub.xs(reference, level="interval")
            if reference in sub.index.get_level_values("interval")
            else None
        )
        tst = (
            sub.xs(test, level="interval")
            if test in sub.index.get_level_values("interval")
            else None
        )
        if ref is None or tst is None:
            raise DataError(
                describe_problem(
                    "interval", (reference, test), f"labels present in the NCA result for {code}"
                )
            )
        both = pd.concat({"ref": ref, "test": tst}, axis=1)
        value = both["test"] / both["ref"]
        reason = pd.Series(None, index=both.index, dtype=object)
        reason[both["test"].isna()] = f"{code} missing in {test}"
        reason[both["ref"].isna()] = f"{code} missing in {reference}"
        frames.append(
            pd.DataFrame(
                {
                    "parameter": out_code,
                    "value": value.to_numpy(),
                    "exclusion_reason": reason.to_numpy(),
                },
                index=both.index,
            )
        )
    out = pd.concat(frames).reset_index()
    return out[[*ids, "parameter", "value", "exclusion_reason"]]

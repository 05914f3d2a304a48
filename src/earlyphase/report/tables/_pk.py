"""Analytes of the PK datasets: names and units from the data, never from a drug table."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

from earlyphase.pk.nca import parameter_symbol
from earlyphase.pk.nca.units import dimensionless

__all__ = ["analyte_name", "analytes", "parameter_name", "parameter_unit"]


def _first_text(series: pd.Series) -> str:
    text = series.dropna().astype(str).str.strip()
    text = text[text != ""]
    return str(text.iloc[0]) if len(text) else ""


def analytes(adpc: pd.DataFrame) -> list[tuple[str, str, str]]:
    """``(PARAMCD, name, unit)`` of each analyte of ADPC in order of appearance.

    Name: ``PARAM``, else ``PCTEST``, else ``PARAMCD``; unit: ``AVALU`` ("" when absent)."""
    out = []
    for code, rows in adpc.groupby("PARAMCD", sort=False):
        name = ""
        for col in ("PARAM", "PCTEST"):
            if col in rows.columns and not name:
                name = _first_text(rows[col])
        unit = _first_text(rows["AVALU"]) if "AVALU" in rows.columns else ""
        out.append((str(code), name or str(code), unit))
    return out


def analyte_name(adam: Mapping[str, pd.DataFrame], category: str) -> str:
    """Display name of the ADPP analyte ``category`` (``PARCAT1``): the name of the ADPC
    analyte whose ``PARAMCD`` shares its first 6 letters, else ``category`` itself."""
    adpc = adam.get("ADPC")
    if adpc is not None and "PARAMCD" in adpc.columns and category:
        for code, name, _unit in analytes(adpc):
            if code[:6].upper() == category[:6].upper():
                return name
    return category


def parameter_name(adpp: pd.DataFrame, code: str) -> str:
    """Display name of the ADPP parameter ``code`` without its unit (tables add the unit):
    ``PARAM`` less a trailing " (<AVALU>)" of the same record ("Cmax (ug/mL)" -> "Cmax"),
    else the registry's short name (:func:`earlyphase.pk.nca.parameter_symbol`), else the
    code."""
    if "PARAM" in adpp.columns:
        rows = adpp.loc[adpp["PARAMCD"] == code]
        names = rows["PARAM"].astype("string").str.strip().fillna("")
        units = (
            rows["AVALU"].astype("string").str.strip().fillna("")
            if "AVALU" in rows.columns
            else pd.Series("", index=rows.index, dtype="string")
        )
        for name, unit in zip(names, units, strict=True):
            if not name:
                continue
            suffix = f" ({unit})"
            return name[: -len(suffix)] if unit and name.endswith(suffix) else name
    return parameter_symbol(code)


def parameter_unit(adpp: pd.DataFrame, code: str) -> str:
    """The stored unit (``AVALU``) of the ADPP parameter ``code``: the first one that is not
    dimensionless, "" when there is none (format it with
    :func:`earlyphase.pk.nca.units.display_unit`)."""
    if "AVALU" not in adpp.columns:
        return ""
    units = adpp.loc[adpp["PARAMCD"] == code, "AVALU"].dropna().astype(str).str.strip()
    units = units[[not dimensionless(u) for u in units]]
    return str(units.iloc[0]) if len(units) else ""

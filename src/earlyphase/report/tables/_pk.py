"""Analytes of the PK datasets: names and units from the data, never from a drug table."""

from __future__ import annotations

from collections.abc import Mapping

import pandas as pd

__all__ = ["PARAMETER_NAMES", "analyte_name", "analytes", "parameter_name"]

#: Short display names of NCA parameter codes (ADPP PARAMCD) when ADPP has no PARAM.
PARAMETER_NAMES = {
    "TMAX": "tmax",
    "CMAX": "Cmax",
    "AUC1WK": "AUC1week",
    "AUC2WK": "AUC2weeks",
    "AUCTAU": "AUCtau",
    "AUCLST": "AUClast",
    "RACCMAX": "Rac Cmax",
    "RACAUC": "Rac AUC",
}


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
    """Display name of an ADPP parameter: ``PARAM`` when ADPP has it, else the short name of
    :data:`PARAMETER_NAMES`, else the NCA registry label, else the code."""
    if "PARAM" in adpp.columns:
        name = _first_text(adpp.loc[adpp["PARAMCD"] == code, "PARAM"])
        if name:
            return name
    if code in PARAMETER_NAMES:
        return PARAMETER_NAMES[code]
    from earlyphase.pk.nca.parameters import PARAMETERS

    spec = PARAMETERS.get(code)
    return spec.label if spec is not None else code

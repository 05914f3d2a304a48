"""Reference outputs of R survival (tests/reference/survival, see its README) and loaders."""

from __future__ import annotations

import functools
from pathlib import Path

import pandas as pd
import pyreadstat

REF = Path(__file__).resolve().parents[1] / "reference" / "survival"
PILOT_ADTTE = Path(__file__).resolve().parents[1] / "data" / "cdisc-pilot" / "adam" / "adtte.xpt"


@functools.cache
def load_dataset(name: str, pilot_dir: Path | None = None) -> pd.DataFrame:
    """Input data exactly as the R script saw it: columns time, event, group, strata (do not mutate)."""
    if name.startswith("pilot"):
        path = (pilot_dir / "adam" / "adtte.xpt") if pilot_dir else PILOT_ADTTE
        df, _ = pyreadstat.read_xport(str(path))
        group, strata = ("TRTA", "SEX") if name == "pilot_trta" else ("TRTP", "AGEGR1")
        return pd.DataFrame(
            {"time": df["AVAL"], "event": 1 - df["CNSR"], "group": df[group], "strata": df[strata]}
        )
    if name == "veteran_celltype":
        d = pd.read_csv(REF / "data_veteran.csv")
        return d.assign(group=d["strata"], strata="1")
    return pd.read_csv(REF / f"data_{name}.csv")


def subset(data: pd.DataFrame, group: str) -> pd.DataFrame:
    return data if group == "ALL" else data[data["group"].astype(str) == group]

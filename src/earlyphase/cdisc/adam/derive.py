"""Run every ADaM derivation whose inputs exist; report, never crash on, the ones that cannot.

``derive_adam(study)`` derives ADSL, ADEX, ADAE, ADLB, ADRS, ADTR, ADTTE, ADPC and ADPP in
dependency order.  A dataset whose domains or variables are absent (or whose derivation
module, e.g. :mod:`earlyphase.clinical` or :mod:`earlyphase.pk`, is not installed) is listed
in :attr:`AdamResult.missing` with the reason; invalid *values* (dates that do not parse,
negative times after dose, ...) still raise :class:`DataError` -- a wrong number is worse than
no number.  Records after the data cut-off are removed and counted in :attr:`AdamResult.notes`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Literal

import pandas as pd

from earlyphase.cdisc.adam._common import MissingInputError, cutoff_from
from earlyphase.cdisc.adam.adae import derive_adae
from earlyphase.cdisc.adam.adex import derive_adex
from earlyphase.cdisc.adam.adlb import derive_adlb
from earlyphase.cdisc.adam.adpc import derive_adpc
from earlyphase.cdisc.adam.adpp import derive_adpp
from earlyphase.cdisc.adam.adrs import derive_adrs
from earlyphase.cdisc.adam.adsl import derive_adsl
from earlyphase.cdisc.adam.adtr import derive_adtr
from earlyphase.cdisc.adam.adtte import derive_adtte
from earlyphase.cdisc.dates import impute_dtc
from earlyphase.cdisc.io.metadata import set_metadata, variable_labels
from earlyphase.cdisc.plan import resolve_plan
from earlyphase.protocol.analysis import AnalysisPlan

__all__ = ["ADAM_DATASETS", "AdamResult", "MissingDataset", "derive_adam"]

ADAM_DATASETS = ("ADSL", "ADEX", "ADAE", "ADLB", "ADRS", "ADTR", "ADTTE", "ADPC", "ADPP")
_DATE_VARS = {
    "AE": "AESTDTC",
    "LB": "LBDTC",
    "RS": "RSDTC",
    "EX": "EXSTDTC",
    "PC": "PCDTC",
    "VS": "VSDTC",
}


@dataclass(frozen=True)
class MissingDataset:
    """An ADaM dataset that could not be derived, and why."""

    dataset: str
    reason: str
    domain: str = ""
    variables: tuple[str, ...] = ()


@dataclass(frozen=True)
class AdamResult(Mapping[str, pd.DataFrame]):
    """Result of :func:`derive_adam`.

    A read-only mapping from dataset name to DataFrame (``result["ADSL"]``, ``"ADRS" in
    result``, ``dict(result)``).

    Attributes
    ----------
    datasets : Mapping[str, DataFrame]
        Derived datasets keyed "ADSL", "ADAE", ... (only those that could be made).
    missing : tuple of MissingDataset
        Datasets that could not be made, with the missing domain/variables.
    notes : tuple of str
        Documented data handling, e.g. records removed because they follow the cut-off.
    plan : AnalysisPlan
        The analysis plan used (the protocol's, or inferred from the data).
    """

    datasets: Mapping[str, pd.DataFrame]
    missing: tuple[MissingDataset, ...] = ()
    notes: tuple[str, ...] = field(default_factory=tuple)
    plan: AnalysisPlan | None = None

    def __getitem__(self, name: str) -> pd.DataFrame:
        return self.datasets[name.upper()]

    def __contains__(self, name: object) -> bool:
        return isinstance(name, str) and name.upper() in self.datasets

    def __iter__(self) -> Iterator[str]:
        return iter(self.datasets)

    def __len__(self) -> int:
        return len(self.datasets)

    def to_frame(self) -> pd.DataFrame:
        """One row per ADaM dataset: dataset, derived, n_records, reason."""
        rows = [(n, True, len(self.datasets[n]), "") for n in ADAM_DATASETS if n in self.datasets]
        rows += [(m.dataset, False, 0, m.reason) for m in self.missing]
        return pd.DataFrame(rows, columns=["dataset", "derived", "n_records", "reason"])


def _plain(df: pd.DataFrame) -> pd.DataFrame:
    """A shallow copy without ``attrs`` (pandas deep-copies attrs on every operation)."""
    out = df.copy(deep=False)
    out.attrs = {}
    return out


def _after_cutoff_notes(
    study: Mapping[str, pd.DataFrame], cutoff: pd.Timestamp | None
) -> list[str]:
    if cutoff is None:
        return ["no data cut-off (DS DATA CUT-OFF or data_cutoff=): all records used"]
    notes = [
        f"data cut-off {cutoff.date()}: records dated later are not used (pharmaverse datacutr rule)"
    ]
    for domain, var in _DATE_VARS.items():
        df = study.get(domain)
        if df is not None and var in df.columns:
            dates = impute_dtc(df[var], date_imputation="first", field=f"{domain}.{var}").dates
            n = int((dates > cutoff).sum())
            if n:
                notes.append(f"{domain}: {n} record(s) after the cut-off removed")
    dm = study.get("DM")
    if dm is not None and "DTHDTC" in dm.columns:
        n = int((impute_dtc(dm["DTHDTC"], field="DM.DTHDTC").dates > cutoff).sum())
        if n:
            notes.append(f"DM: {n} death(s) after the cut-off not counted (alive at cut-off)")
    return notes


def _sdtm_labels(study: Mapping[str, pd.DataFrame]) -> dict[str, str]:
    """Variable -> label of the SDTM inputs (first domain that labels it)."""
    out: dict[str, str] = {}
    for frame in study.values():
        for var, label in variable_labels(frame).items():
            if label:
                out.setdefault(var, label)
    return out


def _keep_labels(frame: pd.DataFrame, labels: Mapping[str, str]) -> pd.DataFrame:
    """Give SDTM variables carried into an ADaM dataset their SDTM label where it has none."""
    have = variable_labels(frame)
    add = {c: {"label": labels[c]} for c in frame.columns if not have.get(c) and c in labels}
    return set_metadata(frame, columns=add) if add else frame


def derive_adam(
    study: Mapping[str, pd.DataFrame],
    protocol: Any = None,
    *,
    data_cutoff: Any = None,
    response_source: Literal["auto", "imwg", "investigator", "recist"] = "auto",
) -> AdamResult:
    """Derive every ADaM dataset the SDTM ``study`` allows.

    Parameters
    ----------
    study : mapping of domain -> DataFrame
        SDTM domains (e.g. a :class:`~earlyphase.cdisc.study.Study`).
    protocol : Protocol, AnalysisPlan or str, optional
        A protocol (or the name of a built-in one, e.g. ``"isak-phase1b"``, or a YAML path),
        or an analysis plan.  It gives the arms and their codes, the study drugs, the
        disease module and the population rules; without it a minimal plan is inferred
        from DM and EX (:func:`earlyphase.cdisc.plan.infer_plan`) and IMWG response is not
        derived (no disease module).
    data_cutoff : date-like, optional
        Overrides the DS ``DATA CUT-OFF`` date.
    response_source : {"auto", "imwg", "investigator", "recist"}
        See :func:`~earlyphase.cdisc.adam.adrs.derive_adrs`. With ``"auto"``: IMWG for the
        myeloma disease module, RECIST 1.1 for the solid-tumour one (or, without a disease
        module, when TU and TR are present), else the investigator's RS.

    Returns
    -------
    AdamResult
        A read-only mapping ``"ADSL" -> DataFrame`` (the datasets made) with ``.missing``
        and ``.notes``.
    """
    labels = _sdtm_labels(study)
    study = {k.upper(): _plain(v) for k, v in study.items()}
    plan = resolve_plan(study, protocol) if protocol is not None or "DM" in study else None
    cycle_days = plan.cycle_days if plan is not None else 28
    myeloma = plan is not None and plan.disease == "multiple-myeloma"
    done: dict[str, pd.DataFrame] = {}
    missing: list[MissingDataset] = []
    cutoff = cutoff_from(study.get("DS"), data_cutoff)

    def attempt(name: str, make: Callable[[], pd.DataFrame], needs: tuple[str, ...] = ()) -> None:
        absent = [n for n in needs if n not in done]
        if absent:
            missing.append(
                MissingDataset(name, f"needs {', '.join(absent)}, which could not be derived")
            )
            return
        try:
            done[name] = _keep_labels(make(), labels)
        except MissingInputError as exc:
            missing.append(MissingDataset(name, str(exc), exc.domain, exc.variables))
        except ImportError as exc:
            missing.append(MissingDataset(name, f"derivation module not available ({exc.name})"))

    attempt("ADSL", lambda: derive_adsl(study, plan, data_cutoff=cutoff))
    solid = plan is not None and plan.disease == "solid-tumour"
    if response_source == "auto" and (solid or (not myeloma and "TU" in study and "TR" in study)):
        response_source = "recist"  # RECIST 1.1 from the tumour measurements in TU/TR
    elif not myeloma and response_source == "auto":
        response_source = "investigator"  # IMWG needs the myeloma disease module: RS only
    attempt(
        "ADEX",
        lambda: derive_adex(study.get("EX"), done["ADSL"], suppex=study.get("SUPPEX")),
        ("ADSL",),
    )
    attempt(
        "ADAE",
        lambda: derive_adae(
            study.get("AE"), done["ADSL"], suppae=study.get("SUPPAE"), ex=study.get("EX")
        ),
        ("ADSL",),
    )
    attempt("ADLB", lambda: derive_adlb(study.get("LB"), done["ADSL"]), ("ADSL",))
    if not myeloma and response_source == "imwg":
        missing.append(
            MissingDataset("ADRS", "IMWG response needs the protocol's disease multiple-myeloma")
        )
    else:
        attempt(
            "ADRS",
            lambda: derive_adrs(
                done["ADSL"],
                lb=study.get("LB"),
                rs=study.get("RS"),
                source=response_source,
                tu=study.get("TU"),
                tr=study.get("TR"),
            ),
            ("ADSL",),
        )
    if "TU" in study and "TR" in study:
        attempt("ADTR", lambda: derive_adtr(done["ADSL"], study["TU"], study["TR"]), ("ADSL",))
    attempt("ADTTE", lambda: derive_adtte(done["ADSL"], done["ADRS"]), ("ADSL", "ADRS"))
    attempt(
        "ADPC",
        lambda: derive_adpc(study.get("PC"), study.get("EX"), done["ADSL"], cycle_days=cycle_days),
        ("ADSL",),
    )
    attempt("ADPP", lambda: derive_adpp(done["ADPC"], study.get("EX")), ("ADPC",))
    return AdamResult(
        datasets=MappingProxyType({n: done[n] for n in ADAM_DATASETS if n in done}),
        missing=tuple(missing),
        notes=tuple(_after_cutoff_notes(study, cutoff)),
        plan=plan,
    )

"""A folder of SDTM domains as one :class:`Study` object.

``read_study("sdtm/")`` reads every dataset file (``dm.xpt``, ``ae.json``, ``suppdm.parquet``,
...), names each domain after its file (upper case) and checks it against
:mod:`earlyphase.cdisc.specs`; ``write_study(study, "out/", format="xpt")`` writes them back,
one file per domain in lower case.  :func:`merge_supp` folds a SUPP-- dataset's qualifiers
into its parent domain as columns.
"""

from __future__ import annotations

import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from types import MappingProxyType

import pandas as pd

from earlyphase.cdisc.io import FORMATS, read_dataset, write_dataset
from earlyphase.cdisc.specs import Finding, ValidationReport, check_domain
from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = [
    "PRECEDENCE",
    "Study",
    "merge_supp",
    "read_study",
    "validate_study",
    "write_study",
]

#: Which file a domain is read from when a folder holds it in several formats (first wins):
#: Dataset-JSON (the CDISC exchange standard, full metadata), NDJSON, SAS XPORT, Parquet, CSV.
PRECEDENCE = (".json", ".ndjson", ".xpt", ".parquet", ".csv")


@dataclass(frozen=True)
class Study(Mapping[str, pd.DataFrame]):
    """SDTM domains of one study: a read-only mapping ``"DM" -> DataFrame``.

    Attributes
    ----------
    domains : Mapping[str, DataFrame]
        Domain code (upper case) to dataset.
    sources : Mapping[str, Path]
        The file each domain was read from (empty for studies built in memory).
    other_copies : Mapping[str, tuple[Path, ...]]
        Per domain held in several formats, the copies not read (checked to have the same
        rows and columns as the file read).
    """

    domains: Mapping[str, pd.DataFrame]
    sources: Mapping[str, Path] = field(default_factory=dict)
    other_copies: Mapping[str, tuple[Path, ...]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        object.__setattr__(
            self, "domains", MappingProxyType({k.upper(): v for k, v in self.domains.items()})
        )
        object.__setattr__(self, "sources", MappingProxyType(dict(self.sources)))
        object.__setattr__(self, "other_copies", MappingProxyType(dict(self.other_copies)))

    def format_note(self) -> str:
        """One line saying which file was read for the domains held in several formats
        (empty when every domain has one file)."""
        if not self.other_copies:
            return ""
        used = sorted({self.sources[d].suffix for d in self.other_copies})
        return (
            f"{len(self.other_copies)} domain(s) in several formats "
            f"({', '.join(sorted(self.other_copies))}): read {', '.join(used)} by the "
            f"precedence {' > '.join(e[1:] for e in PRECEDENCE)} (--prefer to choose); "
            "the copies have the same rows and columns"
        )

    def __getitem__(self, key: str) -> pd.DataFrame:
        try:
            return self.domains[key.upper()]
        except KeyError:
            raise KeyError(
                f"domain {key.upper()} is not in this study (has {sorted(self.domains)})"
            ) from None

    def __iter__(self) -> Iterator[str]:
        return iter(self.domains)

    def __len__(self) -> int:
        return len(self.domains)

    def validate(self) -> ValidationReport:
        """Check every domain against its specification."""
        return validate_study(self)


def validate_study(study: Mapping[str, pd.DataFrame]) -> ValidationReport:
    """Findings for every domain of ``study`` plus cross-domain checks (subjects known to DM)."""
    findings = []
    for domain, df in study.items():
        plain = df.copy(deep=False)
        plain.attrs = {}  # pandas deep-copies attrs on every operation: check without them
        findings.extend(check_domain(plain, domain))
    dm = study.get("DM")
    if dm is None:
        # SDTMIG 3.x section 5.1: every study has DM, one record per subject
        findings.append(
            Finding("DM", "", "error", "the study has no DM domain (required by SDTMIG)", 1)
        )
    if dm is not None and "USUBJID" in dm.columns:
        known = set(dm["USUBJID"].dropna())
        for domain, df in study.items():
            if domain != "DM" and "USUBJID" in df.columns:
                unknown = sorted(set(df["USUBJID"].dropna()) - known)
                if unknown:
                    findings.append(
                        Finding(
                            domain,
                            "USUBJID",
                            "error",
                            f"{len(unknown)} subject(s) not in DM: {unknown[:5]}",
                            len(unknown),
                        )
                    )
    return ValidationReport(tuple(findings))


def read_study(
    directory: str | os.PathLike[str], *, prefer: str | None = None, validate: bool = True
) -> Study:
    """Read every dataset file in ``directory`` into a :class:`Study`.

    Parameters
    ----------
    directory : path
        Folder holding one file per domain (``dm.xpt``, ``ae.json``, ...).
    prefer : {"xpt", "json", "ndjson", "parquet", "csv"}, optional
        Which file to use when a domain is present in more than one format. Without it the
        :data:`PRECEDENCE` decides (Dataset-JSON, NDJSON, XPT, Parquet, CSV), after checking
        that every copy has the same number of rows and the same columns (a
        :class:`DataError` names the files otherwise); :meth:`Study.format_note` says which
        was read. A ``define.*`` file (the variable description written beside the domains)
        is not read as a domain.
    validate : bool
        Check each domain against its specification and raise :class:`DataError` listing
        every error (warnings are not raised; see :meth:`Study.validate`).
    """
    folder = Path(directory)
    if not folder.is_dir():
        raise DataError(describe_problem("SDTM folder", str(folder), "an existing directory"))
    if prefer is not None and f".{prefer.lower().lstrip('.')}" not in FORMATS:
        raise OptionsError(describe_problem("prefer", prefer, f"one of {[e[1:] for e in FORMATS]}"))
    found: dict[str, list[Path]] = {}
    for path in sorted(folder.iterdir()):
        if (
            path.is_file()
            and path.suffix.lower() in FORMATS
            and not path.name.endswith("-metadata.json")
            and path.name != "earlyphase-manifest.json"  # written by earlyphase._staging
            and path.stem.lower() != "define"  # the variable description, not a domain
        ):
            found.setdefault(path.stem.upper(), []).append(path)
    if not found:
        raise DataError(
            describe_problem("SDTM folder", str(folder), f"dataset files ({', '.join(FORMATS)})")
        )
    wanted = f".{prefer.lower().lstrip('.')}" if prefer else None
    chosen: dict[str, Path] = {}
    others: dict[str, tuple[Path, ...]] = {}
    data: dict[str, pd.DataFrame] = {}
    for domain, paths in found.items():
        ranked = sorted(paths, key=lambda p: (p.suffix.lower() != wanted, _rank(p)))
        chosen[domain] = ranked[0]
        data[domain] = read_dataset(ranked[0])
        if len(ranked) > 1:
            others[domain] = tuple(ranked[1:])
            if wanted is None or ranked[0].suffix.lower() != wanted:
                _check_copies_agree(domain, ranked[0], data[domain], ranked[1:])
    study = Study(data, sources=chosen, other_copies=others)
    if validate:
        study.validate().raise_for_errors()
    return study


def _rank(path: Path) -> int:
    suffix = path.suffix.lower()
    return PRECEDENCE.index(suffix) if suffix in PRECEDENCE else len(PRECEDENCE)


def _check_copies_agree(domain: str, used: Path, frame: pd.DataFrame, copies: list[Path]) -> None:
    """The copies of one domain have the rows and columns of the file read (else DataError)."""
    columns = {str(c).upper() for c in frame.columns}
    for copy in copies:
        other = read_dataset(copy)
        other_columns = {str(c).upper() for c in other.columns}
        if len(other) != len(frame) or other_columns != columns:
            differ = ""
            if other_columns != columns:
                differ = (
                    f", columns not in {used.name}: {sorted(other_columns - columns)}, "
                    f"missing: {sorted(columns - other_columns)}"
                )
            raise DataError(
                describe_problem(
                    f"domain {domain}",
                    f"{copy.name} with {len(other)} rows{differ}",
                    f"the same {len(frame)} rows and the same columns as {used.name} (read by "
                    "precedence); remove the stale copy or choose one with --prefer",
                )
            )


def write_study(
    study: Mapping[str, pd.DataFrame], directory: str | os.PathLike[str], *, format: str = "xpt"
) -> list[Path]:
    """Write each domain to ``directory/<domain lower case>.<format>``; return the paths."""
    ext = f".{format.lower().lstrip('.')}"
    if ext not in FORMATS:
        raise OptionsError(describe_problem("format", format, f"one of {[e[1:] for e in FORMATS]}"))
    out = []
    for domain, df in study.items():
        path = Path(directory) / f"{domain.lower()}{ext}"
        if not df.attrs.get("name"):
            df = df.copy()
            df.attrs["name"] = domain.upper()
        write_dataset(df, path)
        out.append(path)
    return out


def _idvarval(value: object) -> str:
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return (
        "" if value is None or (isinstance(value, float) and pd.isna(value)) else str(value).strip()
    )


def merge_supp(
    parent: pd.DataFrame, supp: pd.DataFrame | None, qnams: tuple[str, ...] | None = None
) -> pd.DataFrame:
    """Add SUPP-- qualifiers (``QNAM`` -> column holding ``QVAL``) to their parent records.

    Records are matched on ``USUBJID`` and, when ``IDVAR`` is set, on the parent's ``IDVAR``
    column equal to ``IDVARVAL`` (numbers compared as integers, e.g. ``EXSEQ`` 3 = "3").
    Requested ``qnams`` absent from ``supp`` become empty columns.  Two values for one record
    and QNAM are an error.
    """
    out = parent.copy()
    wanted = list(qnams) if qnams is not None else []
    if supp is None or supp.empty:
        for q in wanted:
            out[q] = pd.Series(pd.NA, index=out.index, dtype="str")
        return out
    supp = supp.copy()
    if qnams is not None:
        supp = supp[supp["QNAM"].isin(qnams)]
    else:
        wanted = sorted(supp["QNAM"].unique())
    idvar = (
        supp["IDVAR"].fillna("").astype(str).str.strip()
        if "IDVAR" in supp
        else pd.Series("", index=supp.index)
    )
    idval = (
        supp["IDVARVAL"].map(_idvarval) if "IDVARVAL" in supp else pd.Series("", index=supp.index)
    )
    supp = supp.assign(_IDVAR=idvar, _IDVAL=idval)
    dup = supp.duplicated(["USUBJID", "_IDVAR", "_IDVAL", "QNAM"], keep=False)
    if dup.any():
        row = supp[dup].iloc[0]
        raise DataError(
            describe_problem(
                f"SUPP QNAM {row['QNAM']}",
                f"several values for {row['USUBJID']}",
                "one value per record",
            )
        )
    for q in wanted:
        out[q] = pd.Series(pd.NA, index=out.index, dtype="str")
    for var, group in supp.groupby("_IDVAR", sort=False):
        wide = group.pivot(index=["USUBJID", "_IDVAL"], columns="QNAM", values="QVAL")
        if var:
            if var not in out.columns:
                raise DataError(
                    describe_problem(
                        "SUPP IDVAR", var, f"a variable of the parent domain ({list(out.columns)})"
                    )
                )
            key = pd.MultiIndex.from_arrays([out["USUBJID"], out[var].map(_idvarval)])
        else:
            key = pd.MultiIndex.from_arrays([out["USUBJID"], pd.Series("", index=out.index)])
        for q in wide.columns:
            values = pd.Series(wide[q].reindex(key).to_numpy(), index=out.index)
            out[q] = out[q].where(values.isna(), values.astype("str"))
    return out

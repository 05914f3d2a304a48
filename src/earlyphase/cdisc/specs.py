"""SDTM domain specifications the toolkit relies on, and their checks.

Each :class:`DomainSpec` lists variables with their SDTMIG 3.3 core (``Req`` must be present
and never null, ``Exp`` should be present, ``Perm`` may be), SAS type (``Char``/``Num``) and,
where one applies, the controlled terms: CDISC codelists (SEX, NY) are errors when violated;
extensible CDISC codelists and this toolkit's sponsor conventions (``docs/data_conventions.md``,
``earlyphase.cdisc.terms``) are errors where a derivation depends on them (AETOXGR, AEREL,
RSSTRESC) and warnings elsewhere (RACE, EXTRT).

Deviations from SDTMIG 3.3, on purpose: ``ACTARMCD``/``ACTARM``/``SUBJID``/``COUNTRY`` are
``Exp`` here (Req in the IG) because the data conventions do not require them; ``AETOXGR`` is
``Exp`` (oncology). Checks also flag duplicate keys, ``DOMAIN`` values that are not the
domain, ``--DTC`` values that are not ISO 8601 (partial dates are legal) and end dates before
start dates.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Literal

import pandas as pd

from earlyphase.cdisc import terms
from earlyphase.cdisc.dates import impute_dtc
from earlyphase.errors import DataError

__all__ = [
    "DOMAIN_SPECS",
    "DomainSpec",
    "Finding",
    "ValidationReport",
    "VariableSpec",
    "check_domain",
    "spec_for",
]

Severity = Literal["error", "warning"]


@dataclass(frozen=True)
class VariableSpec:
    """One SDTM variable: name, label, SAS type, core and optional controlled terms."""

    name: str
    label: str
    kind: Literal["Char", "Num"] = "Char"
    core: Literal["Req", "Exp", "Perm"] = "Perm"
    terms: frozenset[str] | None = None
    term_severity: Severity = "error"


@dataclass(frozen=True)
class DomainSpec:
    """An SDTM domain: its variables and the keys that identify one record."""

    domain: str
    label: str
    keys: tuple[str, ...]
    variables: tuple[VariableSpec, ...]

    @property
    def required(self) -> tuple[str, ...]:
        """Names of the ``Req`` variables."""
        return tuple(v.name for v in self.variables if v.core == "Req")


@dataclass(frozen=True)
class Finding:
    """One problem found in a dataset."""

    domain: str
    variable: str
    severity: Severity
    message: str
    n_rows: int = 0


@dataclass(frozen=True)
class ValidationReport:
    """All findings for a study; ``ok`` when there is no error (warnings allowed)."""

    findings: tuple[Finding, ...] = field(default_factory=tuple)

    @property
    def errors(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "error")

    @property
    def warnings(self) -> tuple[Finding, ...]:
        return tuple(f for f in self.findings if f.severity == "warning")

    @property
    def ok(self) -> bool:
        return not self.errors

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: domain, variable, severity, message, n_rows."""
        return pd.DataFrame(
            [(f.domain, f.variable, f.severity, f.message, f.n_rows) for f in self.findings],
            columns=["domain", "variable", "severity", "message", "n_rows"],
        )

    def raise_for_errors(self) -> None:
        """Raise :class:`DataError` listing every error (one line each)."""
        if self.errors:
            lines = [f"{f.domain}.{f.variable}: {f.message}" for f in self.errors]
            raise DataError(f"{len(lines)} SDTM error(s):\n  " + "\n  ".join(lines))


def _v(name, label, kind="Char", core="Perm", terms_=None, severity="error") -> VariableSpec:
    return VariableSpec(name, label, kind, core, frozenset(terms_) if terms_ else None, severity)


NY = ("Y", "N")
_ID = lambda d: (  # noqa: E731 - compact spec tables
    _v("STUDYID", "Study Identifier", core="Req"),
    _v("DOMAIN", "Domain Abbreviation", core="Req"),
    _v("USUBJID", "Unique Subject Identifier", core="Req"),
    _v(f"{d}SEQ", "Sequence Number", "Num", "Req"),
)

_SPECS = [
    DomainSpec(
        "DM",
        "Demographics",
        ("USUBJID",),
        (
            _v("STUDYID", "Study Identifier", core="Req"),
            _v("DOMAIN", "Domain Abbreviation", core="Req"),
            _v("USUBJID", "Unique Subject Identifier", core="Req"),
            _v("SUBJID", "Subject Identifier for the Study", core="Exp"),
            _v("RFSTDTC", "Subject Reference Start Date/Time", core="Exp"),
            _v("RFENDTC", "Subject Reference End Date/Time", core="Exp"),
            _v("RFICDTC", "Date/Time of Informed Consent", core="Exp"),
            _v("DTHDTC", "Date/Time of Death", core="Exp"),
            _v("DTHFL", "Subject Death Flag", core="Exp", terms_=("Y",)),
            _v("SITEID", "Study Site Identifier", core="Req"),
            _v("AGE", "Age", "Num", "Exp"),
            _v("AGEU", "Age Units", core="Exp", terms_=("YEARS",), severity="warning"),
            _v("SEX", "Sex", core="Req", terms_=("M", "F", "U", "UNDIFFERENTIATED")),
            _v(
                "RACE",
                "Race",
                core="Exp",
                severity="warning",
                terms_=(
                    "WHITE",
                    "ASIAN",
                    "BLACK OR AFRICAN AMERICAN",
                    "AMERICAN INDIAN OR ALASKA NATIVE",
                    "NATIVE HAWAIIAN OR OTHER PACIFIC ISLANDER",
                    "MULTIPLE",
                    "OTHER",
                    "NOT REPORTED",
                    "UNKNOWN",
                ),
            ),
            _v(
                "ETHNIC",
                "Ethnicity",
                severity="warning",
                terms_=("HISPANIC OR LATINO", "NOT HISPANIC OR LATINO", "NOT REPORTED", "UNKNOWN"),
            ),
            _v("ARMCD", "Planned Arm Code", core="Req"),
            _v("ARM", "Description of Planned Arm", core="Req"),
            _v("ACTARMCD", "Actual Arm Code", core="Exp"),
            _v("ACTARM", "Description of Actual Arm", core="Exp"),
            _v("COUNTRY", "Country", core="Exp"),
        ),
    ),
    DomainSpec(
        "EX",
        "Exposure",
        ("USUBJID", "EXSEQ"),
        (
            *_ID("EX"),
            _v(
                "EXTRT",
                "Name of Treatment",
                core="Req",
                terms_=tuple(terms.DRUGS.values()),
                severity="warning",
            ),
            _v("EXDOSE", "Dose", "Num", "Exp"),
            _v("EXDOSU", "Dose Units", core="Exp"),
            _v("EXROUTE", "Route of Administration"),
            _v("EXSTDTC", "Start Date/Time of Treatment", core="Exp"),
            _v("EXENDTC", "End Date/Time of Treatment", core="Exp"),
            _v("VISIT", "Visit Name"),
            _v("EXADJ", "Reason for Dose Adjustment"),
        ),
    ),
    DomainSpec(
        "AE",
        "Adverse Events",
        ("USUBJID", "AESEQ"),
        (
            *_ID("AE"),
            _v("AETERM", "Reported Term for the Adverse Event", core="Req"),
            _v("AEDECOD", "Dictionary-Derived Term", core="Req"),
            _v("AEBODSYS", "Body System or Organ Class", core="Exp"),
            _v("AECAT", "Category for Adverse Event"),
            _v("AESER", "Serious Event", core="Exp", terms_=NY),
            _v(
                "AEREL",
                "Causality",
                core="Exp",
                terms_=(*terms.RELATED_VALUES, "NOT RELATED", "UNLIKELY RELATED"),
            ),
            _v("AETOXGR", "Standard Toxicity Grade", core="Exp", terms_=("1", "2", "3", "4", "5")),
            _v("AESTDTC", "Start Date/Time of Adverse Event", core="Exp"),
            _v("AEENDTC", "End Date/Time of Adverse Event", core="Exp"),
        ),
    ),
    DomainSpec(
        "LB",
        "Laboratory Test Results",
        ("USUBJID", "LBSEQ"),
        (
            *_ID("LB"),
            _v("LBTESTCD", "Lab Test or Examination Short Name", core="Req"),
            _v("LBTEST", "Lab Test or Examination Name", core="Req"),
            _v("LBSPEC", "Specimen Type"),
            _v("LBORRES", "Result or Finding in Original Units", core="Exp"),
            _v("LBSTRESC", "Character Result/Finding in Std Format", core="Exp"),
            _v("LBSTRESN", "Numeric Result/Finding in Standard Units", "Num", "Exp"),
            _v("LBSTRESU", "Standard Units", core="Exp"),
            _v("LBSTNRLO", "Normal Range Lower Limit-Std Units", "Num", "Exp"),
            _v("LBSTNRHI", "Normal Range Upper Limit-Std Units", "Num", "Exp"),
            _v("VISIT", "Visit Name"),
            _v("LBDTC", "Date/Time of Specimen Collection", core="Exp"),
        ),
    ),
    DomainSpec(
        "RS",
        "Disease Response",
        ("USUBJID", "RSSEQ"),
        (
            *_ID("RS"),
            _v("RSTESTCD", "Assessment Short Name", core="Req"),
            _v("RSTEST", "Assessment Name", core="Req"),
            _v("RSORRES", "Result or Finding in Original Units", core="Exp"),
            _v(
                "RSSTRESC",
                "Character Result/Finding in Std Format",
                core="Exp",
                terms_=terms.RESPONSE_ORDER,
            ),
            _v("RSEVAL", "Evaluator", core="Exp"),
            _v("VISIT", "Visit Name"),
            _v("RSDTC", "Date/Time of Assessment", core="Exp"),
        ),
    ),
    DomainSpec(
        "PC",
        "Pharmacokinetics Concentrations",
        ("USUBJID", "PCSEQ"),
        (
            *_ID("PC"),
            _v(
                "PCTESTCD",
                "Pharmacokinetic Test Short Name",
                core="Req",
                terms_=tuple(terms.PC_TESTCD.values()),
                severity="warning",
            ),
            _v("PCTEST", "Pharmacokinetic Test Name", core="Req"),
            _v("PCORRES", "Result or Finding in Original Units", core="Exp"),
            _v("PCSTRESC", "Character Result/Finding in Std Format", core="Exp"),
            _v("PCSTRESN", "Numeric Result/Finding in Standard Units", "Num", "Exp"),
            _v("PCSTRESU", "Standard Units", core="Exp"),
            _v("PCLLOQ", "Lower Limit of Quantitation", "Num", "Exp"),
            _v("VISIT", "Visit Name"),
            _v("PCDTC", "Date/Time of Specimen Collection", core="Exp"),
            _v("PCTPT", "Planned Time Point Name"),
            _v("PCTPTNUM", "Planned Time Point Number", "Num"),
        ),
    ),
    DomainSpec(
        "PP",
        "Pharmacokinetics Parameters",
        ("USUBJID", "PPSEQ"),
        (
            *_ID("PP"),
            _v("PPTESTCD", "Parameter Short Name", core="Req"),
            _v("PPTEST", "Parameter Name", core="Req"),
            _v("PPCAT", "Parameter Category", core="Exp"),
            _v("PPORRES", "Result or Finding in Original Units", core="Exp"),
            _v("PPSTRESN", "Numeric Result/Finding in Standard Units", "Num", "Exp"),
            _v("PPSTRESU", "Standard Units", core="Exp"),
            _v("PPRFDTC", "Date/Time of Reference Point"),
        ),
    ),
    DomainSpec(
        "DS",
        "Disposition",
        ("USUBJID", "DSSEQ"),
        (
            *_ID("DS"),
            _v("DSTERM", "Reported Term for the Disposition Event", core="Req"),
            _v("DSDECOD", "Standardized Disposition Term", core="Req"),
            _v("DSCAT", "Category for Disposition Event", core="Exp"),
            _v("EPOCH", "Epoch", core="Perm"),
            _v("DSSTDTC", "Start Date/Time of Disposition Event", core="Exp"),
        ),
    ),
    DomainSpec(
        "MH",
        "Medical History",
        ("USUBJID", "MHSEQ"),
        (
            *_ID("MH"),
            _v("MHTERM", "Reported Term for the Medical History", core="Req"),
            _v("MHDECOD", "Dictionary-Derived Term"),
            _v("MHCAT", "Category for Medical History"),
            _v("MHSTDTC", "Start Date/Time of Medical History Event"),
        ),
    ),
    DomainSpec(
        "VS",
        "Vital Signs",
        ("USUBJID", "VSSEQ"),
        (
            *_ID("VS"),
            _v("VSTESTCD", "Vital Signs Test Short Name", core="Req"),
            _v("VSTEST", "Vital Signs Test Name", core="Req"),
            _v("VSORRES", "Result or Finding in Original Units", core="Exp"),
            _v("VSSTRESN", "Numeric Result/Finding in Standard Units", "Num", "Exp"),
            _v("VSSTRESU", "Standard Units", core="Exp"),
            _v("VISIT", "Visit Name"),
            _v("VSDTC", "Date/Time of Measurements", core="Exp"),
        ),
    ),
    DomainSpec(
        "SC",
        "Subject Characteristics",
        ("USUBJID", "SCSEQ"),
        (
            *_ID("SC"),
            _v(
                "SCTESTCD",
                "Subject Characteristic Short Name",
                core="Req",
                terms_=tuple(terms.SC_TESTS),
                severity="warning",
            ),
            _v("SCTEST", "Subject Characteristic", core="Req"),
            _v("SCORRES", "Result or Finding in Original Units", core="Exp"),
            _v("SCSTRESC", "Character Result/Finding in Std Format", core="Exp"),
            _v("SCSTRESN", "Numeric Result/Finding in Standard Units", "Num"),
        ),
    ),
]

_SUPP = DomainSpec(
    "SUPP--",
    "Supplemental Qualifiers",
    ("RDOMAIN", "USUBJID", "IDVAR", "IDVARVAL", "QNAM"),
    (
        _v("STUDYID", "Study Identifier", core="Req"),
        _v("RDOMAIN", "Related Domain Abbreviation", core="Req"),
        _v("USUBJID", "Unique Subject Identifier", core="Req"),
        _v("IDVAR", "Identifying Variable", core="Exp"),
        _v("IDVARVAL", "Identifying Variable Value", core="Exp"),
        _v("QNAM", "Qualifier Variable Name", core="Req"),
        _v("QLABEL", "Qualifier Variable Label", core="Req"),
        _v("QVAL", "Data Value", core="Req"),
        _v("QORIG", "Origin", core="Exp"),
    ),
)

#: Domain code -> specification (``SUPP--`` covers every SUPPxx dataset).
DOMAIN_SPECS: Mapping[str, DomainSpec] = MappingProxyType({s.domain: s for s in [*_SPECS, _SUPP]})


def spec_for(domain: str) -> DomainSpec | None:
    """The specification of ``domain`` (``SUPPAE`` -> the ``SUPP--`` spec), or None."""
    domain = domain.upper()
    if domain.startswith("SUPP") and len(domain) > 4:
        return _SUPP
    return DOMAIN_SPECS.get(domain)


def _blank(series: pd.Series) -> pd.Series:
    if pd.api.types.is_numeric_dtype(series.dtype):
        return series.isna()
    return series.isna() | (series.astype(str).str.strip() == "")


def _variable_findings(df: pd.DataFrame, domain: str, var: VariableSpec) -> list[Finding]:
    """Presence, type, required values and controlled terms of one specified variable."""
    if var.name not in df.columns:
        if var.core == "Req":
            message = f"required variable {var.name} ({var.label}) is missing"
            return [Finding(domain, var.name, "error", message, 0)]
        if var.core == "Exp":
            message = f"expected variable {var.name} ({var.label}) is missing"
            return [Finding(domain, var.name, "warning", message, 0)]
        return []
    col = df[var.name]
    is_num = pd.api.types.is_numeric_dtype(col.dtype) and not pd.api.types.is_bool_dtype(col.dtype)
    if var.kind == "Num" and not is_num:
        message = f"has type {col.dtype}; expected Num (numeric)"
        return [Finding(domain, var.name, "error", message, 0)]
    if var.kind == "Char" and is_num:
        message = f"has type {col.dtype}; expected Char (text)"
        return [Finding(domain, var.name, "error", message, 0)]
    found: list[Finding] = []
    blank = _blank(col)
    if var.name in ("ARMCD", "ARM") and "ARMNRS" in df.columns:
        blank = blank & _blank(df["ARMNRS"])  # SDTMIG 3.3: null arm with a reason is legal
    if var.core == "Req" and blank.any():
        n = int(blank.sum())
        message = f"required variable has {n} null value(s)"
        found.append(Finding(domain, var.name, "error", message, n))
    if var.terms is not None:
        values = col[~blank].astype(str)
        if domain == "RS" and "RSTESTCD" in df.columns:
            values = values[df.loc[~blank, "RSTESTCD"] == "OVRLRESP"]
        bad = values[~values.isin(var.terms)]
        if len(bad):
            shown = sorted(set(bad))[:5]
            message = (
                f"{len(bad)} value(s) outside controlled terms: {shown}; "
                f"expected one of {sorted(var.terms)}"
            )
            found.append(Finding(domain, var.name, var.term_severity, message, len(bad)))
    return found


def check_domain(df: pd.DataFrame, domain: str) -> list[Finding]:
    """Check one dataset against its specification; unknown domains get only generic checks."""
    domain = domain.upper()
    spec = spec_for(domain)
    found: list[Finding] = []

    def add(var: str, severity: Severity, message: str, n: int = 0) -> None:
        found.append(Finding(domain, var, severity, message, n))

    for var in spec.variables if spec else ():
        found += _variable_findings(df, domain, var)
    if "DOMAIN" in df.columns and not domain.startswith("SUPP"):
        wrong = df["DOMAIN"].astype(str) != domain
        if wrong.any():
            add(
                "DOMAIN",
                "error",
                f"{int(wrong.sum())} row(s) with DOMAIN not {domain!r}",
                int(wrong.sum()),
            )
    if spec is not None:
        keys = [k for k in spec.keys if k in df.columns]
        complete = len(keys) == len(spec.keys) or (
            spec.domain == "SUPP--" and {"USUBJID", "QNAM"} <= set(keys)
        )
        dup = (
            df.duplicated(subset=keys, keep=False) if complete else pd.Series(False, index=df.index)
        )
        if dup.any():
            add(
                "/".join(keys),
                "error",
                f"{int(dup.sum())} row(s) share the same key {keys}",
                int(dup.sum()),
            )
    for name in map(str, df.columns):
        if name.endswith("DTC") and not pd.api.types.is_numeric_dtype(df[name].dtype):
            try:
                impute_dtc(df[name], field=f"{domain}.{name}")
            except DataError as exc:
                add(name, "error", str(exc))
    prefix = domain if len(domain) == 2 else ""
    start, end = f"{prefix}STDTC", f"{prefix}ENDTC"
    if (
        prefix
        and {start, end} <= set(df.columns)
        and not any(f.variable in (start, end) for f in found)
    ):
        s = impute_dtc(df[start], date_imputation="first").datetimes
        e = impute_dtc(df[end], date_imputation="last").datetimes
        before = (e < s).fillna(False)
        if before.any():
            add(
                end,
                "error",
                f"{int(before.sum())} row(s) end before they start ({end} < {start})",
                int(before.sum()),
            )
    return found

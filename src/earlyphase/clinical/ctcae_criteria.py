"""CTCAE v4.03 and v5.0 grading criteria for the laboratory-gradable terms, as data.

Each term is a list of threshold rules, evaluated from the highest grade down (the first rule
that holds gives the grade), in the table-driven style of pharmaverse/admiral
(``derive_var_atoxgr``). Thresholds are transcribed from:

- **v4.03**: NCI *Common Terminology Criteria for Adverse Events (CTCAE) Version 4.03*,
  14 June 2010 (``CTCAE_4.03_2010-06-14.xlsx``), SOC "Investigations" (neutrophil, platelet,
  white blood cell and lymphocyte counts decreased; creatinine, ALT, AST and blood bilirubin
  increased) and SOC "Blood and lymphatic system disorders" (anemia).
- **v5.0**: NCI *CTCAE Version 5.0*, 27 November 2017 (``CTCAE_v5.0_2017-11-27.xlsx``), same
  SOCs and terms.

The grade texts quoted in each rule were checked against the transcription of those NCI
spreadsheets in pharmaverse/admiral ``data-raw/adlb_grading/ncictcaev4.json`` and
``ncictcaev5.json`` (commit 6eb5125) and the FHIR bundles built from the same spreadsheets in
uscnewplatform/irccs-docker ``importCtcae/v4`` and ``v5`` (see ``docs/clinical.md``). Page
numbers of the PDF editions are not cited because the spreadsheets, not the PDFs, were read.

Grades that need clinical information (anemia grade 4 "life-threatening consequences",
"transfusion indicated") are not lab-gradable: anemia is capped at grade 3 from haemoglobin.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType
from typing import Literal

__all__ = ["CTCAE_VERSIONS", "CRITERIA", "GradeRule", "LabTerm", "TERM_TO_TEST"]

CTCAE_VERSIONS = ("4.03", "5.0")

Reference = Literal["abs", "lln", "uln", "baseline"]
Condition = Literal["always", "baseline_normal", "baseline_abnormal"]


@dataclass(frozen=True)
class GradeRule:
    """One threshold: ``value <op> factor * reference`` gives ``grade``.

    ``reference`` is ``"abs"`` (factor is an absolute value in the standard unit), ``"lln"``,
    ``"uln"`` or ``"baseline"``. ``condition`` restricts the rule to patients whose baseline was
    within normal limits or abnormal (v5.0 liver terms). ``ctcae_text`` is the grade text of the
    CTCAE document that the rule encodes.
    """

    grade: int
    op: Literal["<", ">", ">="]
    factor: float
    reference: Reference
    ctcae_text: str
    condition: Condition = "always"

    def describe(self, unit: str) -> str:
        """Human-readable form of the rule, e.g. ``"value < 0.5 10^9/L"``."""
        if self.reference == "abs":
            rhs = f"{self.factor:g} {unit}"
        elif self.factor == 1.0:
            rhs = self.reference.upper() if self.reference != "baseline" else "baseline"
        else:
            name = self.reference.upper() if self.reference != "baseline" else "baseline"
            rhs = f"{self.factor:g} x {name}"
        cond = {"always": "", "baseline_normal": " (baseline normal)"}.get(
            self.condition, " (baseline abnormal)"
        )
        return f"grade {self.grade}: value {self.op} {rhs}{cond} [CTCAE: {self.ctcae_text}]"


@dataclass(frozen=True)
class LabTerm:
    """A CTCAE term graded from one laboratory test."""

    term: str
    test: str
    direction: Literal["low", "high"]
    soc: str
    rules: tuple[GradeRule, ...]


def _low(
    term: str, test: str, soc: str, g4: float | None, g3: float, g2: float, texts: tuple[str, ...]
) -> LabTerm:
    rules = []
    if g4 is not None:
        rules.append(GradeRule(4, "<", g4, "abs", texts[3]))
    rules += [
        GradeRule(3, "<", g3, "abs", texts[2]),
        GradeRule(2, "<", g2, "abs", texts[1]),
        GradeRule(1, "<", 1.0, "lln", texts[0]),
    ]
    return LabTerm(term, test, "low", soc, tuple(rules))


_INV = "Investigations"
_BLOOD = "Blood and lymphatic system disorders"

_NEUT = _low(
    "Neutrophil count decreased",
    "neutrophils",
    _INV,
    0.5,
    1.0,
    1.5,
    (
        "<LLN - 1500/mm3; <LLN - 1.5 x 10e9/L",
        "<1500 - 1000/mm3; <1.5 - 1.0 x 10e9/L",
        "<1000 - 500/mm3; <1.0 - 0.5 x 10e9/L",
        "<500/mm3; <0.5 x 10e9/L",
    ),
)
_PLAT = _low(
    "Platelet count decreased",
    "platelets",
    _INV,
    25.0,
    50.0,
    75.0,
    (
        "<LLN - 75,000/mm3; <LLN - 75.0 x 10e9/L",
        "<75,000 - 50,000/mm3; <75.0 - 50.0 x 10e9/L",
        "<50,000 - 25,000/mm3; <50.0 - 25.0 x 10e9/L",
        "<25,000/mm3; <25.0 x 10e9/L",
    ),
)
_WBC = _low(
    "White blood cell decreased",
    "wbc",
    _INV,
    1.0,
    2.0,
    3.0,
    (
        "<LLN - 3000/mm3; <LLN - 3.0 x 10e9/L",
        "<3000 - 2000/mm3; <3.0 - 2.0 x 10e9/L",
        "<2000 - 1000/mm3; <2.0 - 1.0 x 10e9/L",
        "<1000/mm3; <1.0 x 10e9/L",
    ),
)
_LYM = _low(
    "Lymphocyte count decreased",
    "lymphocytes",
    _INV,
    0.2,
    0.5,
    0.8,
    (
        "<LLN - 800/mm3; <LLN - 0.8 x 10e9/L",
        "<800 - 500/mm3; <0.8 - 0.5 x 10e9/L",
        "<500 - 200/mm3; <0.5 - 0.2 x 10e9/L",
        "<200/mm3; <0.2 x 10e9/L",
    ),
)
# Anemia grade 4 is "Life-threatening consequences; urgent intervention indicated": not lab-gradable.
_ANEMIA = _low(
    "Anemia",
    "hemoglobin",
    _BLOOD,
    None,
    80.0,
    100.0,
    (
        "Hgb <LLN - 10.0 g/dL; <LLN - 6.2 mmol/L; <LLN - 100 g/L",
        "Hgb <10.0 - 8.0 g/dL; <6.2 - 4.9 mmol/L; <100 - 80 g/L",
        "Hgb <8.0 g/dL; <4.9 mmol/L; <80 g/L; transfusion indicated",
        "",
    ),
)


def _uln_rules(
    mult: tuple[float, float, float], texts: tuple[str, ...], condition: Condition = "always"
) -> list[GradeRule]:
    g4, g3, g2 = mult
    return [
        GradeRule(4, ">", g4, "uln", texts[3], condition),
        GradeRule(3, ">", g3, "uln", texts[2], condition),
        GradeRule(2, ">", g2, "uln", texts[1], condition),
        GradeRule(1, ">", 1.0, "uln", texts[0], condition),
    ]


_TRANS_V4 = (">ULN - 3.0 x ULN", ">3.0 - 5.0 x ULN", ">5.0 - 20.0 x ULN", ">20.0 x ULN")
_BILI_V4 = (">ULN - 1.5 x ULN", ">1.5 - 3.0 x ULN", ">3.0 - 10.0 x ULN", ">10.0 x ULN")

_TRANS_V5 = (
    ">ULN - 3.0 x ULN if baseline was normal; 1.5 - 3.0 x baseline if baseline was abnormal",
    ">3.0 - 5.0 x ULN if baseline was normal; >3.0 - 5.0 x baseline if baseline was abnormal",
    ">5.0 - 20.0 x ULN if baseline was normal; >5.0 - 20.0 x baseline if baseline was abnormal",
    ">20.0 x ULN if baseline was normal; >20.0 x baseline if baseline was abnormal",
)
_BILI_V5 = (
    ">ULN - 1.5 x ULN if baseline was normal; >1.0 - 1.5 x baseline if baseline was abnormal",
    ">1.5 - 3.0 x ULN if baseline was normal; >1.5 - 3.0 x baseline if baseline was abnormal",
    ">3.0 - 10.0 x ULN if baseline was normal; >3.0 - 10.0 x baseline if baseline was abnormal",
    ">10.0 x ULN if baseline was normal; >10.0 x baseline if baseline was abnormal",
)


def _uln_or_baseline(
    term: str,
    test: str,
    version: str,
    mult: tuple[float, float, float],
    texts: tuple[tuple[str, ...], tuple[str, ...]],
    grade1_baseline: GradeRule,
) -> LabTerm:
    """A "high" term graded by ULN multiples (v4.03), or in v5.0 by ULN multiples when the
    baseline is normal and by the same multiples of the baseline when it is abnormal.

    ``texts`` are the (v4.03, v5.0) grade texts; ``grade1_baseline`` is the v5.0 grade 1 rule
    of the baseline-abnormal branch (its factor and comparison differ between terms).
    """
    if version == "4.03":
        return LabTerm(term, test, "high", _INV, tuple(_uln_rules(mult, texts[0])))
    t = texts[1]
    g4, g3, g2 = mult
    abnormal = [
        GradeRule(4, ">", g4, "baseline", t[3], "baseline_abnormal"),
        GradeRule(3, ">", g3, "baseline", t[2], "baseline_abnormal"),
        GradeRule(2, ">", g2, "baseline", t[1], "baseline_abnormal"),
        grade1_baseline,
    ]
    rules = _uln_rules(mult, t, "baseline_normal") + abnormal
    return LabTerm(term, test, "high", _INV, tuple(sorted(rules, key=lambda r: -r.grade)))


def _transaminase(term: str, test: str, version: str) -> LabTerm:
    # v5.0 grade 1 reads "1.5 - 3.0 x baseline": inclusive lower bound (as admiral codes it).
    g1 = GradeRule(1, ">=", 1.5, "baseline", _TRANS_V5[0], "baseline_abnormal")
    return _uln_or_baseline(term, test, version, (20.0, 5.0, 3.0), (_TRANS_V4, _TRANS_V5), g1)


def _bilirubin(version: str) -> LabTerm:
    g1 = GradeRule(1, ">", 1.0, "baseline", _BILI_V5[0], "baseline_abnormal")
    return _uln_or_baseline(
        "Blood bilirubin increased",
        "bilirubin",
        version,
        (10.0, 3.0, 1.5),
        (_BILI_V4, _BILI_V5),
        g1,
    )


def _creatinine(version: str) -> LabTerm:
    term = "Creatinine increased"
    if version == "4.03":
        # v4.03: G1 ">1 - 1.5 x baseline; >ULN - 1.5 x ULN"; G2 ">1.5 - 3.0 x baseline;
        # >1.5 - 3.0 x ULN"; G3 ">3.0 baseline; >3.0 - 6.0 x ULN"; G4 ">6.0 x ULN".
        # The worse of the ULN-based and the baseline-based grade applies (as in admiral).
        t = (
            ">1 - 1.5 x baseline; >ULN - 1.5 x ULN",
            ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN",
            ">3.0 baseline; >3.0 - 6.0 x ULN",
            ">6.0 x ULN",
        )
        rules: tuple[GradeRule, ...] = (
            GradeRule(4, ">", 6.0, "uln", t[3]),
            GradeRule(3, ">", 3.0, "uln", t[2]),
            GradeRule(3, ">", 3.0, "baseline", t[2]),
            GradeRule(2, ">", 1.5, "uln", t[1]),
            GradeRule(2, ">", 1.5, "baseline", t[1]),
            GradeRule(1, ">", 1.0, "uln", t[0]),
            GradeRule(1, ">", 1.0, "baseline", t[0]),
        )
        return LabTerm(term, "creatinine", "high", _INV, rules)
    # v5.0: grade 1 became ULN-only (">ULN - 1.5 x ULN"); grades 2-3 keep the baseline branch.
    t = (
        ">ULN - 1.5 x ULN",
        ">1.5 - 3.0 x baseline; >1.5 - 3.0 x ULN",
        ">3.0 baseline; >3.0 - 6.0 x ULN",
        ">6.0 x ULN",
    )
    rules = (
        GradeRule(4, ">", 6.0, "uln", t[3]),
        GradeRule(3, ">", 3.0, "uln", t[2]),
        GradeRule(3, ">", 3.0, "baseline", t[2]),
        GradeRule(2, ">", 1.5, "uln", t[1]),
        GradeRule(2, ">", 1.5, "baseline", t[1]),
        GradeRule(1, ">", 1.0, "uln", t[0]),
    )
    return LabTerm(term, "creatinine", "high", _INV, rules)


def _criteria(version: str) -> MappingProxyType[str, LabTerm]:
    terms = (
        _NEUT,
        _PLAT,
        _WBC,
        _LYM,
        _ANEMIA,
        _creatinine(version),
        _transaminase("Alanine aminotransferase increased", "alt", version),
        _transaminase("Aspartate aminotransferase increased", "ast", version),
        _bilirubin(version),
    )
    return MappingProxyType({t.test: t for t in terms})


#: version -> test key (``LB_TESTS`` key) -> :class:`LabTerm`.
CRITERIA = MappingProxyType({v: _criteria(v) for v in CTCAE_VERSIONS})

#: CTCAE term name (lower case) and LBTESTCD (lower case) -> test key.
TERM_TO_TEST = MappingProxyType(
    {
        **{t.term.lower(): t.test for t in CRITERIA["4.03"].values()},
        "neut": "neutrophils",
        "anc": "neutrophils",
        "plat": "platelets",
        "hgb": "hemoglobin",
        "lym": "lymphocytes",
        "creat": "creatinine",
        "bili": "bilirubin",
        "alt increased": "alt",
        "ast increased": "ast",
    }
)

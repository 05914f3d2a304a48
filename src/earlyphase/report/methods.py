"""The methods section: every convention the numbers depend on, and the software used."""

from __future__ import annotations

import platform
from collections.abc import Collection, Mapping, Sequence
from importlib import metadata
from typing import Any

from earlyphase.report.content import MethodsSection
from earlyphase.report.options import ReportOptions

__all__ = ["methods_sections", "software_versions"]

_PACKAGES = (
    "earlyphase",
    "numpy",
    "scipy",
    "pandas",
    "matplotlib",
    "rtflite",
    "polars",
    "reportlab",
)


def software_versions() -> dict[str, str]:
    """Python and package versions used to produce the report."""
    out = {"python": platform.python_version()}
    for name in _PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = "not installed"
    return out


def _engines(options: ReportOptions) -> tuple[str, str]:
    return (
        f"earlyphase.survival.kaplan_meier, conf_type='{options.km_conf_type}', quantile_rule='sas'",
        "earlyphase.stats.binomial_ci, method='clopper-pearson'",
    )


def _nca_text(attrs: Mapping[str, Mapping[str, Any]]) -> str:
    """NCA settings: those recorded with ADPP, else the defaults of earlyphase.pk.nca."""
    recorded = attrs.get("ADPP", {}).get("nca_options")
    if isinstance(recorded, Mapping):
        settings = dict(recorded)
        source = "recorded with ADPP"
    else:
        try:
            from dataclasses import asdict

            from earlyphase.pk.nca import NCAOptions
        except ImportError:
            return ""
        settings = asdict(NCAOptions())
        source = "earlyphase.pk.nca.NCAOptions defaults, as used by earlyphase.cdisc.adam"
    keys = (
        "auc_method",
        "blq_before_first",
        "blq_between",
        "blq_after_last",
        "time_zero",
        "lambda_z_min_points",
        "lambda_z_tolerance",
        "lambda_z_selection",
    )
    text = "; ".join(f"{k} = {settings[k]}" for k in keys if k in settings)
    return f"NCA settings ({source}): {text}."


def methods_sections(
    attrs: Mapping[str, Mapping[str, Any]],
    provenance: str,
    options: ReportOptions,
    produced: Collection[str] | None = None,
    plan_notes: Sequence[str] = (),
    ae_graded: bool = True,
) -> tuple[MethodsSection, ...]:
    """Methods paragraphs of what was run.

    ``attrs`` = each ADaM dataset's ``DataFrame.attrs`` metadata; ``produced`` = ids of the
    tables and figures produced (None: all), so that a section (response, time-to-event,
    adverse events, pharmacokinetics) appears only when an output used it; ``plan_notes``
    = the analysis plan, what was inferred and the validation outcome; ``ae_graded`` =
    ADAE has CTCAE grades (else the AE intensity is the severity).
    """
    km_engine, ci_engine = _engines(options)
    nca = _nca_text(attrs)
    versions = software_versions()

    def ran(*prefixes: str) -> bool:
        return produced is None or any(p.startswith(prefixes) for p in produced)

    sections = (
        MethodsSection(
            "Data",
            (
                provenance,
                *plan_notes,
                "Analysis datasets follow CDISC ADaM (ADSL, ADAE, ADRS, ADTTE, ADPC, ADPP) as "
                "described in docs/data_conventions.md. Populations: safety (SAFFL), "
                "response-evaluable (EFFFL), pharmacokinetic (PKFL). Columns are the actual dose "
                "arms (TRT01A, in TRT01AN order) plus the overall column.",
            ),
        ),
        MethodsSection(
            "Categorical data and confidence intervals",
            (
                "Counts are patients; percentages use the column N unless a footnote states another "
                "denominator. Percentages and other numbers are rounded half away from zero at "
                "display (SAS ROUND convention); the CSV/Parquet exports keep unrounded values.",
                *(
                    (
                        f"Response rates carry Clopper–Pearson exact 95% CIs ({ci_engine}), as "
                        "SAS PROC FREQ BINOMIAL exact limits and R binom.test.",
                    )
                    if ran("efficacy", "figure2")
                    else ()
                ),
            ),
        ),
        MethodsSection(
            "Response (IMWG)",
            (
                "Best overall response from ADRS (PARAMCD = BOR), derived by the International "
                "Myeloma Working Group uniform response criteria (Kumar et al., Lancet Oncol 2016) "
                "with the EBMT minimal response, investigator assessment. ORR = sCR + CR + VGPR + PR; "
                "CBR = ORR + MR. Time to first and best response are described among responders "
                "(weeks = days / 7).",
            ),
        ),
        MethodsSection(
            "Time-to-event endpoints",
            (
                f"Kaplan–Meier product-limit estimates ({km_engine}); Greenwood variance; pointwise "
                f"95% CIs by the {options.km_conf_text} (SAS defaults to log-log, R survfit to "
                "log, tern to plain). "
                + (options.km_conf_reason + " " if options.km_conf_reason else "")
                + "Median by the SAS rule (average of the "
                "first times the curve is below and at or below 0.5; not estimable if it never "
                "drops below 0.5) with the Brookmeyer–Crowley CI on the same transform; landmark "
                "survival read off the step function, not estimable beyond the last observation.",
                "PFS from first dose to progression or death, censored at the last adequate "
                "assessment; OS censored at the last known alive date; DOR from first response "
                "(≥PR) to progression or death. Months = days / 30.4375. Median follow-up by the "
                "reverse Kaplan–Meier method (Schemper & Smith 1996).",
            ),
        ),
        MethodsSection(
            "Adverse events",
            (
                (
                    "CTCAE v4.03 grades"
                    if ae_graded
                    else "No CTCAE grades in ADAE: intensity is the severity (AESEV: mild, "
                    "moderate, severe)"
                )
                + "; treatment-emergent events judged at least possibly related; "
                "each patient counted once per preferred term at the worst grade. Events flagged "
                "ANLEXFL (expected events) are shown but excluded from summary rows."
                + (
                    " Infusion reactions (ADAE.IRFL) in cycle 1 are counted per drug and "
                    "infusion day."
                    if ran("infusion", "figure1")
                    else ""
                ),
            ),
        ),
        MethodsSection(
            "Pharmacokinetics",
            (
                "Noncompartmental parameters read from ADPP (constant-infusion model, as Phoenix "
                "WinNonlin Model 202); summarised as arithmetic mean ± SD (geometric mean) [CV% = "
                "SD / mean x 100], three significant figures; tmax as median (range). Parameters "
                "that could not be computed are missing with a reason (ADPP.EXCLREAS) and excluded. "
                + nca,
            ),
        ),
        MethodsSection(
            "Software",
            (
                ", ".join(f"{k} {v}" for k, v in versions.items()) + ".",
                "Figures: matplotlib (Agg). RTF: rtflite. PDF: reportlab.",
            ),
        ),
    )
    wanted = {
        "Response (IMWG)": ran("efficacy", "figure2"),
        "Time-to-event endpoints": ran("time_to_event", "figure3", "figure4", "efficacy_response"),
        "Adverse events": ran("table2", "infusion", "figure1"),
        "Pharmacokinetics": ran("table3", "figure_pk"),
    }
    return tuple(s for s in sections if wanted.get(s.heading, True))

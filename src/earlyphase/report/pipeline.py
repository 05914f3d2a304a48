"""The main job: ADaM in, the report out (HTML, RTF, PDF, PNG, CSV/Parquet).

``build_report`` does not care where the ADaM came from.  ``run_reference`` reconstructs the
reference trial (``earlyphase.twin``), derives its ADaM (``earlyphase.cdisc.adam``) and adds
the published-versus-reproduced section; ``analyze`` does the same for any trial's SDTM
folder.  Tables or figures whose inputs are missing are listed with what is missing, and the
rest of the report is still produced.
"""

from __future__ import annotations

import datetime as dt
import inspect
import time
from collections.abc import Callable, Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import TYPE_CHECKING, Any

import pandas as pd

from earlyphase._files import atomic_write
from earlyphase._staging import MANIFEST_NAME, staged_folder
from earlyphase._stamps import file_timestamp
from earlyphase.errors import DataError, EarlyphaseError, FindingsError, describe_problem
from earlyphase.limits import check_seed
from earlyphase.report.content import ReportContent, SkippedOutput
from earlyphase.report.figures._base import FigureResult
from earlyphase.report.options import ReportOptions
from earlyphase.report.published import Comparison, compare_published
from earlyphase.report.spec import TableResult
from earlyphase.report.tables._common import missing_inputs

if TYPE_CHECKING:
    from earlyphase.cdisc.adam import AdamResult
    from earlyphase.protocol import Protocol
    from earlyphase.protocol.analysis import AnalysisPlan
    from earlyphase.report.figures.registry import FigureBuilder
    from earlyphase.report.tables import TableBuilder

__all__ = ["DEFAULT_FORMATS", "ReportResult", "analyze", "build_report", "run_reference"]

DEFAULT_FORMATS = ("html", "rtf", "pdf", "png", "csv", "parquet")
_KNOWN_FORMATS = frozenset((*DEFAULT_FORMATS, "vector"))
_IMAGE_FORMATS = frozenset({"html", "rtf", "pdf", "png", "vector"})
Progress = Callable[[str], None]


@dataclass(frozen=True)
class ReportResult:
    """What ``build_report`` produced."""

    out_dir: Path
    files: tuple[Path, ...]
    tables: Mapping[str, TableResult]
    figures: Mapping[str, FigureResult]
    comparison: Comparison | None
    skipped: tuple[SkippedOutput, ...]
    timings: Mapping[str, float] = field(default_factory=dict)
    #: data notes of the run (analysis plan, what was inferred, validation, missing inputs)
    notes: tuple[str, ...] = ()

    @property
    def html_path(self) -> Path:
        return self.out_dir / "report.html"

    def to_frame(self) -> pd.DataFrame:
        """One row per output: output_id, kind, status, reason."""
        rows = [(k, "table", "produced", "") for k in self.tables]
        rows += [(k, "figure", "produced", "") for k in self.figures]
        rows += [
            (s.output_id, "output", "not produced", "; ".join(s.reasons)) for s in self.skipped
        ]
        return pd.DataFrame(rows, columns=["output_id", "kind", "status", "reason"])


def _normalise(
    adam: Mapping[str, pd.DataFrame],
) -> tuple[dict[str, pd.DataFrame], dict[str, dict[str, Any]]]:
    """Upper-case names; ``DataFrame.attrs`` (variable metadata) moved aside.

    pandas deep-copies ``attrs`` on every operation, which made the tables several times
    slower on datasets read from Dataset-JSON/XPT; the metadata is kept for the methods text.
    """
    out: dict[str, pd.DataFrame] = {}
    attrs: dict[str, dict[str, Any]] = {}
    for name, frame in adam.items():
        if not isinstance(frame, pd.DataFrame):
            raise DataError(
                describe_problem(f"adam[{name!r}]", type(frame).__name__, "a pandas DataFrame")
            )
        key = str(name).upper()
        attrs[key] = {str(k): v for k, v in frame.attrs.items()}
        light = frame.copy(deep=False)
        light.attrs = {}
        out[key] = light
    return out, attrs


def _build_outputs(
    adam: Mapping[str, pd.DataFrame],
    builders: Iterable[TableBuilder | FigureBuilder],
    say: Progress,
    options: ReportOptions,
) -> tuple[dict[str, Any], list[SkippedOutput]]:
    """Run each builder whose inputs exist; list the others (and those whose data do not
    allow them: an :class:`EarlyphaseError` names why) as not produced.  Any other exception
    is a bug and propagates."""
    built: dict[str, Any] = {}
    skipped: list[SkippedOutput] = []
    for builder in builders:
        output_id = builder.output_id
        if builder.only_with and builder.only_with not in adam:
            continue  # not applicable to this trial (e.g. RECIST outputs without ADTR)
        if builder.not_with and builder.not_with in adam:
            continue  # not applicable (e.g. IMWG response outputs of a RECIST trial)
        missing = missing_inputs(adam, builder.requires)
        if missing:
            skipped.append(SkippedOutput(output_id, builder.title, tuple(missing)))
            continue
        say(f"{builder.title}")
        try:
            built[output_id] = builder.run(adam, options)
        except EarlyphaseError as exc:
            skipped.append(SkippedOutput(output_id, builder.title, (str(exc),)))
    return built, skipped


def _ae_graded(adam: Mapping[str, pd.DataFrame]) -> bool:
    """ADAE carries CTCAE grades (some ``ATOXGRN``)."""
    adae = adam.get("ADAE")
    if adae is None or "ATOXGRN" not in adae.columns:
        return False
    return bool(pd.to_numeric(adae["ATOXGRN"], errors="coerce").notna().any())


def build_report(
    adam: Mapping[str, pd.DataFrame],
    out_dir: str | Path,
    *,
    published: Any = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    title: str = "Clinical study report: tables, listings and figures",
    subtitle: str = "",
    provenance: str = "ADaM datasets supplied by the caller.",
    notes: Iterable[str] = (),
    methods_notes: Iterable[str] = (),
    options: ReportOptions | None = None,
    progress: Progress | None = None,
) -> ReportResult:
    """Compute every table and figure from ``adam`` and write the report to ``out_dir``.

    Parameters
    ----------
    adam : mapping of ADaM dataset name (``"ADSL"``, ``"ADAE"``, ...) to DataFrame.
    out_dir : folder to write ``report.html``, ``report.rtf``, ``report.pdf``, ``figures/``,
        ``tables/`` (created if needed).
    published : published values (list of :class:`~earlyphase.report.published.PublishedValue`
        or the YAML structure); adds the published-versus-reproduced section.
    formats : any of ``html``, ``rtf``, ``pdf``, ``png``, ``csv``, ``parquet``.
    methods_notes : sentences for the Methods' "Data" section (analysis plan, what was
        inferred, validation outcome).
    options : conventions with a choice (:class:`ReportOptions`; default SAS log-log KM CIs).
    progress : called with a short message before each step.
    """
    from earlyphase.report.figures.registry import FIGURES
    from earlyphase.report.methods import methods_sections
    from earlyphase.report.tables import TABLES

    formats = check_formats(formats)
    say = progress or (lambda _msg: None)
    options = options or ReportOptions()
    adam, attrs = _normalise(adam)
    out = Path(out_dir)
    timings: dict[str, float] = {}
    t0 = time.perf_counter()
    tables, skipped_t = _build_outputs(adam, TABLES, say, options)
    timings["tables"] = time.perf_counter() - t0
    t0 = time.perf_counter()
    if _IMAGE_FORMATS & set(formats):
        figures, skipped_f = _build_outputs(adam, FIGURES, say, options)
    else:  # data-only output: figures are not drawn
        figures, skipped_f = {}, []
    timings["figures"] = time.perf_counter() - t0
    comparison = (
        compare_published(
            published,
            tables,
            skipped={s.output_id: "; ".join(s.reasons) for s in skipped_t + skipped_f},
        )
        if published is not None
        else None
    )
    content = ReportContent(
        title=title,
        subtitle=subtitle,
        tables=tuple(tables.values()),
        figures=tuple(figures.values()),
        methods=methods_sections(
            attrs,
            provenance,
            options,
            {*tables, *figures},
            tuple(methods_notes),
            ae_graded=_ae_graded(adam),
        ),
        comparison=comparison,
        skipped=tuple(skipped_t + skipped_f),
        data_notes=tuple(notes),
        cutoff=_cutoff(adam),
        run_datetime=_run_datetime(adam),
        program=_program(),
    )
    created = file_timestamp(data_cutoff(adam))
    files = _write(content, out, formats, say, timings, created)
    return ReportResult(
        out,
        tuple(files),
        tables,
        figures,
        comparison,
        content.skipped,
        timings,
        content.data_notes,
    )


def _cutoff(adam: Mapping[str, pd.DataFrame]) -> str:
    """The data cut-off date (ADSL.DCUTDT), ISO; '' when the data do not give one."""
    adsl = adam.get("ADSL")
    if adsl is None or "DCUTDT" not in adsl.columns:
        return ""
    dates = pd.to_datetime(adsl["DCUTDT"], errors="coerce").dropna()
    return dates.max().strftime("%Y-%m-%d") if len(dates) else ""


def _run_datetime(adam: Mapping[str, pd.DataFrame]) -> str:
    """Run stamp for page footers, the same instant as the files' embedded timestamps
    (:func:`earlyphase._stamps.file_timestamp`: ``SOURCE_DATE_EPOCH``, else the data cut-off,
    else now), so that two runs on the same data give the same bytes."""
    return file_timestamp(data_cutoff(adam)).strftime("%Y-%m-%d %H:%M UTC")


def _program() -> str:
    from importlib.metadata import PackageNotFoundError, version

    try:
        return f"earlyphase {version('earlyphase')}"
    except PackageNotFoundError:
        return "earlyphase"


def _write(
    content: ReportContent,
    out: Path,
    formats: tuple[str, ...],
    say: Progress,
    timings: dict[str, float],
    created: dt.datetime | None = None,
) -> list[Path]:
    from earlyphase.report.render import render_html, write_frame, write_pdf, write_rtf_report
    from earlyphase.report.render.page_info import page_info

    files: list[Path] = []
    t0 = time.perf_counter()
    png_paths: list[tuple[FigureResult, Path]] = []
    if "png" in formats or "rtf" in formats:
        for fig in content.figures:
            path = out / "figures" / f"{fig.figure_id}.png"
            with atomic_write(path, "wb") as handle:
                handle.write(fig.png)
            png_paths.append((fig, path))
            files.append(path)
    if "vector" in formats:  # 300-dpi PNG, SVG and PDF of every figure
        for fig in content.figures:
            for ext in ("png", "svg", "pdf"):
                name = f"{fig.figure_id}_300dpi.png" if ext == "png" else f"{fig.figure_id}.{ext}"
                path = out / "figures" / name
                with atomic_write(path, "wb") as handle:
                    handle.write(fig.render(ext))
                files.append(path)
    data_formats = [f for f in ("csv", "parquet") if f in formats]
    if data_formats:
        say("Exporting tidy data")
        for table in content.tables:
            files += write_frame(table.to_frame(), out / "tables" / table.table_id, data_formats)
        for fig in content.figures:
            files += write_frame(
                fig.to_frame(), out / "figures" / f"{fig.figure_id}_data", data_formats
            )
        if content.comparison is not None:
            files += write_frame(
                content.comparison.to_frame(), out / "published_vs_reproduced", data_formats
            )
        if content.skipped:
            skipped = pd.DataFrame(
                [(s.output_id, s.title, "; ".join(s.reasons)) for s in content.skipped],
                columns=["output_id", "title", "missing"],
            )
            files += write_frame(skipped, out / "not_produced", ["csv"])
    timings["png_data"] = time.perf_counter() - t0
    if "html" in formats:
        say("Writing HTML")
        t0 = time.perf_counter()
        with atomic_write(out / "report.html") as handle:
            handle.write(render_html(content))
        files.append(out / "report.html")
        timings["html"] = time.perf_counter() - t0
    if "rtf" in formats:
        say("Writing RTF")
        t0 = time.perf_counter()
        displays = [t.display() for t in content.tables]
        files += write_rtf_report(
            displays, png_paths, out, source=content.subtitle, info=page_info(content)
        )
        timings["rtf"] = time.perf_counter() - t0
    if "pdf" in formats:
        say("Writing PDF")
        t0 = time.perf_counter()
        files.append(write_pdf(content, out / "report.pdf", created=created))
        timings["pdf"] = time.perf_counter() - t0
    return files


def check_formats(formats: Iterable[str]) -> tuple[str, ...]:
    """The requested output formats, checked (before anything is computed or written)."""
    if isinstance(formats, str):
        formats = [f.strip() for f in formats.split(",")]
    formats = tuple(formats)
    unknown = [f for f in formats if f not in _KNOWN_FORMATS]
    if unknown or not formats:
        raise DataError(
            describe_problem(
                "formats", list(unknown or formats), f"a subset of {sorted(_KNOWN_FORMATS)}"
            )
        )
    return formats


def data_cutoff(adam: Mapping[str, pd.DataFrame]) -> dt.date | None:
    """The latest ``ADSL.DCUTDT`` (the data cut-off date), or None when ADSL has none."""
    adsl = next((f for k, f in adam.items() if str(k).upper() == "ADSL"), None)
    if adsl is None or "DCUTDT" not in adsl.columns:
        return None
    values = pd.to_datetime(adsl["DCUTDT"], errors="coerce").dropna()
    return None if values.empty else values.max().date()


def _relocate(result: ReportResult, stage: Path, target: Path) -> ReportResult:
    """``result`` with its paths moved from the staging folder to the final folder."""
    files = tuple(target / Path(f).relative_to(stage) for f in result.files)
    return replace(result, out_dir=target, files=(*files, target / MANIFEST_NAME))


def _write_adam(adam: Mapping[str, pd.DataFrame], folder: Path, say: Progress) -> list[Path]:
    from earlyphase.cdisc.io import write_dataset

    say("Writing ADaM as Dataset-JSON")
    paths = []
    created = file_timestamp(data_cutoff(adam))
    for name, frame in adam.items():
        path = folder / f"{name.lower()}.json"
        write_dataset(frame, path, created=created)
        paths.append(path)
    return paths


def _derive(sdtm: Mapping[str, pd.DataFrame], plan: AnalysisPlan) -> tuple[AdamResult, list[str]]:
    """ADaM from SDTM; if the PK derivation rejects the data, the rest is still derived.

    ``derive_adam`` raises on invalid values (a wrong number is worse than no number).  When
    that happens the derivation is retried without the PC domain (ADPC/ADPP are then listed as
    not derived, with the original error) so that every non-PK output is still produced.
    """
    from earlyphase.cdisc.adam import derive_adam

    try:
        result = derive_adam(sdtm, plan)
        failed: list[str] = []
    except DataError as exc:
        if "PC" not in sdtm:
            raise
        result = derive_adam({k: v for k, v in sdtm.items() if k != "PC"}, plan)
        failed = [f"ADPC/ADPP: derivation from PC failed ({exc}); PK outputs not produced"]
    return result, failed + [f"{m.dataset}: {m.reason}" for m in result.missing]


def _dlt_rules(protocol: Any) -> Any:
    """The DLT rules of a protocol (object, built-in name or YAML path); None -- the default
    rules -- for an inferred plan or a protocol without a DLT section."""
    from earlyphase.clinical.dlt import DLTRules

    if protocol is None or hasattr(protocol, "inferred"):
        return None
    try:
        if isinstance(protocol, str | Path):
            from earlyphase.protocol import load_protocol

            protocol = load_protocol(str(protocol))
        return DLTRules.from_protocol(protocol)
    except EarlyphaseError:
        return None


def run_reference(
    out_dir: str | Path = "earlyphase-output",
    *,
    seed: int | None = None,
    formats: Iterable[str] = DEFAULT_FORMATS,
    progress: Progress | None = None,
    overwrite: bool = False,
    argv: Sequence[str] | None = None,
) -> ReportResult:
    """Reconstruct the reference trial, derive ADaM, run every analysis and write the report,
    with the published-versus-reproduced section.

    The folder is written whole (:func:`earlyphase._staging.staged_folder`): staged beside
    ``out_dir``, ``earlyphase-manifest.json`` last, then moved into place. A non-empty
    ``out_dir`` that is not an earlier ``run`` output is refused unless ``overwrite``.
    ``argv`` (the command line) is recorded in the manifest.
    """
    from earlyphase.twin import reconstruct

    formats = check_formats(formats)
    if seed is not None:
        check_seed("seed", seed)
    target = Path(out_dir)
    if seed is None:
        seed = inspect.signature(reconstruct).parameters["seed"].default
    with staged_folder(
        target, command="run", overwrite=overwrite, argv=argv, extra={"seed": seed}
    ) as staged:
        result = _run_reference_into(staged.path, seed, formats, progress)
    return _relocate(result, staged.path, target)


def _run_reference_into(
    out: Path, seed: int | None, formats: tuple[str, ...], progress: Progress | None
) -> ReportResult:
    from earlyphase.protocol import load_protocol
    from earlyphase.protocol.analysis import plan_from_protocol
    from earlyphase.report.published import load_reference_published
    from earlyphase.twin import reconstruct_with_pk_calibration, write_pk_calibration

    say = progress or (lambda _msg: None)
    say("Reconstructing the reference trial (SDTM)")
    domains, effects, residuals = (
        reconstruct_with_pk_calibration(seed)
        if seed is not None
        else reconstruct_with_pk_calibration()
    )
    sdtm = dict(domains)
    # the PK calibration's random effects and sample residuals in SD units (docs/twin.md)
    pk_files = write_pk_calibration(effects, residuals, out / "pk_calibration")
    say("Deriving ADaM")
    result, missing = _derive(sdtm, plan_from_protocol(load_protocol("isak-phase1b")))
    adam = dict(result.datasets)
    adam_files = _write_adam(adam, out / "adam", say)
    say("Reading published values")
    published = load_reference_published()
    options = ReportOptions(
        dlt_rules=_dlt_rules(load_protocol("isak-phase1b")),
        followup_method="observed",
        km_conf_type="log",
        km_conf_reason=(
            "The reference run uses the log transform: on the reconstructed data it gives a "
            "2-year OS CI of 62%-92%, close to the paper's 63%-92%, where log-log gives "
            "57%-87%; the authors most likely used R survival's default."
        ),
    )
    report = build_report(
        adam,
        out,
        published=published,
        options=options,
        formats=formats,
        progress=say,
        title="Isatuximab + carfilzomib phase 1b (reconstructed trial): tables and figures",
        subtitle="Reproduction of Chari et al., Cancer 2021;127:1816-1826, from patient-level data "
        "of the reconstructed trial (earlyphase.twin).",
        provenance="Patient-level SDTM of the reconstructed reference trial (earlyphase.twin."
        "reconstruct), ADaM derived by earlyphase.cdisc.adam.derive_adam.",
        notes=tuple(f"Missing SDTM input: {m}" for m in missing),
    )
    # the file count covers every file written, the ADaM datasets included
    return replace(report, files=(*adam_files, *pk_files, *report.files))


def analyze(
    sdtm_dir: str | Path,
    protocol: Protocol | AnalysisPlan | str | Path | None = None,
    out_dir: str | Path = "earlyphase-output",
    *,
    formats: Iterable[str] = DEFAULT_FORMATS,
    progress: Progress | None = None,
    prefer: str | None = None,
    allow_findings: bool = False,
    overwrite: bool = False,
    argv: Sequence[str] | None = None,
) -> ReportResult:
    """Run the pipeline on any trial's SDTM folder (XPT, Dataset-JSON, Parquet or CSV files).

    Parameters
    ----------
    sdtm_dir : folder of SDTM datasets.
    protocol : a protocol (object, built-in name or YAML path) or an analysis plan; without
        it a minimal plan is inferred from DM and EX (:func:`earlyphase.cdisc.plan.infer_plan`)
        and what was inferred is written in the report's Methods.
    out_dir : output folder (report, ``adam/``, ``validation.csv``, ...).
    prefer : the format to read when a domain is present in several
        (see :func:`earlyphase.cdisc.study.read_study`); without it the documented
        precedence decides (Dataset-JSON, NDJSON, XPT, Parquet, CSV).
    allow_findings : proceed when SDTM validation finds errors (recorded in Methods);
        otherwise they raise :class:`~earlyphase.errors.FindingsError` after
        ``validation.csv`` is written (the folder then holds it and the manifest).
    overwrite, argv : the output folder is written whole, as in :func:`run_reference`.
    """
    formats = check_formats(formats)
    folder = Path(sdtm_dir)
    if not folder.is_dir():
        raise DataError(
            describe_problem("SDTM_DIR", str(folder), "an existing folder of SDTM datasets")
        )
    target = Path(out_dir)
    inside = folder.resolve()
    if inside == target.resolve() or target.resolve() in inside.parents:
        raise DataError(
            describe_problem("--out", str(target), f"a folder that does not hold {folder}")
        )
    with staged_folder(
        target, command="analyze", overwrite=overwrite, argv=argv, keep_on=(FindingsError,)
    ) as staged:
        result = _analyze_into(
            folder, protocol, staged.path, formats, progress, prefer, allow_findings
        )
    return _relocate(result, staged.path, target)


def _analyze_into(
    folder: Path,
    protocol: Protocol | AnalysisPlan | str | Path | None,
    out_dir: Path,
    formats: tuple[str, ...],
    progress: Progress | None,
    prefer: str | None,
    allow_findings: bool,
) -> ReportResult:
    from earlyphase.cdisc.gate import validate_for_analysis
    from earlyphase.cdisc.plan import resolve_plan
    from earlyphase.cdisc.study import read_study

    say = progress or (lambda _msg: None)
    say("Reading SDTM")
    study = read_study(folder, prefer=prefer, validate=False)
    sdtm: dict[str, pd.DataFrame] = dict(study)
    plan = resolve_plan(sdtm, str(protocol) if isinstance(protocol, Path) else protocol)
    say("Validating SDTM")
    gate = validate_for_analysis(sdtm, plan, allow_findings=allow_findings, out_dir=out_dir)
    say("Deriving ADaM")
    result, missing = _derive(sdtm, plan)
    adam = dict(result.datasets)
    adam_files = _write_adam(adam, Path(out_dir) / "adam", say)
    plan_notes = [
        plan.describe(),
        *(f"Inferred: {n}." for n in plan.inferred),
        gate.methods_text(),
        *([f"SDTM files: {study.format_note()}"] if study.format_note() else []),
    ]
    report = build_report(
        adam,
        out_dir,
        options=ReportOptions(dlt_rules=_dlt_rules(protocol)),
        formats=formats,
        progress=say,
        subtitle=f"Analysis of the SDTM datasets in {folder}",
        provenance=f"SDTM read from {folder}; ADaM derived by earlyphase.cdisc.adam.derive_adam.",
        notes=(*plan_notes, *(f"Missing SDTM input: {m}" for m in missing)),
        methods_notes=plan_notes,
    )
    # the file count covers every file written: validation findings and ADaM included
    written = ([gate.path] if gate.path is not None else []) + adam_files
    return replace(report, files=(*written, *report.files))

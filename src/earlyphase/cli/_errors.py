"""The one error path of the command line: every failure becomes one line and an exit code.

Exit codes (documented in ``docs/errors.md``):

====  ==================================================================================
0     success
1     a check ran and found problems (``sdtm validate`` with errors; ``adam`` and
      ``analyze`` when SDTM validation finds errors and ``--allow-findings`` is not given,
      :class:`FindingsError`)
2     invalid input or options: usage errors, every :class:`EarlyphaseError` except
      :class:`OutputError`, and parser errors from pandas, pyreadstat, YAML, JSON, decoding
3     a file could not be read or written (``OSError``, :class:`OutputError`)
70    internal error (a bug): one line on the terminal, the traceback in a log file
130   interrupted (SIGINT, Ctrl-C); 143 terminated (SIGTERM). Staging and temporary files
      are removed before exiting.
====  ==================================================================================
"""

from __future__ import annotations

import datetime as _dt
import os
import signal
import sys
import tempfile
import traceback
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

import typer

try:  # typer >= 0.20 vendors click; older typer uses click itself
    from typer._click import exceptions as _click_exceptions
except ImportError:  # pragma: no cover
    from click import exceptions as _click_exceptions  # type: ignore[no-redef]

from earlyphase.errors import EarlyphaseError, FindingsError, OutputError

__all__ = [
    "EXIT_CHECK_FAILED",
    "EXIT_INPUT",
    "EXIT_INTERNAL",
    "EXIT_INTERRUPTED",
    "EXIT_IO",
    "EXIT_OK",
    "EXIT_TERMINATED",
    "Terminated",
    "run_with_clean_errors",
]

EXIT_OK = 0
EXIT_CHECK_FAILED = 1
EXIT_INPUT = 2
EXIT_IO = 3
EXIT_INTERNAL = 70
EXIT_INTERRUPTED = 130
EXIT_TERMINATED = 143

#: Environment variable naming the folder of crash logs (default: ``<tmp>/earlyphase-logs``).
LOG_DIR_ENV = "EARLYPHASE_LOG_DIR"


class Terminated(KeyboardInterrupt):
    """Raised in the main thread on SIGTERM, so that ``finally`` blocks clean up as on Ctrl-C."""


def _interrupted_code(exc: BaseException) -> int | None:
    """130/143 when ``exc`` is (or was caused by) Ctrl-C / SIGTERM, else None."""
    while exc is not None:
        if isinstance(exc, Terminated):
            return EXIT_TERMINATED
        if isinstance(exc, KeyboardInterrupt | typer.Abort):
            return EXIT_INTERRUPTED
        exc = exc.__cause__ or exc.__context__  # type: ignore[assignment]
    return None


def _report_interrupt(code: int) -> int:
    if code == EXIT_TERMINATED:
        _echo_error("terminated (SIGTERM); partial output was removed")
    else:
        _echo_error("interrupted; partial output was removed")
    return code


def _parser_errors() -> tuple[type[BaseException], ...]:
    """Exception types of the parsing libraries that are already imported (never import them)."""
    found: list[type[BaseException]] = [UnicodeError]
    pandas_errors = sys.modules.get("pandas.errors")
    if pandas_errors is not None:
        found += [pandas_errors.ParserError, pandas_errors.EmptyDataError]
    pyreadstat = sys.modules.get("pyreadstat")
    if pyreadstat is not None:
        for name in ("ReadstatError", "PyreadstatError"):
            kind = getattr(pyreadstat, name, None) or getattr(
                getattr(pyreadstat, "_readstat_parser", None), name, None
            )
            if isinstance(kind, type) and issubclass(kind, BaseException):
                found.append(kind)
    yaml = sys.modules.get("yaml")
    if yaml is not None:
        found.append(yaml.YAMLError)
    json = sys.modules.get("json")
    if json is not None:
        found.append(json.JSONDecodeError)
    return tuple(found)


def _os_message(exc: OSError) -> str:
    if isinstance(exc, OutputError):
        return str(exc)
    where = exc.filename if exc.filename is not None else ""
    what = exc.strerror or str(exc) or type(exc).__name__
    if exc.filename2 is not None:
        where = f"{where} -> {exc.filename2}"
    return f"{where}: {what}" if where else what


def _write_log(exc: BaseException, argv: Sequence[str]) -> Path | None:
    """Write the traceback of an unexpected exception to a log file; return its path."""
    folder = Path(os.environ.get(LOG_DIR_ENV) or Path(tempfile.gettempdir()) / "earlyphase-logs")
    stamp = _dt.datetime.now(_dt.UTC).strftime("%Y%m%dT%H%M%SZ")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"earlyphase-{stamp}-{os.getpid()}.log"
        from earlyphase import __version__

        with open(path, "w", encoding="utf-8") as handle:
            handle.write(f"earlyphase {__version__}, Python {sys.version.split()[0]}\n")
            handle.write(f"command: earlyphase {' '.join(argv)}\n\n")
            handle.write("".join(traceback.format_exception(exc)))
    except OSError:
        return None
    return path


def _echo_error(message: str) -> None:
    try:
        typer.echo(f"error: {message}", err=True)
    except OSError:  # pragma: no cover - stderr closed
        pass


def run_cli(app: typer.Typer, argv: Sequence[str] | None = None) -> int:
    """Run ``app`` on ``argv`` and return the exit code; never lets an exception escape.

    This is what ``earlyphase`` (and ``python -m earlyphase``) run. Tests may call it in-process.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    signals: list[int] = []

    def on_sigterm(signum: int, frame: FrameType | None) -> None:
        signals.append(signum)
        raise Terminated()

    previous = None
    try:
        previous = signal.signal(signal.SIGTERM, on_sigterm)
    except ValueError:  # pragma: no cover - not the main thread
        previous = None
    try:
        result = app(args=args, prog_name="earlyphase", standalone_mode=False)
        if signals:  # typer turns KeyboardInterrupt (and so Terminated) into exit code 130
            return _report_interrupt(EXIT_TERMINATED)
        if result == EXIT_INTERRUPTED:
            return _report_interrupt(EXIT_INTERRUPTED)
        return result if isinstance(result, int) else EXIT_OK
    except typer.Exit as exc:
        interrupted = _interrupted_code(exc)
        return _report_interrupt(interrupted) if interrupted else exc.exit_code
    except _click_exceptions.ClickException as exc:
        exc.show()
        return exc.exit_code
    except (KeyboardInterrupt, typer.Abort) as exc:
        return _report_interrupt(_interrupted_code(exc) or EXIT_INTERRUPTED)
    except BrokenPipeError:
        # the reader of stdout went away (``earlyphase ... | head``): stop quietly
        try:
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
        except (OSError, ValueError):  # pragma: no cover
            pass
        return EXIT_CHECK_FAILED
    except OutputError as exc:
        _echo_error(str(exc))
        return EXIT_IO
    except FindingsError as exc:
        _echo_error(str(exc))
        return EXIT_CHECK_FAILED
    except EarlyphaseError as exc:
        _echo_error(str(exc))
        return EXIT_INPUT
    except OSError as exc:
        _echo_error(_os_message(exc))
        return EXIT_IO
    except Exception as exc:
        if isinstance(exc, _parser_errors()):
            _echo_error(f"could not read the input: {exc}")
            return EXIT_INPUT
        log = _write_log(exc, args)
        where = f"; the full traceback is in {log}" if log else ""
        first = str(exc).splitlines()[0][:200] if str(exc) else ""
        _echo_error(
            f"internal error ({type(exc).__name__}: {first}); this is a bug in earlyphase{where}"
        )
        return EXIT_INTERNAL
    finally:
        if previous is not None:
            signal.signal(signal.SIGTERM, previous)


def run_with_clean_errors(app: typer.Typer) -> None:
    """Run ``app`` on ``sys.argv`` and exit with the documented code (see module docstring)."""
    code = run_cli(app)
    try:
        sys.stdout.flush()
    except OSError:
        pass
    sys.exit(code)

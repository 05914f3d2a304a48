"""The timestamp written inside output files, so that the same inputs give the same bytes.

Dataset-JSON (``datasetJSONCreationDateTime``), SAS XPORT headers (created / modified) and PDF
metadata (``CreationDate`` / ``ModDate``) carry a time. earlyphase writes, in this order:

1. ``SOURCE_DATE_EPOCH`` (seconds since 1970-01-01 UTC) when that environment variable is set
   (https://reproducible-builds.org/specs/source-date-epoch/);
2. otherwise the trial's data cut-off date at 00:00:00 UTC, where the command knows it
   (``earlyphase run`` and ``analyze``: the latest ``ADSL.DCUTDT``);
3. otherwise the current time (a single file written through the Python API).
"""

from __future__ import annotations

import datetime as _dt
import os
from collections.abc import Mapping

from earlyphase.errors import OptionsError, describe_problem

__all__ = ["file_timestamp", "source_date_epoch"]


def source_date_epoch(environ: Mapping[str, str] | None = None) -> _dt.datetime | None:
    """``SOURCE_DATE_EPOCH`` as an aware UTC datetime, or None when unset or empty.

    Raises
    ------
    OptionsError
        The variable is set but is not a whole number of seconds in years 1970-9999.
    """
    raw = (os.environ if environ is None else environ).get("SOURCE_DATE_EPOCH", "").strip()
    if not raw:
        return None
    try:
        seconds = int(raw)
        return _dt.datetime.fromtimestamp(seconds, _dt.UTC)
    except (ValueError, OverflowError, OSError):
        raise OptionsError(
            describe_problem(
                "SOURCE_DATE_EPOCH", raw, "a whole number of seconds since 1970-01-01 UTC"
            )
        ) from None


def file_timestamp(
    cutoff: _dt.date | _dt.datetime | None = None, environ: Mapping[str, str] | None = None
) -> _dt.datetime:
    """The time to embed in an output file (see the module docstring for the rule)."""
    epoch = source_date_epoch(environ)
    if epoch is not None:
        return epoch
    if cutoff is not None:
        day = cutoff.date() if isinstance(cutoff, _dt.datetime) else cutoff
        return _dt.datetime(day.year, day.month, day.day, tzinfo=_dt.UTC)
    return _dt.datetime.now(_dt.UTC).replace(microsecond=0)

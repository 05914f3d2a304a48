"""ISO 8601 dates as SDTM writes them, and their imputation into ADaM analysis dates.

SDTM ``--DTC`` variables are ISO 8601 strings that may be *partial*: ``2015``, ``2015-03``,
``2015-03-02``, ``2015-03-02T09``, ``2015-03-02T09:30``, ``2015-03-02T09:30:15``; a missing
inner component is written as a dash (``2015---02``, day known but month not).  A time-zone
suffix (``Z``, ``+01:00``) is accepted and ignored (dates are taken as recorded).

Imputation follows admiral's ``derive_vars_dt()`` / ``derive_vars_dtm()`` (pharmaverse admiral
1.x, ``impute_dtc_dt``):

=====================  ===========================  ==============================
missing part           ``date_imputation="first"``  ``"last"`` / ``"mid"``
=====================  ===========================  ==============================
day                    day 1                        last day of month / day 15
month (and day)        January 1                    December 31 / June 30
year                   not imputed (missing)        not imputed (missing)
=====================  ===========================  ==============================

* ``highest_imputation`` caps what may be imputed: ``"n"`` only complete dates, ``"D"`` the
  day, ``"M"`` month and day (the default, as in admiral's ADAE template).  Values needing more
  come back missing (``NaT``) with flag ``""`` -- never silently shifted.
* When the month is missing but a day is given (``2015---02``), the day is ignored (admiral).
* ``min_dates`` / ``max_dates`` (admiral): if the imputed date falls before ``min_dates``
  (after ``max_dates``) *and* that bound lies inside the period the partial date allows, the
  bound is used -- e.g. an AE starting "2015-03" in the month of first dose (2015-03-10) is
  imputed to 2015-03-10, not 2015-03-01, so it stays treatment-emergent.
* The date imputation flag (admiral ``--DTF``) is ``"D"`` (day imputed), ``"M"`` (month and
  day) or ``""``; the time flag (``--TMF``) is ``"H"``, ``"M"``, ``"S"`` or ``""``.
* Anything else -- ``2015-13-01``, ``2015-02-30``, ``03/02/2015``, an interval -- is a
  :class:`~earlyphase.errors.DataError` naming the field, the row and the value.
"""

from __future__ import annotations

import calendar
import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import Any, Literal

import numpy as np
import pandas as pd

from earlyphase.errors import DataError, OptionsError, describe_problem

__all__ = [
    "ImputedDates",
    "impute_dtc",
    "parse_iso8601_strict",
    "study_day",
]

_ISO = re.compile(
    r"^(?P<y>\d{4}|-)(?:-(?P<m>\d{2}|-)(?:-(?P<d>\d{2}|-)"
    r"(?:T(?P<H>\d{2}|-)(?::(?P<M>\d{2}|-)(?::(?P<S>\d{2}(?:\.\d+)?))?)?)?)?)?"
    r"(?:Z|[+-]\d{2}(?::?\d{2})?)?$"
)

DateImputation = Literal["first", "mid", "last"]


@dataclass(frozen=True)
class ImputedDates:
    """Result of :func:`impute_dtc`.

    Attributes
    ----------
    datetimes : pandas.Series
        ``datetime64[ns]``, the imputed date-times (``NaT`` where no date could be derived).
    dates : pandas.Series
        ``datetime64[ns]`` at midnight: the date part (ADaM ``--DT``).
    date_flag : pandas.Series
        admiral ``--DTF``: ``"M"`` month and day imputed, ``"D"`` day imputed, ``""`` none.
    time_flag : pandas.Series
        admiral ``--TMF``: ``"H"``, ``"M"``, ``"S"`` (highest time component imputed) or ``""``.
    """

    datetimes: pd.Series
    dates: pd.Series
    date_flag: pd.Series
    time_flag: pd.Series

    def to_frame(self) -> pd.DataFrame:
        """Tidy table: datetime, date, date_flag, time_flag."""
        return pd.DataFrame(
            {
                "datetime": self.datetimes,
                "date": self.dates,
                "date_flag": self.date_flag,
                "time_flag": self.time_flag,
            }
        )


def _parts(value: str, field: str, row: Any) -> dict[str, str | None]:
    match = _ISO.match(value.strip())
    if not match:
        raise DataError(
            describe_problem(
                f"{field}[{row}]",
                value,
                "an ISO 8601 date such as 2015-03-02, 2015-03 or 2015-03-02T09:30",
            )
        )
    parts = {k: (None if v in (None, "-") else v) for k, v in match.groupdict().items()}
    y, m, d = parts["y"], parts["m"], parts["d"]
    if m is not None and not 1 <= int(m) <= 12:
        raise DataError(describe_problem(f"{field}[{row}]", value, "a month 01-12"))
    if y is not None and m is not None and d is not None:
        last = calendar.monthrange(int(y), int(m))[1]
        if not 1 <= int(d) <= last:
            raise DataError(
                describe_problem(f"{field}[{row}]", value, f"a day 01-{last} for that month")
            )
    for key, top in (("H", 23), ("M", 59)):
        if parts[key] is not None and int(parts[key] or 0) > top:
            raise DataError(describe_problem(f"{field}[{row}]", value, "a valid time of day"))
    if parts["S"] is not None and float(parts["S"]) >= 60:
        raise DataError(describe_problem(f"{field}[{row}]", value, "a valid time of day"))
    return parts


def _impute_one(
    parts: dict[str, str | None], rule: DateImputation, highest: str
) -> tuple[pd.Timestamp | None, pd.Timestamp | None, pd.Timestamp | None, str, str]:
    """(imputed datetime, period start, period end, date flag, time flag)."""
    y, m, d = parts["y"], parts["m"], parts["d"]
    if y is None:
        return None, None, None, "", ""
    year = int(y)
    if m is None:
        if highest not in ("M", "Y"):
            return None, None, None, "", ""
        start, end = pd.Timestamp(year, 1, 1), pd.Timestamp(year, 12, 31)
        day = {"first": start, "last": end, "mid": pd.Timestamp(year, 6, 30)}[rule]
        flag = "M"
    elif d is None:
        if highest not in ("D", "M", "Y"):
            return None, None, None, "", ""
        month = int(m)
        last = calendar.monthrange(year, month)[1]
        start, end = pd.Timestamp(year, month, 1), pd.Timestamp(year, month, last)
        day = {"first": start, "last": end, "mid": pd.Timestamp(year, month, 15)}[rule]
        flag = "D"
    else:
        day = start = end = pd.Timestamp(year, int(m), int(d))
        flag = ""
    hour, minute, second = parts["H"], parts["M"], parts["S"]
    late = rule == "last"
    time_flag = "H" if hour is None else "M" if minute is None else "S" if second is None else ""
    if flag:  # an imputed date has an imputed time
        hour = minute = second = None
        time_flag = "H"
    h = int(hour) if hour is not None else (23 if late else 0)
    mi = int(minute) if minute is not None else (59 if late else 0)
    s = float(second) if second is not None else (59.0 if late else 0.0)
    stamp = day + pd.Timedelta(hours=h, minutes=mi, seconds=s)
    return stamp, start, end + pd.Timedelta(hours=23, minutes=59, seconds=59), flag, time_flag


def _as_series(values: Iterable[Any] | pd.Series) -> pd.Series:
    return (
        values.reset_index(drop=True)
        if isinstance(values, pd.Series)
        else pd.Series(list(values), dtype="object")
    )


def impute_dtc(
    values: Sequence[Any] | pd.Series,
    *,
    date_imputation: DateImputation = "first",
    highest_imputation: Literal["n", "D", "M"] = "M",
    min_dates: Sequence[Any] | pd.Series | None = None,
    max_dates: Sequence[Any] | pd.Series | None = None,
    field: str = "--DTC",
) -> ImputedDates:
    """Parse SDTM ISO 8601 (possibly partial) date-times and impute missing parts.

    Parameters
    ----------
    values : sequence of str
        ``--DTC`` values; ``""``, ``None`` and NaN are missing (``NaT``, not an error).
    date_imputation : {"first", "mid", "last"}
        admiral ``date_imputation``; time is imputed 00:00:00 ("first", "mid") or 23:59:59.
    highest_imputation : {"n", "D", "M"}
        Highest component that may be imputed (admiral ``highest_imputation``).
    min_dates, max_dates : sequence of datetime-like, optional
        Per-row bounds used when they fall inside the partial date's period (admiral).
    field : str
        Variable name used in error messages.

    Returns
    -------
    ImputedDates

    Raises
    ------
    DataError
        A value that is not ISO 8601 or not a real calendar date.
    """
    if date_imputation not in ("first", "mid", "last"):
        raise OptionsError(
            describe_problem("date_imputation", date_imputation, "'first', 'mid' or 'last'")
        )
    if highest_imputation not in ("n", "D", "M"):
        raise OptionsError(
            describe_problem("highest_imputation", highest_imputation, "'n', 'D' or 'M'")
        )
    series = _as_series(values)
    n = len(series)
    lows = pd.to_datetime(_as_series(min_dates)) if min_dates is not None else None
    highs = pd.to_datetime(_as_series(max_dates)) if max_dates is not None else None
    for bound, name in ((lows, "min_dates"), (highs, "max_dates")):
        if bound is not None and len(bound) != n:
            raise OptionsError(
                describe_problem(name, f"{len(bound)} values", f"{n} values, one per date")
            )
    out = np.full(n, np.datetime64("NaT"), dtype="datetime64[ns]")
    dflag = np.full(n, "", dtype=object)
    tflag = np.full(n, "", dtype=object)
    done = _fast_complete(series, date_imputation, out, tflag)
    cache: dict[str, tuple[Any, ...]] = {}
    for i, raw in enumerate(series):
        if done[i]:
            continue
        if (
            raw is None
            or (isinstance(raw, float) and np.isnan(raw))
            or (isinstance(raw, str) and not raw.strip())
        ):
            continue
        if not isinstance(raw, str):
            raise DataError(describe_problem(f"{field}[{i}]", raw, "an ISO 8601 date string"))
        if raw not in cache:
            cache[raw] = _impute_one(_parts(raw, field, i), date_imputation, highest_imputation)
        stamp, start, end, flag, time_flag = cache[raw]
        if stamp is None:
            continue
        if (
            flag
            and lows is not None
            and pd.notna(lows[i])
            and start <= lows[i] <= end
            and stamp < lows[i]
        ):
            stamp = lows[i]
        if (
            flag
            and highs is not None
            and pd.notna(highs[i])
            and start <= highs[i] <= end
            and stamp > highs[i]
        ):
            stamp = highs[i]
        out[i] = np.datetime64(stamp, "ns")
        dflag[i], tflag[i] = flag, time_flag
    datetimes = pd.Series(out, dtype="datetime64[ns]")
    return ImputedDates(
        datetimes=datetimes,
        dates=datetimes.dt.normalize(),
        date_flag=pd.Series(dflag, dtype="str"),
        time_flag=pd.Series(tflag, dtype="str"),
    )


_COMPLETE = r"\d{4}-\d{2}-\d{2}(?:T\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?)?"


def _fast_complete(series: pd.Series, rule: str, out: np.ndarray, tflag: np.ndarray) -> np.ndarray:
    """Vectorised path for complete dates / date-times (the bulk of real data).

    Fills ``out`` and ``tflag`` in place for values that are complete and valid, and returns
    the mask of rows handled; everything else (partial, invalid, missing) goes through the
    per-value parser, which imputes or raises with the row number.
    """
    if isinstance(series.dtype, pd.StringDtype):
        is_text = series.notna().to_numpy(dtype=bool)
        text = series.fillna("").str.strip()
    else:
        is_text = series.map(lambda v: isinstance(v, str)).to_numpy(dtype=bool)
        text = pd.Series(
            np.where(is_text, series.to_numpy(dtype=object), ""), dtype="str"
        ).str.strip()
    complete = text.str.fullmatch(_COMPLETE).to_numpy(dtype=bool)
    if not complete.any():
        return complete
    parsed = pd.to_datetime(text.where(complete), format="ISO8601", errors="coerce").to_numpy(
        dtype="datetime64[ns]"
    )
    ok = complete & ~np.isnat(parsed)
    length = text.str.len().to_numpy()
    date_only = ok & (length == 10)
    no_seconds = ok & (length == 16)
    if rule == "last":
        parsed = parsed.copy()
        parsed[date_only] += np.timedelta64(86399, "s")
        parsed[no_seconds] += np.timedelta64(59, "s")
    out[ok] = parsed[ok]
    tflag[date_only] = "H"
    tflag[no_seconds] = "S"
    return ok


def parse_iso8601_strict(
    values: Iterable[Any], *, field: str = "date", date_only: bool = False
) -> pd.Series:
    """Complete ISO 8601 dates or date-times (no imputation) as ``datetime64[ns]``.

    Used for ADaM numeric dates exchanged as strings (Dataset-JSON ``targetDataType``
    integer), which must be complete.  Missing values (None, "") are ``NaT``.
    """
    series = _as_series(values)
    out = np.full(len(series), np.datetime64("NaT"), dtype="datetime64[ns]")
    cache: dict[str, np.datetime64] = {}
    for i, raw in enumerate(series):
        if raw is None or (isinstance(raw, str) and not raw.strip()):
            continue
        if isinstance(raw, str) and raw in cache:
            out[i] = cache[raw]
            continue
        parts = _parts(raw, field, i) if isinstance(raw, str) else None
        if parts is None or parts["d"] is None or parts["m"] is None or parts["y"] is None:
            raise DataError(describe_problem(f"{field}[{i}]", raw, "a complete ISO 8601 date"))
        stamp, *_ = _impute_one(parts, "first", "n")
        if stamp is None:  # unreachable: year, month and day are all present
            raise DataError(describe_problem(f"{field}[{i}]", raw, "a complete ISO 8601 date"))
        out[i] = cache[raw] = np.datetime64(stamp.normalize() if date_only else stamp, "ns")
    return pd.Series(out, dtype="datetime64[ns]")


def duration_in(delta: pd.Series, unit: Literal["D", "h", "s"]) -> pd.Series:
    """Durations (timedelta-like Series) as float numbers of days, hours or seconds.

    Exact ``timedelta64[ns]`` division (as pandas does it); a missing duration gives NaN.
    """
    return pd.to_timedelta(delta) / pd.Timedelta(1, unit=unit)


def study_day(dates: pd.Series, reference: pd.Series) -> pd.Series:
    """SDTM/ADaM study day: ``date - reference + 1`` on or after the reference, no day 0.

    Both arguments are datetime-like Series (only the date part counts); missing gives NaN.
    """
    d = pd.to_datetime(dates).dt.normalize()
    r = pd.to_datetime(reference).dt.normalize()
    delta = (d - r) / pd.Timedelta(days=1)
    return delta.where(delta < 0, delta + 1).astype("float64")

"""iCalendar (RFC 5545) export of a dosing calendar: one all-day event per administration."""

from __future__ import annotations

import datetime as dt
import os

import pandas as pd

from earlyphase._files import atomic_write

__all__ = ["calendar_to_ics", "write_ics"]


def _escape(text: str) -> str:
    return text.replace("\\", "\\\\").replace(";", "\\;").replace(",", "\\,").replace("\n", "\\n")


def _fold(line: str) -> str:
    """Fold a content line at 75 octets (RFC 5545 section 3.1)."""
    data = line.encode("utf-8")
    if len(data) <= 75:
        return line
    parts: list[str] = []
    chunk = b""
    for ch in line:
        b = ch.encode("utf-8")
        if len(chunk) + len(b) > (75 if not parts else 74):
            parts.append(chunk.decode("utf-8"))
            chunk = b""
        chunk += b
    parts.append(chunk.decode("utf-8"))
    return "\r\n ".join(parts)


def calendar_to_ics(
    calendar: pd.DataFrame,
    *,
    patient: str = "patient",
    protocol_id: str = "",
    dtstamp: dt.datetime | None = None,
) -> str:
    """Render a dosing calendar as iCalendar text (CRLF line ends, folded lines).

    Skipped administrations are left out. ``dtstamp`` (UTC) defaults to now; pass a fixed
    value for reproducible files.
    """
    stamp = (dtstamp or dt.datetime.now(dt.UTC)).strftime("%Y%m%dT%H%M%SZ")
    lines = [
        "BEGIN:VCALENDAR",
        "VERSION:2.0",
        "PRODID:-//earlyphase//dosing calendar//EN",
        "CALSCALE:GREGORIAN",
    ]
    for row in calendar.to_dict("records"):
        if row["status"] == "skipped":
            continue
        day = pd.Timestamp(row["date"]).date()
        minutes = row["infusion_minutes"]
        infusion = "" if pd.isna(minutes) else f" over {float(minutes):g} min"
        name, dose_mg = str(row["drug_name"]), float(row["dose_mg"])
        summary = f"C{row['cycle']}D{row['day']} {name} {dose_mg:.1f} mg"
        desc = (
            f"{name} {float(row['dose']):g} {row['dose_unit']} = {dose_mg:.2f} mg "
            f"{str(row['route']).lower()}{infusion}; dose level {row['dose_level']}; status {row['status']}"
        )
        uid = f"{protocol_id or 'protocol'}-{patient}-{row['drug']}-C{row['cycle']}D{row['day']}@earlyphase"
        lines += [
            "BEGIN:VEVENT",
            f"UID:{_escape(uid)}",
            f"DTSTAMP:{stamp}",
            f"DTSTART;VALUE=DATE:{day:%Y%m%d}",
            f"DTEND;VALUE=DATE:{day + dt.timedelta(days=1):%Y%m%d}",
            f"SUMMARY:{_escape(summary)}",
            f"DESCRIPTION:{_escape(desc)}",
            "END:VEVENT",
        ]
    lines.append("END:VCALENDAR")
    return "\r\n".join(_fold(line) for line in lines) + "\r\n"


def write_ics(calendar: pd.DataFrame, path: str | os.PathLike[str], **kwargs: object) -> None:
    """Write :func:`calendar_to_ics` output atomically (the file appears complete or not at all)."""
    text = calendar_to_ics(calendar, **kwargs)  # type: ignore[arg-type]
    with atomic_write(path, "w") as handle:
        handle.write(text)

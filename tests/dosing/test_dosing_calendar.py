"""Dosing calendar of the isak-phase1b regimen against the paper, day by day.

Regimen (Chari et al., Cancer 2021;127:1816, Study Design): DL1 Isa 10 mg/kg days 1, 15; DL2
Isa 10 mg/kg days 1, 8, 15, 22 of cycle 1 then days 1, 15; DL3 the same at 20 mg/kg; K 20 mg/m2
C1D1-2 then 27 mg/m2 on days 8, 9, 15, 16 of C1 and days 1, 2, 8, 9, 15, 16 later; after cycle
8 K may drop to days 1, 2, 15, 16; 28-day cycles.
"""

import datetime as dt

import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from earlyphase.dosing import (
    CALENDAR_COLUMNS,
    DoseModification,
    calendar_to_ics,
    dosing_calendar,
    relative_dose_intensity,
    write_ics,
)
from earlyphase.dosing.calendar import ProtocolCalendars, calendar_frame
from earlyphase.errors import DataError, InputTypeError, ProtocolError
from earlyphase.protocol import load_protocol

P = load_protocol("isak-phase1b")
REDUCED = ["carfilzomib-reduced-frequency"]

# paper's regimen: expected administration days per (dose level, drug, cycle)
ISA_DAYS = {
    "DL1": {1: [1, 15], 2: [1, 15], 9: [1, 15]},
    "DL2": {1: [1, 8, 15, 22], 2: [1, 15], 9: [1, 15]},
    "DL3": {1: [1, 8, 15, 22], 2: [1, 15], 9: [1, 15]},
}
ISA_MG_PER_KG = {"DL1": 10, "DL2": 10, "DL3": 20}
K_DAYS = {1: [1, 2, 8, 9, 15, 16], 2: [1, 2, 8, 9, 15, 16], 9: [1, 2, 8, 9, 15, 16]}
K_DAYS_REDUCED = {**K_DAYS, 9: [1, 2, 15, 16]}


@pytest.mark.parametrize("level", ["DL1", "DL2", "DL3"])
@pytest.mark.parametrize("reduced", [False, True])
def test_day_by_day_against_paper(level, reduced):
    cal = dosing_calendar(
        P, level, 70, 170, "2025-01-06", 9, schedule_options=REDUCED if reduced else ()
    )
    k_days = K_DAYS_REDUCED if reduced else K_DAYS
    for cycle in (1, 2, 9):
        isa = cal[(cal.drug == "isatuximab") & (cal.cycle == cycle)]
        k = cal[(cal.drug == "carfilzomib") & (cal.cycle == cycle)]
        assert isa.day.tolist() == ISA_DAYS[level][cycle]
        assert k.day.tolist() == k_days[cycle]
        assert (isa.dose == ISA_MG_PER_KG[level]).all()
        expected_k = [20, 20, 27, 27, 27, 27] if cycle == 1 else [27] * len(k_days[cycle])
        assert k.dose.tolist() == expected_k
    # counts per cycle: Isa 2 or 4, K 6 (4 after cycle 8 with the option)
    counts = cal.groupby(["cycle", "drug"]).size().unstack()
    assert counts.loc[1, "isatuximab"] == (2 if level == "DL1" else 4)
    assert counts.loc[2:9, "isatuximab"].eq(2).all()
    assert counts.loc[1:8, "carfilzomib"].eq(6).all()
    assert counts.loc[9, "carfilzomib"] == (4 if reduced else 6)


def test_dates_study_days_and_doses():
    cal = dosing_calendar(P, 2, 80, 175, dt.date(2025, 1, 6), 3)
    assert list(cal.columns) == list(CALENDAR_COLUMNS)
    assert len(cal) == 4 + 6 + (2 + 6) * 2
    first = cal.iloc[0]
    assert (first.date, first.drug, first.study_day) == (
        pd.Timestamp("2025-01-06"),
        "isatuximab",
        1,
    )
    # cycle 2 day 1 is 28 days after cycle 1 day 1 (study day 29)
    c2d1 = cal[(cal.cycle == 2) & (cal.day == 1)]
    assert set(c2d1.date) == {pd.Timestamp("2025-02-03")}
    assert set(c2d1.study_day) == {29}
    c3d16 = cal[(cal.cycle == 3) & (cal.day == 16)].iloc[0]
    assert c3d16.date == pd.Timestamp("2025-03-18") and c3d16.study_day == 72
    # isatuximab 10 mg/kg x 80 kg; carfilzomib on Mosteller BSA sqrt(175 x 80 / 3600) = 1.972 m2
    assert set(cal[cal.drug == "isatuximab"].dose_mg) == {800.0}
    k = cal[cal.drug == "carfilzomib"]
    area = (175 * 80 / 3600) ** 0.5
    assert k.iloc[0].dose_mg == pytest.approx(20 * area)
    assert k.iloc[2].dose_mg == pytest.approx(27 * area)
    # infusion durations (protocol YAML): Isa 310, then 320 min at 10 mg/kg; K 10 min
    assert cal[cal.drug == "isatuximab"].infusion_minutes.tolist()[:4] == [310, 320, 320, 320]
    assert set(k.infusion_minutes) == {10}
    assert cal.administration.tolist()[:3] == [1, 1, 2]
    assert (cal.status == "planned").all()


def test_modifications_skip_delay_reduce():
    mods = [
        DoseModification(1, 8, "K", "reduce", reason="neuropathy"),
        DoseModification(2, 1, "Isa", "delay", days=7, reason="URI"),
        DoseModification(2, 15, "isatuximab", "skip", reason="vacation"),
    ]
    cal = dosing_calendar(P, "DL2", 80, 180, "2025-01-06", 2, modifications=mods)
    k = cal[cal.drug == "carfilzomib"]
    # reduce one level from 27 (Kyprolis steps 27 -> 20 -> 15); C1D1-2 stay at 20
    assert k.dose.tolist() == [20, 20] + [20] * 10
    assert k.planned_dose.tolist() == [20, 20] + [27] * 10
    assert k.iloc[2].status == "reduced" and k.iloc[2].reason == "neuropathy"
    # delay slips C2D1 and everything after by 7 days
    c2 = cal[cal.cycle == 2]
    assert ((c2.date - c2.planned_date).dt.days == 7).all()
    assert (cal[cal.cycle == 1].date == cal[cal.cycle == 1].planned_date).all()
    skipped = cal[(cal.drug == "isatuximab") & (cal.cycle == 2) & (cal.day == 15)].iloc[0]
    assert skipped.status == "skipped" and skipped.dose_mg == 0 and pd.isna(skipped.administration)

    rdi = relative_dose_intensity(cal, P.cycle_length_days)
    isa = rdi["isatuximab"]
    # 6 planned Isa doses of 800 mg, 5 given: 83.3% of planned; RDI scales by 56 / 63 days
    assert (isa.planned_administrations, isa.given_administrations) == (6, 5)
    assert isa.percent_of_planned_dose == pytest.approx(500 / 6)
    assert (isa.planned_days, isa.actual_days) == (56, 63)
    assert isa.relative_dose_intensity == pytest.approx((4000 / 63) / (4800 / 56))
    kk = rdi["carfilzomib"]
    assert kk.percent_of_planned_dose == pytest.approx(100 * (12 * 20) / (2 * 20 + 10 * 27))
    frame = rdi.to_frame()
    assert frame.drug.tolist() == ["isatuximab", "carfilzomib"]


def test_full_dose_intensity_is_100_percent():
    cal = dosing_calendar(P, "DL3", 65, 160, "2025-01-06", 4)
    for d in relative_dose_intensity(cal, 28).drugs:
        assert d.percent_of_planned_dose == pytest.approx(100.0)
        assert d.relative_dose_intensity == pytest.approx(1.0)


def test_reduce_below_last_step_is_an_error():
    mods = [DoseModification(1, 1, "K", "reduce"), DoseModification(1, 2, "K", "reduce")]
    with pytest.raises(DataError, match=r"reduce carfilzomib: got '2 level\(s\) below 20"):
        dosing_calendar(P, 1, 70, 170, "2025-01-06", 1, modifications=mods)


@pytest.mark.parametrize(
    ("kwargs", "exc", "fragment"),
    [
        ({"weight_kg": -70}, DataError, "weight_kg: got -70"),
        ({"height_cm": 1.7}, DataError, "looks like metres"),
        ({"cycles": 0}, DataError, "cycles: got 0"),
        ({"start_date": "06/01/2025"}, DataError, "start_date: got '06/01/2025'"),
        ({"dose_level": "DL4"}, ProtocolError, "dose_level: got 'DL4'"),
        ({"schedule_options": ["no-such"]}, ProtocolError, "schedule option: got 'no-such'"),
        (
            {"modifications": [DoseModification(1, 3, "K", "skip")]},
            DataError,
            "modification: got 'C1D3 carfilzomib'",
        ),
    ],
)
def test_bad_input(kwargs, exc, fragment):
    args = {
        "protocol": P,
        "dose_level": 1,
        "weight_kg": 70,
        "height_cm": 170,
        "start_date": "2025-01-06",
        "cycles": 1,
    }
    args.update(kwargs)
    with pytest.raises(exc, match=fragment):
        dosing_calendar(**args)


def test_modification_validation():
    with pytest.raises(DataError, match="days: got 0"):
        DoseModification(1, 1, "K", "delay")
    with pytest.raises(DataError, match="action: got 'halve'"):
        DoseModification(1, 1, "K", "halve")  # type: ignore[arg-type]


def test_icalendar(tmp_path):
    cal = dosing_calendar(
        P, 2, 80, 175, "2025-01-06", 1, modifications=[DoseModification(1, 22, "Isa", "skip")]
    )
    text = calendar_to_ics(
        cal, patient="001", protocol_id=P.id, dtstamp=dt.datetime(2025, 1, 1, tzinfo=dt.UTC)
    )
    assert text.startswith("BEGIN:VCALENDAR\r\n") and text.endswith("END:VCALENDAR\r\n")
    assert text.count("BEGIN:VEVENT") == len(cal) - 1  # skipped dose left out
    assert "DTSTART;VALUE=DATE:20250106" in text
    assert "SUMMARY:C1D1 Isatuximab 800.0 mg" in text
    assert all(len(line.encode()) <= 75 for line in text.split("\r\n"))
    path = tmp_path / "out" / "cal.ics"
    write_ics(cal, path, patient="001", protocol_id=P.id)
    assert path.read_bytes().decode().count("BEGIN:VEVENT") == len(cal) - 1
    assert [p.name for p in path.parent.iterdir()] == ["cal.ics"]


@settings(max_examples=25, deadline=None)
@given(
    level=st.sampled_from(["DL1", "DL2", "DL3"]),
    cycles=st.integers(min_value=1, max_value=14),
    reduced=st.booleans(),
)
def test_counts_and_dates_for_any_length(level, cycles, reduced):
    cal = dosing_calendar(
        P, level, 75, 172, "2024-02-26", cycles, schedule_options=REDUCED if reduced else ()
    )
    n_isa = (2 if level == "DL1" else 4) + 2 * (cycles - 1)
    k_full = min(cycles, 8) if reduced else cycles
    n_k = 6 * k_full + 4 * (cycles - k_full)
    assert (cal.drug == "isatuximab").sum() == n_isa
    assert (cal.drug == "carfilzomib").sum() == n_k
    # date = start + 28 (cycle - 1) + day - 1, across a leap day (2024-02-29)
    expected = pd.Timestamp("2024-02-26") + pd.to_timedelta(
        28 * (cal.cycle - 1) + cal.day - 1, unit="D"
    )
    assert (cal.date == expected).all()
    assert cal.date.is_monotonic_increasing


def test_fixed_number_of_cycles_stops_the_calendar():
    from importlib import resources

    from earlyphase.protocol import parse_protocol

    text = (resources.files("earlyphase.protocol") / "builtin" / "isak-phase1b.yaml").read_text()
    short = parse_protocol(text.replace("cycles: until progression", "cycles: 2", 1))
    assert short.cycles == 2 and not short.until_progression
    cal = dosing_calendar(short, "DL1", 70, 170, "2025-01-06", 4)
    assert cal.cycle.max() == 2
    assert short.planned_doses("DL1", "K", 3) == ()


def test_skip_and_reduce_on_one_administration():
    """ "Hold today, resume one level lower": the reduction counts from that dose on even
    though that dose is not given; later reduced doses carry the reduction's reason."""
    mods = [
        DoseModification(2, 1, "K", "skip", reason="neuropathy, held"),
        DoseModification(2, 1, "K", "reduce", reason="neuropathy"),
    ]
    cal = dosing_calendar(P, "DL2", 80, 180, "2025-01-06", 2, modifications=mods)
    k = cal[(cal.drug == "carfilzomib") & (cal.cycle == 2)]
    assert k.status.tolist() == ["skipped"] + ["reduced"] * 5
    assert k.dose.tolist() == [0, 20, 20, 20, 20, 20]
    assert k.iloc[0].reason == "neuropathy; neuropathy, held"  # in the order applied
    assert (k.iloc[1:].reason == "neuropathy").all()
    assert k.administration.tolist()[1:] == list(range(7, 12))  # 6 given in cycle 1


def test_recorded_infusion_minutes_override_the_protocol():
    level = P.dose_level("DL2")
    isa = P.drug("isatuximab")
    default = level.infusion_minutes_for(isa, 2)
    cal = dosing_calendar(
        P, "DL2", 80, 180, "2025-01-06", 1, infusion_minutes={(1, 1, "Isa"): 333.0}
    )
    isa_rows = cal[cal.drug == "isatuximab"]
    assert isa_rows.infusion_minutes.tolist()[:2] == [333.0, default]


@pytest.mark.parametrize(
    ("minutes", "exc", "fragment"),
    [
        ({(1, 3, "Isa"): 60}, DataError, "infusion_minutes: got 'C1D3 isatuximab'"),
        ({(1, 1, "Isa"): 0}, DataError, r"infusion_minutes\[C1D1\]: got 0"),
        ({(1, 1, "Isa"): float("nan")}, DataError, r"infusion_minutes\[C1D1\]: got nan"),
        ({(1, 1, "Isa"): "5 h"}, InputTypeError, r"infusion_minutes\[C1D1\]: got '5 h'"),
    ],
)
def test_bad_infusion_minutes(minutes, exc, fragment):
    with pytest.raises(exc, match=fragment):
        dosing_calendar(P, 2, 80, 175, "2025-01-06", 1, infusion_minutes=minutes)


def test_one_protocol_calendars_for_many_patients():
    """One ProtocolCalendars for many patients (longer and shorter courses, with and without a
    schedule option, modifications) lays out the same calendars as dosing_calendar."""
    calendars = ProtocolCalendars(P)
    mods = [
        DoseModification(1, 8, "K", "delay", days=2, reason="AE"),
        DoseModification(2, 1, "Isa", "skip", reason="missed visit"),
    ]
    for level, cycles, options in [
        ("DL2", 3, ()),
        ("DL2", 11, ()),
        ("DL2", 2, ()),
        ("DL3", 12, tuple(REDUCED)),
        ("DL3", 9, tuple(REDUCED)),
        ("DL2", 30, ()),
    ]:
        args = (level, 72.5, 168, "2025-01-06", cycles)
        kwargs = {"schedule_options": options, "modifications": mods}
        shared = calendar_frame(calendars.columns(*args, **kwargs))
        pd.testing.assert_frame_equal(shared, dosing_calendar(P, *args, **kwargs))
        assert calendars.planned(P.dose_level(level).id, cycles, options) == _fresh_plan(
            level, cycles, options
        )


def _fresh_plan(level, cycles, options):
    return ProtocolCalendars(P).planned(P.dose_level(level).id, cycles, options)


def test_protocol_calendars_columns_are_plain_lists():
    columns = ProtocolCalendars(P).columns(
        "DL1", 70, 170, "2025-01-06", 2, modifications=[DoseModification(2, 1, "K", "skip")]
    )
    assert list(columns) == list(CALENDAR_COLUMNS)
    assert columns["date"][0] == dt.date(2025, 1, 6)
    skipped = columns["status"].index("skipped")
    assert columns["administration"][skipped] is None
    assert columns["dose_mg"][skipped] == 0.0

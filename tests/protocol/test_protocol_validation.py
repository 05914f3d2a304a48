"""Malformed protocols: every problem is reported, each with its YAML path and line."""

from importlib import resources

import pytest

from earlyphase.errors import ProtocolError
from earlyphase.protocol import ProtocolValidationError, load_protocol, parse_protocol

BAD = """\
id: bad
title: Bad protocol
cycle_length_days: 28
drugs:
  - id: isatuximab
    name: Isatuximab
    dose_unit: mg/lb
  - id: carfilzomib
    name: Carfilzomib
    dose_unit: mg/m2
dose_levels:
  - id: DL1
    label: one
    regimens:
      isatuximab:
        - from_cycle: 1
          doses:
            - days: [1, 29]
              dose: -10
      daratumumab:
        - from_cycle: 1
          doses: [{days: [1], dose: 16}]
design: {name: "3+3", target_dlt_rate: 0.3, start_dose_level: DL7}
dlt:
  window_days: 28
  rules: [{id: x, description: y, category: non_hematologic, min_grade: 3}]
eligibility:
  - {id: hb, kind: inclusion, description: hb, variable: hemoglobin, op: ">=", value: 8, unit: furlongs}
response_assessment: {criteria: IMWG, interval_days: 28}
disease: {name: myeloma, category: haematologic, response_criteria: IMWG}
"""


def problems(text: str) -> dict[str, tuple[int | None, str]]:
    with pytest.raises(ProtocolValidationError) as info:
        parse_protocol(text, source="bad.yaml")
    return {p.path: (p.line, p.message) for p in info.value.problems}


def test_every_problem_listed_with_line_numbers():
    found = problems(BAD)
    assert found["drugs[0].dose_unit"][0] == 7
    assert (
        "got 'mg/lb'" in found["drugs[0].dose_unit"][1]
        and "'mg/kg'" in found["drugs[0].dose_unit"][1]
    )
    day = found["dose_levels[0].regimens.isatuximab[0].doses[0].days[1]"]
    assert day == (
        18,
        "dose_levels[0].regimens.isatuximab[0].doses[0].days[1]: got 29; expected a day between 1 and the cycle length (28)",
    )
    dose = found["dose_levels[0].regimens.isatuximab[0].doses[0].dose"]
    assert dose[0] == 19 and "got -10" in dose[1] and "greater than 0" in dose[1]
    unknown_drug = found["dose_levels[0].regimens.daratumumab"]
    assert (
        unknown_drug[0] == 20
        and "got 'daratumumab'" in unknown_drug[1]
        and "isatuximab" in unknown_drug[1]
    )
    assert found["design.start_dose_level"][0] == 23
    unit = found["eligibility[0].unit"]
    assert unit[0] == 28 and "got 'furlongs'" in unit[1] and "known unit" in unit[1]
    assert len(found) == 6


def test_message_lists_problems_in_line_order():
    with pytest.raises(ProtocolError) as info:
        parse_protocol(BAD, source="bad.yaml")
    text = str(info.value)
    lines = [ln for ln in text.splitlines() if ln.startswith("bad.yaml:")]
    numbers = [int(ln.split(":")[1]) for ln in lines]
    assert numbers == sorted(numbers) and len(lines) == 6
    assert text.startswith("6 problem(s) in protocol bad.yaml")


def builtin_text() -> str:
    return (resources.files("earlyphase.protocol") / "builtin" / "isak-phase1b.yaml").read_text()


@pytest.mark.parametrize(
    ("old", "new", "path", "fragment"),
    [
        (
            "cycle_length_days: 28",
            "cycle_length_days: 21",
            "dose_levels[1].regimens.isatuximab[0].doses[0].days[3]",
            "got 22",
        ),
        ("dose_unit: mg/m2", "dose_unit: mg/m^2", "drugs[1].dose_unit", "got 'mg/m^2'"),
        (
            "doses: [{days: [1, 15], dose: 10}]",
            "doses: [{days: [1, 15], dose: 0}]",
            "dose_levels[0].regimens.isatuximab[0].doses[0].dose",
            "greater than 0",
        ),
        (
            "    drug: carfilzomib\n    from_cycle: 9",
            "    drug: kyprolis\n    from_cycle: 9",
            "schedule_options[0].drug",
            "got 'kyprolis'",
        ),
        ("  window_days: 28", "  window_days: -28", "dlt.window_days", "got -28"),
        (
            "  response_criteria: IMWG",
            "  response_criteria: RECIST 2.0",
            "disease.response_criteria",
            "got 'RECIST 2.0'",
        ),
        ("  - drug: isatuximab\n", "  - drug: isa\n", "pk_sampling[0].drug", "got 'isa'"),
        (
            "  expansion_size: 18",
            "  expansion_size: 18\n  colour: blue",
            "design.colour",
            "no such key",
        ),
    ],
)
def test_single_defects_in_the_builtin(old, new, path, fragment):
    text = builtin_text()
    assert old in text
    found = problems(text.replace(old, new, 1))
    assert path in found, found
    line, message = found[path]
    assert fragment in message
    assert line is not None and line > 1


def test_invalid_yaml_and_non_mapping():
    found = problems("id: [unclosed\n")
    assert list(found.values())[0][1].startswith("not valid YAML")
    found = problems("- just\n- a list\n")
    assert "expected a YAML mapping" in list(found.values())[0][1]


def test_load_from_file_path(tmp_path):
    path = tmp_path / "copy.yaml"
    path.write_text(builtin_text())
    assert load_protocol(path).id == "isak-phase1b"
    bad = tmp_path / "bad.yaml"
    bad.write_text(BAD)
    with pytest.raises(ProtocolValidationError, match=str(bad)):
        load_protocol(bad)

"""The protocol loader against hostile files (issue 18's reproductions, at the API level)."""

from __future__ import annotations

import time
from importlib import resources

import pytest

from earlyphase.errors import FileFormatError, InputTypeError, ProtocolError
from earlyphase.protocol import load_protocol, parse_protocol
from earlyphase.twin.scenario import load_scenario

BASE = (resources.files("earlyphase.protocol") / "builtin" / "isak-phase1b.yaml").read_text(
    encoding="utf-8"
)
FIRST_DOSE = "doses: [{days: [1, 15], dose: 10}]"


@pytest.mark.parametrize(
    ("text", "needle"),
    [
        (BASE.replace(FIRST_DOSE, FIRST_DOSE.replace("10}", ".inf}"), 1), "finite number"),
        (BASE.replace("cycle_length_days: 28", "cycle_length_days: " + "1" + "0" * 30), "366"),
        (BASE.replace('name: "3+3"', 'name: "5+5"'), "'5+5'; expected one of"),
        (
            BASE.replace("registry_id: NCT02332850", "registry_id: A\nregistry_id: B"),
            "duplicate key 'registry_id'",
        ),
        (BASE.replace("cycles: until progression", "cycles: 100000000"), "cycles"),
        ("id: " + "9" * 5000 + "\n", "4,300 digits"),
        ("a: " + "[" * 5000 + "]" * 5000, "nested deeper than 64"),
        ("a: &a [*a]\n", "recursive YAML alias"),
        ("\x1f", "not valid YAML"),
        ("42", "YAML mapping"),
    ],
    ids=["inf", "cycle", "design", "dup", "cycles", "bigint", "deep", "recursive", "ctrl", "num"],
)
def test_impossible_protocols_are_refused(text, needle):
    with pytest.raises(ProtocolError, match="problem") as info:
        parse_protocol(text, source="bad.yaml")
    assert needle in str(info.value)


def test_billion_laughs_is_refused_at_once():
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 10) + "]" for i in range(1, 10)]
    start = time.perf_counter()
    with pytest.raises(ProtocolError, match="1,000,000 nodes"):
        parse_protocol("\n".join(lines))
    assert time.perf_counter() - start < 5  # was ~10**10 node visits


def test_shipped_anchors_still_load():
    assert len(parse_protocol(BASE).dose_levels) == 3


def test_encoding_and_types(tmp_path):
    path = tmp_path / "latin1.yaml"
    path.write_bytes(BASE.replace("title:", "title: caf\u00e9", 1).encode("latin-1", "replace"))
    with pytest.raises(FileFormatError, match=r"latin1.yaml:\d+: byte b'\\xe9'.*UTF-8"):
        load_protocol(path)
    with pytest.raises(InputTypeError):
        load_protocol(3.5)  # type: ignore[arg-type]


def test_scenario_refuses_infinite_values(tmp_path):
    base = {
        "true_dlt": {"DL1": 0.1},
        "response": {"DL1": {"PR": 0.5, "PD": 0.5}},
        "pfs_median_months": 9.0,
    }
    for key, value in (("pfs_median_months", float("inf")), ("followup_months", float("inf"))):
        with pytest.raises(ProtocolError.__mro__[1], match=key):
            load_scenario({**base, key: value})
    dup = tmp_path / "s.yaml"
    dup.write_text("name: a\nname: b\n")
    with pytest.raises(FileFormatError, match="duplicate key 'name'"):
        load_scenario(dup)

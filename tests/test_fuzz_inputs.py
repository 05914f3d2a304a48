"""Fuzzing the input boundaries: "an EarlyphaseError or a valid result, never anything else".

Hypothesis strategies generate protocol YAML (mutations of the shipped protocol and arbitrary
text), dose-escalation outcome strings, lab / PK / patient tables, Dataset-JSON documents and
CSV bytes. Any exception that is not an ``EarlyphaseError`` (a ``KeyError``, ``ZeroDivisionError``,
numpy or pandas error, ``RecursionError``) fails the test; hypothesis prints the input.
"""

from __future__ import annotations

import json
from importlib import resources

import pandas as pd
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from earlyphase.errors import EarlyphaseError

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

_BUILTIN = (resources.files("earlyphase.protocol") / "builtin" / "isak-phase1b.yaml").read_text(
    encoding="utf-8"
)
_LINES = _BUILTIN.splitlines()

# scalars a hostile user might put anywhere
scalars = st.one_of(
    st.sampled_from(
        [
            ".inf",
            "-.inf",
            ".nan",
            "1e308",
            "-1",
            "0",
            "1e30",
            "null",
            "~",
            "[]",
            "{}",
            "'x'",
            "*missing",
            "&a [*a]",
            "9" * 5000,
            "true",
            "2025-01-01",
        ]
    ),
    st.integers(min_value=-(10**20), max_value=10**20).map(str),
    st.floats(allow_nan=True, allow_infinity=True).map(repr),
    st.text(alphabet=st.characters(blacklist_categories=("Cs",)), max_size=12).map(json.dumps),
)


@st.composite
def mutated_protocol(draw: st.DrawFn) -> str:
    lines = list(_LINES)
    for _ in range(draw(st.integers(1, 3))):
        i = draw(st.integers(0, len(lines) - 1))
        line = lines[i]
        if ":" in line and not line.lstrip().startswith("#"):
            key, _, _ = line.partition(":")
            lines[i] = f"{key}: {draw(scalars)}"
        else:
            action = draw(st.sampled_from(["drop", "dup", "indent"]))
            if action == "drop":
                lines[i] = ""
            elif action == "dup":
                lines.insert(i, line)
            else:
                lines[i] = "  " + line
    return "\n".join(lines) + "\n"


@FUZZ
@given(st.one_of(mutated_protocol(), st.text(max_size=300)))
def test_protocol_yaml(text):
    from earlyphase.protocol import Protocol, parse_protocol

    try:
        result = parse_protocol(text, source="fuzz.yaml")
    except EarlyphaseError:
        return
    assert isinstance(result, Protocol)


@FUZZ
@given(
    st.sampled_from(["3+3", "boin", "mtpi2", "crm"]),
    st.text(alphabet="0123456789NTnt xX,;-+", max_size=40),
)
def test_outcome_strings(design, outcomes):
    from earlyphase.designs import make_design

    d = make_design(design, 4, None if design == "3+3" else 0.3, cohort_size=3, n_cohorts=10)
    try:
        decision = d.decide(outcomes)
    except EarlyphaseError:
        return
    assert decision is not None and str(decision)


def _cells(kind: str) -> st.SearchStrategy:
    numbers = st.one_of(
        st.floats(allow_nan=True, allow_infinity=True, width=32),
        st.integers(-5, 10**6),
        st.sampled_from(["", "NA", "x", "1e999", "-0", None]),
    )
    if kind == "text":
        return st.one_of(st.text(max_size=6), st.none(), st.integers(-2, 3))
    return numbers


def _table(columns: dict[str, str], max_rows: int = 6) -> st.SearchStrategy:
    return st.integers(0, max_rows).flatmap(
        lambda n: st.fixed_dictionaries(
            {c: st.lists(_cells(k), min_size=n, max_size=n) for c, k in columns.items()}
        ).map(pd.DataFrame)
    )


_LAB_TESTS = st.sampled_from(["neutrophils", "platelets", "hemoglobin", "alt", "xyz", "", None])


@FUZZ
@given(
    _table({"subject_id": "text", "day": "num", "value": "num", "lln": "num", "uln": "num"}),
    st.data(),
)
def test_lab_tables(frame, data):
    from earlyphase.clinical import grade_labs

    frame["test"] = [data.draw(_LAB_TESTS) for _ in range(len(frame))]
    frame["unit"] = [
        data.draw(st.sampled_from(["10^9/L", "g/L", "U/L", "mg", ""])) for _ in range(len(frame))
    ]
    try:
        out = grade_labs(frame, unknown_tests=data.draw(st.sampled_from(["error", "skip"])))
    except EarlyphaseError:
        return
    assert isinstance(out, pd.DataFrame) and len(out) == len(frame)


@FUZZ
@given(
    _table({"subject_id": "text", "time": "num", "conc": "num"}),
    _table({"subject_id": "text", "time": "num", "amount": "num"}, max_rows=3),
)
def test_pk_tables(conc, doses):
    from earlyphase.pk import nca

    doses["route"] = "intravascular"
    try:
        result = nca(conc, doses)
    except EarlyphaseError:
        return
    assert isinstance(result.parameters, pd.DataFrame)


@FUZZ
@given(_table({"patient_id": "text", "age_years": "num", "ecog": "num", "anc_10e9_l": "num"}))
def test_patient_tables(frame):
    from earlyphase.eligibility import check_eligibility
    from earlyphase.protocol import load_protocol

    try:
        out = check_eligibility(load_protocol("isak-phase1b"), frame, missing_columns="unevaluable")
    except EarlyphaseError:
        return
    assert isinstance(out, pd.DataFrame)


def _dataset_json() -> st.SearchStrategy:
    column = st.fixed_dictionaries(
        {
            "itemOID": st.sampled_from(["IT.DM.USUBJID", "IT.DM.AGE", ""]),
            "name": st.sampled_from(["USUBJID", "AGE", "", "X" * 9]),
            "label": st.text(max_size=5),
            "dataType": st.sampled_from(["string", "integer", "float", "date", "bogus", 3]),
        }
    )
    value = st.one_of(st.none(), st.integers(), st.floats(allow_nan=False), st.text(max_size=4))
    return st.fixed_dictionaries(
        {
            "datasetJSONCreationDateTime": st.sampled_from(["2020-03-20T00:00:00", "x", 5]),
            "datasetJSONVersion": st.sampled_from(["1.1.0", "2", None]),
            "itemGroupOID": st.just("IG.DM"),
            "records": st.integers(-1, 3),
            "name": st.sampled_from(["DM", "", 7]),
            "label": st.text(max_size=5),
            "columns": st.lists(column, max_size=3),
            "rows": st.lists(st.lists(value, max_size=3), max_size=3),
        }
    )


@FUZZ
@given(
    st.one_of(
        _dataset_json().map(json.dumps),
        st.recursive(
            st.none() | st.integers(), lambda c: st.lists(c, max_size=2), max_leaves=8
        ).map(json.dumps),
        st.sampled_from(["[" * 3000 + "]" * 3000, "{", "", "\ufeff{}", '{"a":1,"a":2}']),
        st.binary(max_size=40).map(lambda b: b.decode("latin-1")),
    )
)
def test_dataset_json_reader(tmp_path_factory, text):
    from earlyphase.cdisc.io import read_dataset

    path = tmp_path_factory.mktemp("dsj") / "dm.json"
    path.write_text(text, encoding="utf-8", errors="surrogatepass")
    try:
        frame = read_dataset(path)
    except EarlyphaseError:
        return
    assert isinstance(frame, pd.DataFrame)


@FUZZ
@given(
    st.one_of(
        st.binary(max_size=200),
        st.lists(
            st.lists(st.sampled_from(["a", "1", "", '"', "x,y", "\n", "é", "NaN"]), max_size=4),
            max_size=5,
        ).map(lambda rows: "\n".join(",".join(r) for r in rows).encode("utf-8")),
    ),
    st.booleans(),
)
def test_csv_reader(tmp_path_factory, data, with_sidecar):
    from earlyphase.cdisc.io import read_dataset

    folder = tmp_path_factory.mktemp("csv")
    (folder / "dm.csv").write_bytes(data)
    if with_sidecar:
        (folder / "dm.csv-metadata.json").write_bytes(data[:50])
    try:
        frame = read_dataset(folder / "dm.csv")
    except EarlyphaseError:
        return
    assert isinstance(frame, pd.DataFrame)


@pytest.mark.parametrize("seed", [-1, 2**64, 1.5, "7", None])
def test_api_seeds_and_types(seed):
    """Negative seeds and a protocol given as a number raise earlyphase errors."""
    from earlyphase.designs import make_design
    from earlyphase.errors import InputTypeError, OptionsError
    from earlyphase.protocol import load_protocol

    d = make_design("boin", 3, 0.3, cohort_size=3, n_cohorts=10)
    if seed is None:
        with pytest.raises(InputTypeError):
            load_protocol(42)  # type: ignore[arg-type]
        assert isinstance(InputTypeError("x"), TypeError)
        return
    with pytest.raises((OptionsError, InputTypeError)) as info:
        d.simulate([0.1, 0.2, 0.3], n_trials=10, seed=seed)
    assert isinstance(info.value, ValueError | TypeError)

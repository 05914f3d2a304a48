"""The package imports cheaply and the command line answers."""

import subprocess
import sys
import time

import earlyphase
from earlyphase.errors import DataError, EarlyphaseError, describe_problem


def test_error_hierarchy_and_message():
    err = DataError(describe_problem("weight_kg", -3, "a positive number of kilograms"))
    assert isinstance(err, EarlyphaseError)
    assert isinstance(err, ValueError)
    assert str(err) == "weight_kg: got -3; expected a positive number of kilograms"


def test_version():
    assert earlyphase.__version__.count(".") == 2


def test_help_is_fast_and_lists_commands():
    start = time.perf_counter()
    out = subprocess.run(
        [sys.executable, "-m", "earlyphase", "--help"], capture_output=True, text=True, check=True
    )
    elapsed = time.perf_counter() - start
    assert "Usage" in out.stdout
    # generous bound for a loaded CI machine; the benchmark measures the real figure
    assert elapsed < 3.0

"""The package imports cheaply and the command line answers."""

import resource
import subprocess
import sys

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
    # CPU seconds of the child process, not wall time: on a loaded machine the wall time
    # measures the other jobs (3.5 s wall for 0.3 s of CPU at load 14)
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    out = subprocess.run(
        [sys.executable, "-m", "earlyphase", "--help"], capture_output=True, text=True, check=True
    )
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    assert "Usage" in out.stdout
    # generous bound; the benchmark measures the real figure (about 0.3 s)
    assert cpu < 1.5

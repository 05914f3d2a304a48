"""Atomic output: a failing writer leaves no file behind."""

import pytest

from earlyphase._files import atomic_write


def test_atomic_write_success(tmp_path):
    target = tmp_path / "sub" / "out.csv"
    with atomic_write(target) as fh:
        fh.write("a,b\n")
    assert target.read_text() == "a,b\n"
    assert list(target.parent.iterdir()) == [target]


def test_atomic_write_failure_leaves_nothing(tmp_path):
    target = tmp_path / "out.csv"
    with pytest.raises(RuntimeError), atomic_write(target) as fh:
        fh.write("partial")
        raise RuntimeError("boom")
    assert list(tmp_path.iterdir()) == []


def test_atomic_write_gives_usual_permissions(tmp_path):
    import os

    umask = os.umask(0o022)
    try:
        target = tmp_path / "report.html"
        with atomic_write(target) as fh:
            fh.write("<html></html>")
        assert (target.stat().st_mode & 0o777) == 0o644
    finally:
        os.umask(umask)

"""`analyze` on a folder holding each domain twice (Dataset-JSON and XPT) plus define.csv."""

from __future__ import annotations

import pytest

from earlyphase.cdisc.io import read_dataset, write_dataset
from earlyphase.cdisc.study import read_study
from earlyphase.errors import DataError
from earlyphase.report.pipeline import analyze
from earlyphase.twin import reconstruct, write_sdtm


@pytest.fixture(scope="module")
def sdtm_two_formats(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sdtm")
    write_sdtm(reconstruct(), folder, formats=("json", "xpt"))
    assert (folder / "define.csv").exists() and (folder / "dm.xpt").exists()
    return folder


def test_two_formats_are_read_by_precedence(sdtm_two_formats, tmp_path):
    # no --prefer: Dataset-JSON is read (the copies agree), as `twin reconstruct -> analyze`
    study = read_study(sdtm_two_formats, validate=False)
    assert {p.suffix for p in study.sources.values()} == {".json"}
    assert "read .json by the precedence" in study.format_note()
    result = analyze(sdtm_two_formats, "isak-phase1b", tmp_path / "out", formats=("csv",))
    assert result.skipped == ()
    assert result.tables["efficacy_best_response"].value("ORR", "OVERALL", "n") == 23


def test_copies_that_disagree_stop_before_writing(sdtm_two_formats, tmp_path):
    folder = tmp_path / "sdtm"
    folder.mkdir()
    for name in ("dm.json", "dm.xpt", "ae.json"):
        (folder / name).write_bytes((sdtm_two_formats / name).read_bytes())
    dm = read_dataset(folder / "dm.xpt")
    write_dataset(dm.iloc[:-1], folder / "dm.xpt")
    with pytest.raises(DataError, match=r"domain DM: .*32 rows.*--prefer"):
        analyze(folder, "isak-phase1b", tmp_path / "out", formats=("csv",))
    assert not (tmp_path / "out").exists()


def test_prefer_picks_one_format_and_define_is_not_a_domain(sdtm_two_formats, tmp_path):
    result = analyze(
        sdtm_two_formats, "isak-phase1b", tmp_path / "out", formats=("csv",), prefer="xpt"
    )
    assert set(result.tables) >= {"table1_demographics", "efficacy_best_response"}
    assert result.skipped == ()
    assert not (tmp_path / "out" / "not_produced.csv").exists()
    # ORR of the reconstructed trial, read back from the XPT files: 23 of 33 (Chari 2021)
    best = result.tables["efficacy_best_response"]
    assert best.value("ORR", "OVERALL", "n") == 23

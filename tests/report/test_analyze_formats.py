"""`analyze` on a folder holding each domain twice (Dataset-JSON and XPT) plus define.csv."""

from __future__ import annotations

import pytest

from earlyphase.errors import DataError
from earlyphase.report.pipeline import analyze
from earlyphase.twin import reconstruct, write_sdtm


@pytest.fixture(scope="module")
def sdtm_two_formats(tmp_path_factory):
    folder = tmp_path_factory.mktemp("sdtm")
    write_sdtm(reconstruct(), folder, formats=("json", "xpt"))
    assert (folder / "define.csv").exists() and (folder / "dm.xpt").exists()
    return folder


def test_two_formats_without_prefer_is_a_clear_error(sdtm_two_formats, tmp_path):
    with pytest.raises(DataError, match=r"--prefer"):
        analyze(sdtm_two_formats, "isak-phase1b", tmp_path / "out", formats=("csv",))
    assert not (tmp_path / "out").exists()


def test_prefer_picks_one_format_and_define_is_not_a_domain(sdtm_two_formats, tmp_path):
    result = analyze(
        sdtm_two_formats, "isak-phase1b", tmp_path / "out", formats=("csv",), prefer="xpt"
    )
    assert set(result.tables) >= {"table1_demographics", "efficacy_best_response"}
    # the reconstructed trial's ADLB holds myeloma markers only: no CTCAE-graded lab to shift
    assert [s.output_id for s in result.skipped] == ["lab_shifts"]
    # ORR of the reconstructed trial, read back from the XPT files: 23 of 33 (Chari 2021)
    best = result.tables["efficacy_best_response"]
    assert best.value("ORR", "OVERALL", "n") == 23

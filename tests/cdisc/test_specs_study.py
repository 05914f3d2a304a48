"""SDTM domain specifications, the Study object and SUPP-- merging."""

from __future__ import annotations

import pandas as pd
import pytest
from sdtm_fixture import S

from earlyphase.cdisc.io import read_dataset, write_dataset
from earlyphase.cdisc.specs import check_domain, spec_for
from earlyphase.cdisc.study import Study, merge_supp, read_study, validate_study, write_study
from earlyphase.errors import DataError


def _messages(findings, severity="error"):
    return [f"{f.variable}: {f.message}" for f in findings if f.severity == severity]


def test_fixture_study_has_no_errors(study):
    report = validate_study(study)
    assert report.ok, report.errors
    assert {f.variable for f in report.warnings} >= {"ACTARMCD", "RFICDTC"}


def test_missing_required_variable_and_wrong_type(study):
    ae = study["AE"].drop(columns=["AEDECOD"])
    ae["AESEQ"] = ae["AESEQ"].astype(str)
    errors = _messages(check_domain(ae, "AE"))
    assert any("AEDECOD" in e and "missing" in e for e in errors)
    assert any(e.startswith("AESEQ") and "expected Num" in e for e in errors)


def test_controlled_terms(study):
    dm = study["DM"].copy()
    dm.loc[0, "SEX"] = "MALE"
    ae = study["AE"].copy()
    ae.loc[0, "AETOXGR"] = "6"
    assert any("SEX" in e and "MALE" in e for e in _messages(check_domain(dm, "DM")))
    assert any("AETOXGR" in e and "'6'" in e for e in _messages(check_domain(ae, "AE")))
    dm.loc[0, "SEX"] = "M"
    dm.loc[0, "RACE"] = "MARTIAN"  # extensible codelist: a warning, not an error
    found = check_domain(dm, "DM")
    assert not _messages(found) and any("MARTIAN" in w for w in _messages(found, "warning"))


def test_duplicate_keys_bad_dates_end_before_start(study):
    ae = pd.concat([study["AE"], study["AE"].iloc[[0]]], ignore_index=True)
    assert any("share the same key" in e for e in _messages(check_domain(ae, "AE")))
    dm = pd.concat([study["DM"], study["DM"].iloc[[0]]], ignore_index=True)
    assert any("USUBJID" in e for e in _messages(check_domain(dm, "DM")))
    ex = study["EX"].copy()
    ex.loc[0, "EXSTDTC"] = "2015-3-2"
    assert any("EXSTDTC" in e for e in _messages(check_domain(ex, "EX")))
    ae = study["AE"].copy()
    ae.loc[0, "AEENDTC"] = "2015-03-01"  # starts 2015-03-09
    assert any("end before they start" in e for e in _messages(check_domain(ae, "AE")))
    ae = study["AE"].copy()
    ae["DOMAIN"] = "XX"
    assert any("DOMAIN" in e for e in _messages(check_domain(ae, "AE")))


def test_subjects_must_be_in_dm(study):
    study["AE"].loc[0, "USUBJID"] = "NOBODY"
    assert any("not in DM" in f.message for f in validate_study(study).errors)


def test_spec_lookup():
    assert spec_for("suppae").domain == "SUPP--"
    assert "USUBJID" in spec_for("DM").required
    assert spec_for("ZZ") is None


def test_write_and_read_study_round_trip(study, tmp_path):
    paths = write_study(study, tmp_path, format="parquet")
    assert sorted(p.name for p in paths) == sorted(f"{d.lower()}.parquet" for d in study)
    back = read_study(tmp_path)
    assert isinstance(back, Study) and set(back) == set(study)
    pd.testing.assert_frame_equal(back["dm"], study["DM"], check_exact=True)
    assert back.sources["AE"].name == "ae.parquet"


def test_read_study_raises_listing_errors(study, tmp_path):
    study["DM"] = study["DM"].drop(columns=["SEX"])
    study["AE"].loc[0, "AETOXGR"] = "9"
    write_study(study, tmp_path, format="json")
    with pytest.raises(DataError, match=r"2 SDTM error\(s\)") as err:
        read_study(tmp_path)
    assert "DM.SEX" in str(err.value) and "AE.AETOXGR" in str(err.value)
    assert len(read_study(tmp_path, validate=False)) == len(study)


def test_two_formats_read_by_precedence(pilot_data_dir):
    # the pilot folder holds every domain as .json and .xpt: Dataset-JSON wins, copies agree
    pilot = read_study(pilot_data_dir / "sdtm", validate=False)
    assert set(pilot) == {"DM", "AE", "DS", "MH", "CM", "IE"}
    assert {p.suffix for p in pilot.sources.values()} == {".json"}
    assert {c.suffix for cs in pilot.other_copies.values() for c in cs} == {".xpt"}
    assert "read .json by the precedence json > ndjson > xpt > parquet > csv" in (
        pilot.format_note()
    )
    xpt = read_study(pilot_data_dir / "sdtm", prefer="xpt", validate=False)
    assert {p.suffix for p in xpt.sources.values()} == {".xpt"}
    report = pilot.validate()
    # the pilot's MSG sample AE has no MedDRA coding: AEDECOD (Req) is blank on all 74 records
    assert [(f.domain, f.variable, f.n_rows) for f in report.errors] == [("AE", "AEDECOD", 74)]


def test_copies_that_disagree_are_an_error(pilot_data_dir, tmp_path):
    for name in ("dm.json", "dm.xpt"):
        (tmp_path / name).write_bytes((pilot_data_dir / "sdtm" / name).read_bytes())
    write_dataset(read_dataset(tmp_path / "dm.xpt").iloc[:-1], tmp_path / "dm.xpt")
    with pytest.raises(DataError, match=r"domain DM: got .dm\.xpt with 17 rows") as err:
        read_study(tmp_path, validate=False)
    assert "the same 18 rows and the same columns as dm.json" in str(err.value)
    assert len(read_study(tmp_path, prefer="xpt", validate=False)["DM"]) == 17


def test_merge_supp_by_idvar(study):
    ex = merge_supp(study["EX"], study["SUPPEX"], ("PLANDOSE",))
    assert ex.loc[ex["VISIT"] == "CYCLE 2 DAY 1", "PLANDOSE"].tolist() == ["800"]
    dm = merge_supp(study["DM"], study["SUPPDM"])
    assert dm.set_index("USUBJID").loc[S[1], "COHORT"] == "EXPANSION"
    absent = merge_supp(study["DM"], None, ("COHORT",))
    assert absent["COHORT"].isna().all()
    dup = pd.concat([study["SUPPDM"], study["SUPPDM"].iloc[[0]]])
    with pytest.raises(DataError, match="one value per record"):
        merge_supp(study["DM"], dup)

"""RECIST 1.1 in CDISC: lesions <-> SDTM TU/TR, RS, ADTR and ADRS (admiralonco conventions).

Expected values are worked by hand from Eisenhauer et al. 2009 (RECIST 1.1) and admiralonco's
``ad_adtr.R`` / ``ad_adrs.R`` templates (SDIAM, NADIR = smallest earlier sum, PCHGNAD missing
at a zero nadir; BOR/CBOR/RSP/CRSP/PD parameter codes; SD window 42 days, confirmation 28 days).
"""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from tests.clinical.recist_cases import frame, new, non_targets, targets

from earlyphase.cdisc.adam import derive_adam, derive_adrs
from earlyphase.cdisc.adam.adtr import derive_adtr
from earlyphase.cdisc.tumor import lesions_from_sdtm, lesions_to_sdtm
from earlyphase.clinical.recist import assess
from earlyphase.errors import DataError

REF = {"P1": "2024-01-10", "P2": "2024-02-01", "P3": "2024-03-01"}


def lesions():
    return frame(
        # P1: PR at day 43 (-40%), confirmed at day 85 (CR: lesion 0, node 9 mm), then an
        # equivocal new lesion at day 127 confirmed at day 169 -> PD dated day 127
        targets(
            "P1", [1, 43, 85, 127, 169], [[30, 20], [18, 12], [0, 9], [0, 9], [0, 9]], nodes=("T2",)
        ),
        non_targets(
            "P1",
            [1, 43, 85, 127, 169],
            [["present"], ["present"], ["absent"], ["absent"], ["absent"]],
        ),
        new("P1", 127, "equivocal"),
        new("P1", 169, "present"),
        # P2: SD at day 40 (39 days after the first dose: too early), NE at day 80 -> BOR NE
        targets("P2", [-3, 40, 80], [[40], [38], [None]]),
        # P3: PR at day 43 not confirmed (PD at day 64) -> BOR PR, CBOR SD (42 days met)
        targets("P3", [1, 43, 64], [[50], [30], [40]]),
    )


def adsl():
    return pd.DataFrame(
        {
            "STUDYID": "T",
            "USUBJID": list(REF),
            "SAFFL": "Y",
            "TRTSDT": pd.to_datetime(list(REF.values())),
        }
    )


def sdtm():
    les = lesions()
    return lesions_to_sdtm(les, REF, studyid="T", by_visit=assess(les).by_visit)


def test_sdtm_round_trip_and_conventions():
    domains = sdtm()
    tu, tr, rs = domains["TU"], domains["TR"], domains["RS"]
    assert set(tr["TRTESTCD"]) == {"LDIAM", "SAXIS", "TUMSTATE"}
    assert tu.set_index(["USUBJID", "TULNKID"]).loc[("P1", "T2"), "TULOC"] == "LYMPH NODE"
    assert tu.set_index(["USUBJID", "TULNKID"]).loc[("P1", "N1"), "TUSTRESC"] == "NEW"
    ne = tr[(tr.USUBJID == "P2") & (tr.TRDY == 80)]
    assert ne["TRSTAT"].item() == "NOT DONE" and np.isnan(ne["TRSTRESN"].item())
    # day 43 is 2024-01-10 + 42 days; day -3 is 3 days before day 1 (no day 0)
    assert tr.loc[(tr.USUBJID == "P1") & (tr.TRDY == 43), "TRDTC"].iloc[0] == "2024-02-21"
    assert tr.loc[(tr.USUBJID == "P2") & (tr.TRDY == -3), "TRDTC"].iloc[0] == "2024-01-29"
    ovr = rs[rs.RSTESTCD == "OVRLRESP"].groupby("USUBJID")["RSSTRESC"].apply(list)
    assert ovr["P1"] == ["PR", "CR", "PD", "PD"]
    back = lesions_from_sdtm(tu, tr, REF)
    a, b = assess(lesions()), assess(back)
    pd.testing.assert_frame_equal(a.best, b.best)
    pd.testing.assert_frame_equal(a.by_visit, b.by_visit)


def test_adtr_sums_nadir_and_changes():
    d = sdtm()
    adtr = derive_adtr(adsl(), d["TU"], d["TR"])
    s = adtr[(adtr.PARAMCD == "SDIAM") & (adtr.USUBJID == "P1")]
    assert list(s["AVAL"]) == [50.0, 30.0, 9.0, 9.0, 9.0]
    assert list(s["ABLFL"]) == ["Y", "", "", "", ""]
    assert list(s["PCHG"].round(6)) == [0.0, -40.0, -82.0, -82.0, -82.0]
    assert np.isnan(s["NADIR"].iloc[0]) and list(s["NADIR"].iloc[1:]) == [50.0, 30.0, 9.0, 9.0]
    assert s["PCHGNAD"].iloc[2] == pytest.approx(-70.0)
    p2 = adtr[(adtr.PARAMCD == "SDIAM") & (adtr.USUBJID == "P2")]
    assert list(p2["ANL01FL"]) == ["Y", "Y", ""] and np.isnan(p2["AVAL"].iloc[2])
    lesion = adtr[(adtr.PARAMCD == "SAXIS") & (adtr.USUBJID == "P1")]
    assert list(lesion["AVAL"]) == [20.0, 12.0, 9.0, 9.0, 9.0]
    assert set(lesion["TULOC"]) == {"LYMPH NODE"}
    assert adtr.attrs.get("name", "ADTR") == "ADTR"


def test_adrs_recist_parameters():
    d = sdtm()
    adrs = derive_adrs(adsl(), tu=d["TU"], tr=d["TR"], source="recist")
    got = adrs[adrs.PARAMCD.isin(["BOR", "CBOR", "RSP", "CRSP", "PD", "MDIS"])]
    table = got.pivot(index="USUBJID", columns="PARAMCD", values="AVALC")
    assert table.loc["P1"].to_dict() == {
        "BOR": "CR",
        "CBOR": "PR",
        "CRSP": "Y",
        "MDIS": "Y",
        "PD": "Y",
        "RSP": "Y",
    }
    # P1 CBOR: the day-43 PR is confirmed by the day-85 CR; the CR has no confirming CR
    # >= 28 days later before the PD dated day 127 (the equivocal lesion's first sighting)
    assert table.loc["P2"].to_dict() == {
        "BOR": "NE",
        "CBOR": "NE",
        "CRSP": "N",
        "MDIS": "Y",
        "PD": "N",
        "RSP": "N",
    }
    assert table.loc["P3", "BOR"] == "PR" and table.loc["P3", "CBOR"] == "SD"
    dates = got.set_index(["USUBJID", "PARAMCD"])["ADT"]
    assert dates[("P1", "PD")] == pd.Timestamp("2024-05-15")  # study day 127
    assert dates[("P3", "RSP")] == pd.Timestamp("2024-04-12")  # study day 43
    assert pd.isna(dates[("P3", "CRSP")])
    aval = adrs.set_index(["USUBJID", "PARAMCD"])["AVAL"]
    assert aval[("P1", "BOR")] == 1 and aval[("P3", "CBOR")] == 3 and aval[("P1", "RSP")] == 1
    lsta = adrs[(adrs.PARAMCD == "LSTA")].set_index("USUBJID")["ADT"]
    assert lsta["P1"] == pd.Timestamp("2024-05-15") and lsta["P2"] == pd.Timestamp(
        "2024-03-11"
    )  # day 40


def test_derive_adam_picks_recist_from_tu_tr():
    d = sdtm()
    dm = pd.DataFrame(
        {
            "STUDYID": "T",
            "USUBJID": list(REF),
            "RFSTDTC": list(REF.values()),
            "ARM": "A",
            "ARMCD": "A",
        }
    )
    ex = pd.DataFrame(
        {
            "STUDYID": "T",
            "USUBJID": list(REF),
            "EXTRT": "DRUG",
            "EXDOSE": 10.0,
            "EXDOSU": "mg",
            "EXSTDTC": list(REF.values()),
            "EXENDTC": list(REF.values()),
        }
    )
    result = derive_adam({"DM": dm, "EX": ex, **d})
    assert "ADSL" in result, result.to_frame().to_string()
    assert "ADTR" in result and "ADRS" in result
    assert set(result["ADRS"]["PARCAT1"].dropna()) == {"RECIST 1.1 (earlyphase.clinical.recist)"}


def test_bad_tr_link():
    d = sdtm()
    tr = d["TR"].copy()
    tr.loc[0, "TRLNKID"] = "ZZ"
    with pytest.raises(DataError, match="a lesion identified in TU"):
        lesions_from_sdtm(d["TU"], tr, REF)

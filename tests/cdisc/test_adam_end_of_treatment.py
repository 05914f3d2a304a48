"""End of treatment (EOTSTT/DCTREAS) versus end of study (EOSSTT/DCSREAS) in ADSL.

Chari et al. 2021, Results: "28 patients experienced disease progression ... Eleven patients
died of MM": a patient who stops treatment for progression and dies later ended treatment for
progression (DCTREAS) and the study by death (DCSREAS).
"""

from __future__ import annotations

import pandas as pd
from sdtm_fixture import S, make_study

from earlyphase.cdisc.adam import derive_adam


def _with_death_after_progression(epoch: bool) -> dict[str, pd.DataFrame]:
    study = dict(make_study())
    ds = study["DS"].copy()
    death = ds[(ds["USUBJID"] == S[0]) & (ds["DSDECOD"] == "PROGRESSIVE DISEASE")].copy()
    death["DSDECOD"] = death["DSTERM"] = "DEATH"
    death["DSSTDTC"] = "2015-09-01"
    ds = pd.concat([ds, death], ignore_index=True)
    if epoch:
        # the withdrawal of S[3] is recorded in follow-up after a treatment record
        ds["EPOCH"] = ""
        treatment = ds["DSCAT"].eq("DISPOSITION EVENT") & ~ds["DSDECOD"].eq("DEATH")
        ds.loc[treatment, "EPOCH"] = "TREATMENT"
        ds.loc[ds["DSDECOD"].eq("DEATH"), "EPOCH"] = "FOLLOW-UP"
    ds["DSSEQ"] = ds.groupby("USUBJID").cumcount() + 1
    study["DS"] = ds
    return study


def test_treatment_and_study_disposition_differ_after_death():
    for epoch in (True, False):
        adsl = derive_adam(_with_death_after_progression(epoch))["ADSL"].set_index("USUBJID")
        assert adsl.loc[S[0], "EOTSTT"] == "DISCONTINUED"
        assert adsl.loc[S[0], "DCTREAS"] == "PROGRESSIVE DISEASE"
        assert adsl.loc[S[0], "EOSSTT"] == "DISCONTINUED"
        assert adsl.loc[S[0], "DCSREAS"] == "DEATH"
        assert adsl.loc[S[1], "EOTSTT"] == "ONGOING" and adsl.loc[S[1], "DCTREAS"] == ""
        assert adsl.loc[S[3], "DCTREAS"] == "WITHDRAWAL BY SUBJECT"


def test_reconstructed_trial_treatment_disposition_matches_paper():
    from earlyphase.twin import reconstruct

    adsl = derive_adam(reconstruct())["ADSL"]
    # Chari 2021, Results/Patient Characteristics: 28 progressed, 1 proceeded to ASCT,
    # 4 remained on therapy; 11 died of MM (after progression)
    assert adsl["DCTREAS"].value_counts().to_dict() == {
        "PROGRESSIVE DISEASE": 28,
        "": 4,
        "OTHER": 1,
    }
    assert int((adsl["EOTSTT"] == "ONGOING").sum()) == 4
    assert int((adsl["DTHFL"] == "Y").sum()) == 11
    assert int((adsl["DCSREAS"] == "DEATH").sum()) == 11

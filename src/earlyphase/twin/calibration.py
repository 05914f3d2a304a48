"""The reconstruction's calibration: explicit targets and the constructive patient plan.

The paper publishes aggregates only. This module turns them into a *plan*: one row per patient
with the baseline characteristics and the intended clinical course (best response, when it is
reached, when progression is documented, survival). The plan is written out by hand, row by
row, so that every published count is met exactly where the paper is self-consistent; the
choices made where it is not are listed in :data:`DEVIATIONS`. The generator modules
(``demographics``, ``disease_course``, ...) turn the plan into SDTM records, and the analysis
of those records is done by the ordinary ``earlyphase`` functions, never by reading this plan.

:func:`check_plan` recomputes every target from the plan (used by the tests).
"""

from __future__ import annotations

import io
from types import MappingProxyType

import pandas as pd

__all__ = ["CUTOFF", "DEVIATIONS", "TARGETS", "check_plan", "cohort_plan"]

#: Data cut-off (Results, Patient Characteristics).
CUTOFF = "2020-03-20"

#: Published counts the plan reproduces exactly (key -> value; paper locations in the YAML).
TARGETS = MappingProxyType(
    {
        "n_dl1": 3,
        "n_dl2": 24,
        "n_dl3": 6,
        "n_escalation": 15,
        "n_expansion": 18,
        "male": 24,
        "white": 21,
        "asian": 5,
        "hispanic": 5,
        "other_race": 2,
        "igg": 17,
        "iga": 8,
        "light_chain": 8,
        "prior_sct": 27,
        "len_ref": 24,
        "pom_exp": 17,
        "pom_ref": 16,
        "bort_ref": 23,
        "carf_exp": 14,
        "carf_ref": 9,
        "imid_ref": 28,
        "pi_ref": 25,
        "dual_ref": 25,
        "high_risk": 6,
        "gain1q": 14,
        "age_ge65": 11,
        "age_gt65": 10,
        "scr": 3,
        "cr": 1,
        "vgpr": 8,
        "pr": 11,
        "mr": 5,
        "responders": 23,
        "cbr": 28,
        "orr_imid_ref": 19,
        "orr_pi_ref": 17,
        "orr_dual_ref": 17,
        "orr_hr": 5,
        "orr_hr_vgpr": 3,
        "orr_gain1q": 8,
        "orr_age_lt65": 16,
        "orr_age_ge65": 7,
        "orr_prior_k": 9,
        "orr_k_ref": 5,
        "orr_len_ref": 15,
        "progressions": 28,
        "deaths": 11,
        "ongoing": 4,
        "asct": 1,
        "withdrawn": 1,
        "median_cycles": 10,
        "min_cycles": 2,
        "max_cycles": 34,
    }
)

#: Where the paper contradicts itself, what the twin does instead (see the YAML for the numbers).
DEVIATIONS = MappingProxyType(
    {
        "orr_len_ref": "54% of 24 (13) is impossible with 23 responders: only 9 patients are not "
        "Len-refractory. Keeping ORR 19/28 for any-IMiD refractory forces 15/24 (62%).",
        "orr_pi_ref": "PI-refractory (n=25) and dual-refractory (n=25) are the same 25 patients "
        "(Table 1: every PI-refractory patient is IMiD-refractory), so their ORRs "
        "cannot differ (72% vs 68%); the twin gives 17/25 (68%) for both.",
        "dual_ref_dl2": "Dose-level dual-refractory % (67/71/83) sum to 24 patients; the twin has 25 "
        "(76%, text n=25), i.e. 18/24 (75%) at DL2.",
        "orr_prior_k": "62% of 14 has no integer count; the twin has 9/14 (64%).",
        "orr_k_ref": "60% of 9 has no integer count; the twin has 5/9 (56%).",
        "orr_gain1q": "54% of 14 has no integer count; 8/14 (57%) keeps the combined HR + 1q ORR "
        "13/20 (65%).",
        "gain1q_dl2": "Dose-level 1q counts 2 + 9 + 2 = 13, overall 14: the twin has 10 at DL2 "
        "(2 DL2 patients have no FISH result, denominator 22).",
        "diag_years_median_overall": "Overall median 6.2 y is impossible given the dose-level "
        "medians; the twin's overall median is 6.0 y (Results text).",
        "table2_overall": "Overall Table 2 counts are the sums of the dose-level columns "
        "(Anemia 24, Thrombocytopenia 28), which match the printed percentages.",
        "table2_dyspnea_dl3": "Dyspnoea at DL3 is 1 patient (as printed), i.e. 17%, not 33%.",
    }
)

# One row per patient in order of first dose. Columns:
#   dl, cohort (E=escalation, X=expansion), first_dose, age, sex, race (W/A/O), ethnic (H/N),
#   diag_years, mmtype (IGG/IGA/LC), lines, sct, lenref, pomexp, pomref, bortref, kexp, kref,
#   bmpc, cyto (HIGH/STANDARD/UNKNOWN), gain1q, best (IMWG category), resp_wk (first >= PR,
#   weeks), best_wk, pre (category before the first response, for late responders),
#   pd_cycle (cycle at whose day 1 progression is documented), end (PD/ONGOING/ASCT),
#   os_months (death or last contact), died, withdrew.
_PLAN_CSV = """\
subj,dl,cohort,first_dose,age,sex,race,ethnic,diag_years,mmtype,lines,sct,lenref,pomexp,pomref,bortref,kexp,kref,bmpc,cyto,gain1q,best,resp_wk,best_wk,pre,pd_cycle,end,os_months,died,withdrew
1,DL1,E,2015-01-22,38,F,W,N,2.5,IGA,2,Y,Y,Y,Y,Y,Y,Y,35,STANDARD,Y,MR,,20,,12,PD,30.5,Y,N
2,DL1,E,2015-02-17,59,M,W,N,6.0,IGG,7,Y,Y,Y,Y,Y,Y,Y,60,STANDARD,Y,sCR,4,36,VGPR,34,PD,61.0,N,N
3,DL1,E,2015-03-12,63,M,W,N,10.6,LC,8,Y,N,Y,N,N,Y,N,85,STANDARD,N,PR,4,12,,5,PD,52.0,N,N
4,DL2,E,2015-04-14,57,M,W,N,4.8,IGG,2,Y,Y,N,N,Y,N,N,22,STANDARD,Y,PR,48,48,MR,18,PD,26.7,N,N
5,DL2,E,2015-05-05,60,M,W,N,8.8,IGG,2,Y,Y,N,N,Y,N,N,30,HIGH,N,VGPR,4,12,,10,PD,38.0,N,N
6,DL2,E,2015-05-26,53,F,A,N,2.4,LC,2,N,Y,N,N,Y,N,N,45,STANDARD,Y,MR,,4,,4,PD,17.8,Y,N
7,DL3,E,2015-07-07,55,M,W,N,6.2,IGG,4,Y,Y,Y,Y,Y,Y,Y,25,HIGH,N,VGPR,4,12,,27,PD,44.0,N,N
8,DL3,E,2015-07-28,60,M,W,N,14.3,IGG,2,Y,Y,Y,Y,Y,Y,Y,1,STANDARD,Y,SD,,,,5,PD,16.0,Y,N
9,DL3,E,2015-08-18,63,M,W,N,3.0,IGA,3,Y,Y,Y,Y,Y,Y,N,20,HIGH,N,PR,4,4,,4,PD,22.4,Y,N
10,DL2,E,2015-10-06,66,M,W,N,5.0,IGG,2,Y,Y,N,N,Y,N,N,12,HIGH,N,VGPR,4,12,,12,PD,24.2,N,N
11,DL2,E,2015-10-27,56,F,W,N,11.0,IGG,2,Y,Y,N,N,Y,N,N,60,STANDARD,Y,VGPR,4,28,PR,15,PD,33.1,N,N
12,DL2,E,2015-11-17,58,M,A,N,1.5,IGA,2,Y,Y,N,N,Y,N,N,8,STANDARD,Y,MR,,8,,20,PD,21.0,Y,N
13,DL3,E,2016-01-12,65,M,W,N,4.8,IGA,6,Y,Y,Y,Y,N,Y,Y,15,STANDARD,N,SD,,,,6,PD,19.5,Y,N
14,DL3,E,2016-02-02,70,M,W,N,9.0,LC,5,Y,Y,Y,Y,N,N,N,30,STANDARD,Y,PR,4,12,,16,PD,30.5,N,N
15,DL3,E,2016-02-23,78,M,O,H,1.8,LC,3,Y,N,Y,Y,Y,Y,Y,30,STANDARD,N,PR,4,4,,22,PD,35.2,N,N
16,DL2,X,2016-04-12,61,M,W,N,6.5,IGG,2,Y,Y,N,N,Y,N,N,65,HIGH,N,PR,4,4,,7,PD,28.9,Y,N
17,DL2,X,2016-05-24,59,F,W,N,3.3,IGG,2,N,Y,N,N,Y,N,N,17,STANDARD,Y,VGPR,4,40,PR,22,PD,41.0,N,N
18,DL2,X,2016-07-05,67,M,O,H,12.7,LC,3,Y,Y,N,N,Y,N,N,3,HIGH,N,MR,,12,,6,PD,23.5,Y,N
19,DL2,X,2016-08-16,68,M,W,N,3.9,IGA,2,Y,Y,N,N,Y,N,N,50,STANDARD,Y,VGPR,4,4,,8,PD,25.6,N,N
20,DL2,X,2016-09-27,54,M,A,N,1.0,IGG,2,Y,Y,N,N,Y,N,N,75,STANDARD,Y,PR,16,16,MR,10,PD,28.3,N,N
21,DL2,X,2016-11-08,55,F,O,H,7.7,IGG,2,N,Y,N,N,Y,N,N,10,STANDARD,Y,MR,,12,,12,PD,27.2,Y,N
22,DL2,X,2016-12-20,64,M,W,N,4.5,IGA,4,Y,Y,Y,Y,N,Y,N,80,STANDARD,Y,VGPR,4,12,,7,ASCT,24.4,N,N
23,DL2,X,2017-01-31,60,F,A,N,2.9,IGG,3,Y,Y,Y,Y,N,Y,N,5,STANDARD,Y,SD,,,,3,PD,13.3,Y,N
24,DL2,X,2017-03-14,62,M,W,N,13.8,LC,4,N,Y,Y,Y,Y,Y,Y,20,UNKNOWN,UNKNOWN,PR,4,8,,8,PD,25.3,N,Y
25,DL2,X,2017-04-18,64,M,O,N,9.4,IGG,3,Y,Y,Y,Y,Y,Y,Y,14,STANDARD,N,PR,4,12,,9,PD,29.0,N,N
26,DL2,X,2017-05-16,70,F,W,N,2.0,IGG,5,Y,Y,Y,Y,N,Y,Y,18,STANDARD,N,SD,,,,3,PD,14.5,Y,N
27,DL2,X,2017-06-13,61,M,O,H,8.2,LC,5,Y,N,Y,Y,Y,Y,N,32,STANDARD,N,PR,4,12,,11,PD,25.0,N,N
28,DL2,X,2017-07-18,71,M,W,N,6.0,IGA,6,Y,N,Y,Y,Y,N,N,55,STANDARD,N,PR,4,8,,13,PD,24.6,N,N
29,DL2,X,2017-08-15,60,M,W,N,11.9,IGG,6,Y,N,Y,Y,Y,N,N,40,STANDARD,N,CR,4,96,VGPR,,ONGOING,31.1,N,N
30,DL2,X,2017-10-10,72,F,O,H,7.1,IGG,4,N,N,N,N,N,N,N,35,UNKNOWN,UNKNOWN,sCR,4,12,,,ONGOING,29.3,N,N
31,DL2,X,2017-11-21,74,M,W,N,4.2,IGA,3,N,N,N,N,N,N,N,1,STANDARD,N,sCR,4,12,,,ONGOING,27.9,N,N
32,DL2,X,2018-01-09,57,F,O,N,3.6,IGG,3,Y,N,N,N,N,N,N,15,STANDARD,N,VGPR,4,4,,,ONGOING,26.3,N,N
33,DL2,X,2018-02-13,69,M,A,N,10.1,LC,2,Y,N,N,N,N,N,N,70,STANDARD,N,SD,,,,4,PD,24.9,N,N
"""


def cohort_plan() -> pd.DataFrame:
    """The 33-patient plan (a fresh copy; see the module docstring for the columns)."""
    plan = pd.read_csv(
        io.StringIO(_PLAN_CSV),
        dtype={"resp_wk": "Int64", "best_wk": "Int64", "pd_cycle": "Int64", "pre": "string"},
        keep_default_na=False,
        na_values={"resp_wk": [""], "best_wk": [""], "pd_cycle": [""], "pre": [""]},
    )
    plan["first_dose"] = pd.to_datetime(plan["first_dose"])
    plan["cutoff"] = pd.Timestamp(CUTOFF)
    plan["pre"] = plan["pre"].fillna("")
    for col in ("sct", "lenref", "pomexp", "pomref", "bortref", "kexp", "kref", "died", "withdrew"):
        plan[col] = plan[col] == "Y"
    plan["imidref"] = plan["lenref"] | plan["pomref"]
    plan["piref"] = plan["bortref"] | plan["kref"]
    plan["dualref"] = plan["imidref"] & plan["piref"]
    plan["responder"] = plan["best"].isin(["sCR", "CR", "VGPR", "PR"])
    return plan


def check_plan(plan: pd.DataFrame | None = None) -> dict[str, float]:
    """Recompute every target of :data:`TARGETS` from the plan (for tests and audits)."""
    p = cohort_plan() if plan is None else plan
    r = p["responder"]
    hr = p["cyto"] == "HIGH"
    q = p["gain1q"] == "Y"
    cycles = p["pd_cycle"].astype("float") - 1
    out: dict[str, float] = {
        "n_dl1": int((p["dl"] == "DL1").sum()),
        "n_dl2": int((p["dl"] == "DL2").sum()),
        "n_dl3": int((p["dl"] == "DL3").sum()),
        "n_escalation": int((p["cohort"] == "E").sum()),
        "n_expansion": int((p["cohort"] == "X").sum()),
        "male": int((p["sex"] == "M").sum()),
        "white": int(((p["race"] == "W") & (p["ethnic"] == "N")).sum()),
        "asian": int((p["race"] == "A").sum()),
        "hispanic": int((p["ethnic"] == "H").sum()),
        "other_race": int(((p["race"] == "O") & (p["ethnic"] == "N")).sum()),
        "igg": int((p["mmtype"] == "IGG").sum()),
        "iga": int((p["mmtype"] == "IGA").sum()),
        "light_chain": int((p["mmtype"] == "LC").sum()),
        "prior_sct": int(p["sct"].sum()),
        "len_ref": int(p["lenref"].sum()),
        "pom_exp": int(p["pomexp"].sum()),
        "pom_ref": int(p["pomref"].sum()),
        "bort_ref": int(p["bortref"].sum()),
        "carf_exp": int(p["kexp"].sum()),
        "carf_ref": int(p["kref"].sum()),
        "imid_ref": int(p["imidref"].sum()),
        "pi_ref": int(p["piref"].sum()),
        "dual_ref": int(p["dualref"].sum()),
        "high_risk": int(hr.sum()),
        "gain1q": int(q.sum()),
        "age_ge65": int((p["age"] >= 65).sum()),
        "age_gt65": int((p["age"] > 65).sum()),
        "responders": int(r.sum()),
        "cbr": int((r | (p["best"] == "MR")).sum()),
        "orr_imid_ref": int(r[p["imidref"]].sum()),
        "orr_pi_ref": int(r[p["piref"]].sum()),
        "orr_dual_ref": int(r[p["dualref"]].sum()),
        "orr_hr": int(r[hr].sum()),
        "orr_hr_vgpr": int((p["best"][hr] == "VGPR").sum()),
        "orr_gain1q": int(r[q].sum()),
        "orr_age_lt65": int(r[p["age"] < 65].sum()),
        "orr_age_ge65": int(r[p["age"] >= 65].sum()),
        "orr_prior_k": int(r[p["kexp"]].sum()),
        "orr_k_ref": int(r[p["kref"]].sum()),
        "orr_len_ref": int(r[p["lenref"]].sum()),
        "progressions": int((p["end"] == "PD").sum()),
        "deaths": int(p["died"].sum()),
        "ongoing": int((p["end"] == "ONGOING").sum()),
        "asct": int((p["end"] == "ASCT").sum()),
        "withdrawn": int(p["withdrew"].sum()),
    }
    for cat in ("sCR", "CR", "VGPR", "PR", "MR"):
        out[cat.lower()] = int((p["best"] == cat).sum())
    planned_cycles = plan_cycles(p)
    out["median_cycles"] = float(planned_cycles.median())
    out["min_cycles"] = int(planned_cycles.min())
    out["max_cycles"] = int(planned_cycles.max())
    del cycles
    return out


def plan_cycles(plan: pd.DataFrame) -> pd.Series:
    """Number of treatment cycles started per patient implied by the plan.

    Progression documented at day 1 of cycle k ends treatment after k - 1 cycles; ASCT after the
    last response assessment; patients on therapy at cut-off (the row's ``cutoff``) have every
    cycle started by then; ``WITHDRAWN`` (simulation mode) after cycle 1.
    """
    n = pd.Series(0, index=plan.index, dtype="int64")
    for i, row in zip(plan.index, plan.to_dict("records"), strict=True):
        if row["end"] == "ONGOING":
            n[i] = int((pd.Timestamp(row["cutoff"]) - row["first_dose"]).days // 28) + 1
        elif row["end"] == "WITHDRAWN":  # left during cycle 1, before any response assessment
            n[i] = 1
        else:
            n[i] = int(row["pd_cycle"]) - 1
    return n


#: Table 2 targets per dose level: paper term -> {DL: (patients any grade, patients grade >= 3)}.
#: Dose-level cells as printed; the overall column is their sum (see DEVIATIONS).
TABLE2_TARGETS = MappingProxyType(
    {
        "Neutropenia": {"DL1": (2, 1), "DL2": (8, 2), "DL3": (0, 0)},
        "Anemia": {"DL1": (1, 1), "DL2": (18, 1), "DL3": (5, 1)},
        "Thrombocytopenia": {"DL1": (2, 0), "DL2": (20, 1), "DL3": (6, 0)},
        "Leukopenia": {"DL1": (1, 1), "DL2": (17, 1), "DL3": (1, 0)},
        "Lymphopenia": {"DL1": (1, 1), "DL2": (24, 14), "DL3": (6, 3)},
        "Fatigue": {"DL1": (2, 0), "DL2": (8, 0), "DL3": (1, 0)},
        "Nausea": {"DL1": (2, 0), "DL2": (6, 0), "DL3": (3, 0)},
        "Diarrhea": {"DL1": (2, 1), "DL2": (9, 2), "DL3": (0, 0)},
        "Constipation": {"DL1": (2, 0), "DL2": (7, 0), "DL3": (3, 0)},
        "Hypertension": {"DL1": (0, 0), "DL2": (9, 3), "DL3": (2, 2)},
        "Headache": {"DL1": (1, 0), "DL2": (12, 0), "DL3": (2, 0)},
        "Muscle cramps": {"DL1": (0, 0), "DL2": (7, 0), "DL3": (4, 0)},
        "Insomnia": {"DL1": (0, 0), "DL2": (5, 2), "DL3": (2, 0)},
        "Dyspnea": {"DL1": (1, 0), "DL2": (7, 0), "DL3": (1, 0)},
        "URI": {"DL1": (1, 0), "DL2": (7, 0), "DL3": (0, 0)},
    }
)

#: Grade >= 3 related events (lymphopenia apart) grouped by patient: each set is one patient,
#: so that 16 patients (48%) have a related grade 3/4 AE (Results, Safety/AEs).
GRADE3_GROUPS = MappingProxyType(
    {
        "DL1": ({"Neutropenia", "Leukopenia", "Anemia"}, {"Diarrhea"}),
        "DL2": (
            {"Neutropenia", "Leukopenia"},
            {"Neutropenia"},
            {"Anemia"},
            {"Thrombocytopenia"},
            {"Diarrhea"},
            {"Diarrhea"},
            {"Hypertension"},
            {"Hypertension"},
            {"Hypertension"},
            {"Insomnia"},
            {"Insomnia"},
        ),
        "DL3": ({"Anemia"}, {"Hypertension"}, {"Hypertension"}),
    }
)

#: Patients with a related AE of grade >= 2 (Results, Safety/AEs: 48, 48, 24, 24, 21, 21%).
GRADE2PLUS_TARGETS = MappingProxyType(
    {
        "Anemia": 16,
        "Leukopenia": 16,
        "Neutropenia": 8,
        "URI": 8,
        "Thrombocytopenia": 7,
        "Hypertension": 7,
    }
)
#: Other Table 2 terms: at most this many patients with grade 2 (fewer than the 21% above).
GRADE2_CAP_OTHER = 5

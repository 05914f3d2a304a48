"""A small synthetic ADaM study (33 subjects, 3/24/6 by dose level) following docs/data_conventions.md.

The values are plausible, not the reference trial: the report's tests compute every expected
number from these frames independently of the report code.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from earlyphase.cdisc import terms

N_BY_DL = {1: 3, 2: 24, 3: 6}
CUTOFF = pd.Timestamp("2020-03-20")
_BOR = ["sCR"] * 3 + ["CR"] + ["VGPR"] * 8 + ["PR"] * 11 + ["MR"] * 5 + ["SD"] * 3 + ["PD"] * 2


def _yn(mask: np.ndarray) -> np.ndarray:
    return np.where(mask, "Y", "N")


def make_adsl(rng: np.random.Generator) -> pd.DataFrame:
    dl = np.repeat([1, 2, 3], [N_BY_DL[1], N_BY_DL[2], N_BY_DL[3]])
    n = dl.size
    arms = list(terms.DOSE_LEVEL_ARMS.values())
    ids = [f"{terms.STUDYID}-{100 + i % 3}-{i + 1:04d}" for i in range(n)]
    cohort = np.array(["ESCALATION"] * n, dtype=object)
    cohort[np.flatnonzero(dl == 2)[6:]] = "EXPANSION"
    age = rng.integers(38, 79, n).astype(float)
    start = pd.Timestamp("2015-01-15") + pd.to_timedelta(np.sort(rng.integers(0, 1100, n)), "D")
    ncycles = rng.integers(2, 35, n)
    trtend = start + pd.to_timedelta(ncycles * 28 - rng.integers(1, 14, n), "D")
    trtend = trtend.where(trtend < CUTOFF, CUTOFF - pd.Timedelta(days=3))
    lenexp = np.ones(n, bool)
    lenref = rng.random(n) < 0.73
    pomexp = rng.random(n) < 0.5
    pomref = pomexp & (rng.random(n) < 0.9)
    bortref = rng.random(n) < 0.7
    carfexp = rng.random(n) < 0.42
    carfref = carfexp & (rng.random(n) < 0.65)
    imidref = lenref | pomref
    piref = bortref | carfref
    cyto = rng.choice(["HIGH", "STANDARD", "UNKNOWN"], n, p=[0.18, 0.76, 0.06])
    gain = np.where(cyto == "UNKNOWN", "UNKNOWN", np.where(rng.random(n) < 0.42, "Y", "N"))
    gain = np.where(cyto == "HIGH", "N", gain)
    height = rng.normal(172, 9, n).round(1)
    weight = rng.normal(80, 14, n).round(1)
    diagdt = start - pd.to_timedelta(rng.integers(365, 14 * 365, n), "D")
    eosstt = np.where(rng.random(n) < 0.12, "ONGOING", "DISCONTINUED")
    dth = rng.random(n) < 0.33
    dthdt = pd.Series(
        trtend + pd.to_timedelta(rng.integers(30, 600, n), "D"), dtype="datetime64[ns]"
    ).where(dth & (eosstt != "ONGOING"))
    dthdt = dthdt.where(dthdt < CUTOFF)
    lstalv = pd.Series(CUTOFF - pd.to_timedelta(rng.integers(0, 40, n), "D"))
    lstalv = lstalv.where(dthdt.isna(), dthdt)
    return pd.DataFrame(
        {
            "STUDYID": terms.STUDYID,
            "USUBJID": ids,
            "TRT01P": [arms[d - 1] for d in dl],
            "TRT01PN": dl.astype(float),
            "TRT01A": [arms[d - 1] for d in dl],
            "TRT01AN": dl.astype(float),
            "COHORT": cohort,
            "SAFFL": "Y",
            "EFFFL": "Y",
            "PKFL": _yn(rng.random(n) < 0.9),
            "AGE": age,
            "AGEGR1": np.where(age < 65, "<65", ">=65"),
            "SEX": rng.choice(["M", "F"], n, p=[0.73, 0.27]),
            "RACE": rng.choice(
                ["WHITE", "ASIAN", "BLACK OR AFRICAN AMERICAN", "OTHER"],
                n,
                p=[0.7, 0.15, 0.1, 0.05],
            ),
            "ETHNIC": np.where(
                rng.random(n) < 0.15, "HISPANIC OR LATINO", "NOT HISPANIC OR LATINO"
            ),
            "HEIGHTBL": height,
            "WEIGHTBL": weight,
            "BSABL": np.sqrt(height * weight / 3600).round(2),
            "DIAGDT": diagdt,
            "DIAGYRS": ((start - diagdt).days / 365.25).to_numpy(),
            "MMTYPE": rng.choice(["IGG", "IGA", "LIGHT CHAIN"], n, p=[0.52, 0.24, 0.24]),
            "PRIORLN": rng.integers(2, 9, n).astype(float),
            "PRIORSCT": _yn(rng.random(n) < 0.82),
            "LENEXP": _yn(lenexp),
            "LENREF": _yn(lenref),
            "POMEXP": _yn(pomexp),
            "POMREF": _yn(pomref),
            "BORTEXP": "Y",
            "BORTREF": _yn(bortref),
            "CARFEXP": _yn(carfexp),
            "CARFREF": _yn(carfref),
            "IMIDREF": _yn(imidref),
            "PIREF": _yn(piref),
            "DUALREF": _yn(imidref & piref),
            "BMPCBL": rng.integers(1, 86, n).astype(float),
            "CYTORISK": cyto,
            "GAIN1Q": gain,
            "TRTSDT": start,
            "TRTEDT": trtend,
            "NCYCLES": ncycles.astype(float),
            "DCUTDT": CUTOFF,
            "EOSSTT": eosstt,
            "DTHFL": _yn(dthdt.notna().to_numpy()),
            "DTHDT": dthdt.to_numpy(),
            "LSTALVDT": lstalv.to_numpy(),
            "RDIISA": rng.uniform(88, 100, n).round(1),
            "RDICARF": rng.uniform(85, 100, n).round(1),
        }
    )


def make_adae(adsl: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    rows = []
    hema = {"Neutropenia", "Anaemia", "Thrombocytopenia", "Leukopenia", "Lymphopenia"}
    for subj, start in zip(adsl["USUBJID"], adsl["TRTSDT"], strict=True):
        for decod in terms.TABLE2_TERMS.values():
            p = 0.9 if decod == "Lymphopenia" else 0.35
            for _ in range(int(rng.random() < p) + int(rng.random() < 0.15)):
                grade = int(rng.choice([1, 2, 3, 4], p=[0.45, 0.35, 0.15, 0.05]))
                day = int(rng.integers(1, 300))
                rows.append(
                    (
                        subj,
                        decod,
                        "Blood and lymphatic system disorders" if decod in hema else "Other",
                        grade,
                        rng.choice(
                            ["POSSIBLY RELATED", "RELATED", "NOT RELATED"], p=[0.5, 0.3, 0.2]
                        ),
                        start + pd.Timedelta(days=day - 1),
                        day,
                        "N",
                        "",
                        "",
                    )
                )
        if rng.random() < 0.55:
            drug = "ISATUXIMAB" if rng.random() < 0.9 else "CARFILZOMIB"
            irday = rng.choice(["C1D1", "C1D2", "C1D8"], p=[0.85, 0.1, 0.05])
            day = {"C1D1": 1, "C1D2": 2, "C1D8": 8}[irday]
            grade = int(rng.choice([1, 2, 3], p=[0.45, 0.5, 0.05]))
            rows.append(
                (
                    subj,
                    "Infusion related reaction",
                    "Injury, poisoning and procedural complications",
                    grade,
                    "RELATED",
                    start + pd.Timedelta(days=day - 1),
                    day,
                    "Y",
                    drug,
                    irday,
                )
            )
    adae = pd.DataFrame(
        rows,
        columns=[
            "USUBJID",
            "AEDECOD",
            "AEBODSYS",
            "ATOXGRN",
            "AREL",
            "ASTDT",
            "ASTDY",
            "IRFL",
            "IRDRUG",
            "IRDAY",
        ],
    )
    adae = adae.merge(adsl[["USUBJID", "TRT01A", "TRT01AN", "SAFFL"]], on="USUBJID")
    adae["ATOXGR"] = adae["ATOXGRN"].astype(str)
    adae["RELFL"] = _yn(adae["AREL"].isin(terms.RELATED_VALUES).to_numpy())
    adae["TRTEMFL"] = "Y"
    adae["AENDT"] = adae["ASTDT"] + pd.Timedelta(days=5)
    adae["ANLEXFL"] = _yn(adae["AEDECOD"].isin(terms.EXCLUDED_FROM_ANALYSIS).to_numpy())
    # serious: about a third of the grade >= 3 events (own stream: the shared one unchanged)
    draws = np.random.default_rng([len(adae), 7]).random(len(adae))
    serious = (adae["ATOXGRN"] >= 3).to_numpy() & (draws < 0.35)
    adae["AESER"] = _yn(serious)
    return adae


def make_adlb(adsl: pd.DataFrame, rng: np.random.Generator) -> pd.DataFrame:
    """Neutrophil and platelet CTCAE grades: one baseline and four post-baseline records."""
    rows = []
    for subj in adsl["USUBJID"]:
        for code, name in (("NEUT", "Neutrophils"), ("PLAT", "Platelets")):
            base = int(rng.choice([0, 1, 2], p=[0.7, 0.2, 0.1]))
            rows.append((subj, code, name, "Y", base, base))
            for _ in range(4):
                rows.append(
                    (subj, code, name, "", int(rng.choice(5, p=[0.4, 0.25, 0.2, 0.1, 0.05])), base)
                )
    adlb = pd.DataFrame(
        rows, columns=["USUBJID", "PARAMCD", "PARAM", "ABLFL", "ATOXGRN", "BTOXGRN"]
    )
    return adlb.merge(adsl[["USUBJID", "TRT01A", "TRT01AN", "SAFFL"]], on="USUBJID")


def make_adrs_adtte(
    adsl: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    bor = np.array(_BOR, dtype=object)[rng.permutation(len(_BOR))]
    rank = {c: i + 1 for i, c in enumerate(terms.RESPONSE_ORDER)}
    adrs_rows, tte_rows = [], []
    for i, (subj, start, lstalv, dthdt) in enumerate(
        zip(adsl["USUBJID"], adsl["TRTSDT"], adsl["LSTALVDT"], adsl["DTHDT"], strict=True)
    ):
        resp = bor[i]
        ttr_days = int(rng.choice([28, 28, 56, 84, 112, 336]))
        ttbr_days = ttr_days + int(rng.choice([0, 0, 56, 112, 224]))
        adrs_rows.append(
            (subj, "BOR", resp, rank[resp], start + pd.Timedelta(days=ttbr_days), ttbr_days + 1)
        )
        pfs_days = int(rng.gamma(2.0, 170)) + 20
        prog = rng.random() < 0.85
        last = (lstalv - start).days
        os_event = pd.notna(dthdt)
        os_days = (dthdt - start).days if os_event else last
        pfs_days = min(pfs_days, os_days)
        prog = prog or (os_event and pfs_days == os_days)
        tte = [("PFS", pfs_days, 0 if prog else 1), ("OS", os_days, 0 if os_event else 1)]
        if resp in terms.RESPONDER_CATEGORIES:
            ttr_days = min(ttr_days, pfs_days - 5)
            ttbr_days = min(ttbr_days, pfs_days - 5)
            tte += [
                ("TTR", ttr_days, 0),
                ("TTBR", ttbr_days, 0),
                ("DOR", pfs_days - ttr_days, 0 if prog else 1),
            ]
        for param, days, cnsr in tte:
            tte_rows.append(
                (
                    subj,
                    param,
                    days / terms.DAYS_PER_MONTH,
                    days,
                    cnsr,
                    start,
                    start + pd.Timedelta(days=days),
                    "EVENT" if cnsr == 0 else "",
                )
            )
    adrs = pd.DataFrame(adrs_rows, columns=["USUBJID", "PARAMCD", "AVALC", "AVAL", "ADT", "ADY"])
    adtte = pd.DataFrame(
        tte_rows,
        columns=["USUBJID", "PARAMCD", "AVAL", "AVALDY", "CNSR", "STARTDT", "ADT", "EVNTDESC"],
    )
    adtte["AVALU"] = "MONTHS"
    return adrs, adtte


def make_adpc_adpp(
    adsl: pd.DataFrame, rng: np.random.Generator
) -> tuple[pd.DataFrame, pd.DataFrame]:
    isa_times = np.array([0.0, 1.5, 3.0, 6.0, 27.0, 51.0, 171.0, 339.0])
    k_times = np.array([0.0, 0.5, 0.67, 1.0, 1.5, 2.5, 3.5])
    pc_rows, pp_rows = [], []
    for subj, dl in zip(adsl["USUBJID"], adsl["TRT01AN"], strict=True):
        dose = 20.0 if dl == 3 else 10.0
        cl = rng.lognormal(np.log(0.012), 0.25)
        for visit, acc, offset in (("CYCLE 1 DAY 1", 1.0, 0.0), ("CYCLE 3 DAY 1", 2.3, 1344.0)):
            peak = dose * 16 * acc * rng.lognormal(0, 0.2)
            conc = np.where(
                isa_times == 0,
                0.0 if acc == 1 else peak * 0.5,
                peak * np.exp(-cl * np.maximum(isa_times - 3, 0)) * np.minimum(isa_times / 3, 1),
            )
            for t, c in zip(isa_times, conc, strict=True):
                pc_rows.append((subj, "ISATUXIM", c, "ug/mL", offset + t, offset + t, t, t, visit))
            kpeak = rng.lognormal(np.log(900), 0.4)
            kconc = np.where(
                k_times == 0, np.nan, kpeak * np.exp(-2.2 * np.maximum(k_times - 0.5, 0))
            )
            for t, c in zip(k_times, kconc, strict=True):
                pc_rows.append((subj, "CARFILZO", c, "ng/mL", offset + t, offset + t, t, t, visit))
            cmax = float(np.nanmax(conc))
            tmax = float(isa_times[np.nanargmax(conc)])
            auc = float(np.trapezoid(conc, isa_times))
            pp_rows += [
                (subj, "CMAX", "ISATUXIMAB", visit, cmax, "ug/mL"),
                (subj, "TMAX", "ISATUXIMAB", visit, tmax, "h"),
                (subj, "AUC1WK", "ISATUXIMAB", visit, auc, "h*ug/mL"),
            ]
            if acc > 1:
                pp_rows += [
                    (subj, "RACCMAX", "ISATUXIMAB", visit, acc * rng.lognormal(0, 0.1), ""),
                    (subj, "RACAUC", "ISATUXIMAB", visit, acc * 1.3 * rng.lognormal(0, 0.1), ""),
                ]
    adpc = pd.DataFrame(
        pc_rows,
        columns=[
            "USUBJID",
            "PARAMCD",
            "AVAL",
            "AVALU",
            "AFRLT",
            "NFRLT",
            "ARRLT",
            "NRRLT",
            "VISIT",
        ],
    )
    adpc["BLQFL"] = np.where(adpc["AVAL"].isna(), "Y", "N")
    adpc["ALLOQ"] = np.where(adpc["PARAMCD"] == "ISATUXIM", 0.0005, 0.25)
    adpp = pd.DataFrame(
        pp_rows, columns=["USUBJID", "PARAMCD", "PARCAT1", "VISIT", "AVAL", "AVALU"]
    )
    adpp["EXCLREAS"] = ""
    # one subject with a parameter that could not be computed (missing with a reason)
    adpp.loc[adpp.index[5], ["AVAL", "EXCLREAS"]] = [
        np.nan,
        "fewer than 3 points in terminal phase",
    ]
    return adpc, adpp


def _visit_responses(adrs: pd.DataFrame) -> pd.DataFrame:
    """Confirmed response by visit (CONFRESP): SD at day 57, the best response at day 169 --
    every responder's response deepens after cycle 4 (day 112) by construction."""
    bor = adrs[adrs["PARAMCD"] == "BOR"]
    rows = []
    for rec in bor.to_dict("records"):
        for day, cat in ((57, "SD"), (169, rec["AVALC"])):
            rows.append({**rec, "PARAMCD": "CONFRESP", "AVALC": cat, "ADY": float(day)})
    return pd.DataFrame(rows)


def make_adam(seed: int = 20210401) -> dict[str, pd.DataFrame]:
    """The synthetic ADaM datasets keyed by upper-case name."""
    rng = np.random.default_rng(seed)
    adsl = make_adsl(rng)
    adae = make_adae(adsl, rng)
    adrs, adtte = make_adrs_adtte(adsl, rng)
    adpc, adpp = make_adpc_adpp(adsl, rng)
    adlb = make_adlb(adsl, np.random.default_rng(seed + 1))  # own stream: other frames unchanged
    adrs = pd.concat([adrs, _visit_responses(adrs)], ignore_index=True)
    return {
        "ADSL": adsl,
        "ADAE": adae,
        "ADRS": adrs,
        "ADTTE": adtte,
        "ADPC": adpc,
        "ADPP": adpp,
        "ADLB": adlb,
    }

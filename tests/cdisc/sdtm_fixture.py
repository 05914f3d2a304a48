"""A small synthetic SDTM study (4 subjects) following docs/data_conventions.md.

Every expected ADaM value in the tests is worked out by hand from these records (see the
comments next to each expectation).  Subjects:

* 001 DL1 escalation: PR -> VGPR -> PD (2015-05-25), died 2015-09-01, Isa C2D1 dose reduced.
* 002 DL2 expansion: SD -> PR -> CR, on therapy at cut-off; a PD and a dose after the cut-off.
* 003 DL3 escalation: PD at first assessment; death after the cut-off (not counted).
* 004 DL2 expansion: one dose, withdrew before any re-evaluation (not response-evaluable).
"""

from __future__ import annotations

import pandas as pd

from earlyphase.cdisc import terms

S = [f"{terms.STUDYID}-01-00{i}" for i in range(1, 5)]
CUTOFF = "2020-03-20"


def _domain(domain: str, rows: list[dict]) -> pd.DataFrame:
    df = pd.DataFrame(rows)
    df.insert(0, "STUDYID", terms.STUDYID)
    df.insert(1, "DOMAIN", domain)
    df[f"{domain}SEQ"] = df.groupby("USUBJID").cumcount().astype(float) + 1
    for col in df.columns:
        if df[col].dtype == object:
            df[col] = df[col].fillna("").astype("str")
    return df


def _supp(rdomain: str, rows: list[tuple]) -> pd.DataFrame:
    df = pd.DataFrame(rows, columns=["USUBJID", "IDVAR", "IDVARVAL", "QNAM", "QLABEL", "QVAL"])
    df.insert(0, "STUDYID", terms.STUDYID)
    df.insert(1, "RDOMAIN", rdomain)
    df["QORIG"] = "CRF"
    return df.astype({c: "str" for c in df.columns})


def _ex(subject, drug, visit, start, end, dose, planned):
    return dict(
        USUBJID=subject,
        EXTRT=drug,
        EXDOSE=float(dose),
        EXDOSU="mg",
        EXROUTE="INTRAVENOUS",
        EXSTDTC=start,
        EXENDTC=end,
        VISIT=visit,
        _PLAN=planned,
    )


def make_study() -> dict[str, pd.DataFrame]:
    """The SDTM domains as a dict (DM, SUPPDM, EX, SUPPEX, AE, SUPPAE, LB, RS, DS, MH, VS, SC, PC)."""
    dm = _domain(
        "DM",
        [
            dict(
                USUBJID=S[0],
                SUBJID="001",
                SITEID="01",
                AGE=59.0,
                AGEU="YEARS",
                SEX="M",
                RACE="WHITE",
                ETHNIC="NOT HISPANIC OR LATINO",
                ARMCD="DL1",
                ARM=terms.DOSE_LEVEL_ARMS["DL1"],
                RFSTDTC="2015-03-02",
                RFENDTC="2015-03-30",
                DTHDTC="2015-09-01",
                DTHFL="Y",
                COUNTRY="USA",
            ),
            dict(
                USUBJID=S[1],
                SUBJID="002",
                SITEID="01",
                AGE=70.0,
                AGEU="YEARS",
                SEX="F",
                RACE="ASIAN",
                ETHNIC="NOT HISPANIC OR LATINO",
                ARMCD="DL2",
                ARM=terms.DOSE_LEVEL_ARMS["DL2"],
                RFSTDTC="2016-01-04",
                RFENDTC="2020-03-02",
                DTHDTC="",
                DTHFL="",
                COUNTRY="USA",
            ),
            dict(
                USUBJID=S[2],
                SUBJID="003",
                SITEID="01",
                AGE=64.0,
                AGEU="YEARS",
                SEX="M",
                RACE="WHITE",
                ETHNIC="HISPANIC OR LATINO",
                ARMCD="DL3",
                ARM=terms.DOSE_LEVEL_ARMS["DL3"],
                RFSTDTC="2017-06-05",
                RFENDTC="2017-06-05",
                DTHDTC="2020-04-15",
                DTHFL="Y",
                COUNTRY="USA",
            ),
            dict(
                USUBJID=S[3],
                SUBJID="004",
                SITEID="01",
                AGE=65.0,
                AGEU="YEARS",
                SEX="M",
                RACE="OTHER",
                ETHNIC="NOT HISPANIC OR LATINO",
                ARMCD="DL2",
                ARM=terms.DOSE_LEVEL_ARMS["DL2"],
                RFSTDTC="2018-01-08",
                RFENDTC="2018-01-08",
                DTHDTC="",
                DTHFL="",
                COUNTRY="USA",
            ),
        ],
    ).drop(columns="DMSEQ")
    suppdm = _supp(
        "DM",
        [
            (s, "", "", "COHORT", "Cohort", c)
            for s, c in zip(S, ["ESCALATION", "EXPANSION", "ESCALATION", "EXPANSION"], strict=True)
        ],
    )
    isa, carf = terms.DRUGS["isatuximab"], terms.DRUGS["carfilzomib"]
    ex_rows = [
        _ex(S[0], isa, "CYCLE 1 DAY 1", "2015-03-02T09:00", "2015-03-02T13:00", 800, 800),
        _ex(S[0], carf, "CYCLE 1 DAY 1", "2015-03-02T14:00", "2015-03-02T14:30", 40, 40),
        _ex(S[0], carf, "CYCLE 1 DAY 2", "2015-03-03T09:00", "2015-03-03T09:30", 40, 40),
        _ex(S[0], isa, "CYCLE 1 DAY 15", "2015-03-16T09:00", "2015-03-16T11:00", 800, 800),
        _ex(S[0], isa, "CYCLE 2 DAY 1", "2015-03-30T09:00", "2015-03-30T11:00", 600, 800),
        _ex(S[1], isa, "CYCLE 1 DAY 1", "2016-01-04T09:00", "2016-01-04T13:30", 700, 700),
        _ex(S[1], carf, "CYCLE 1 DAY 1", "2016-01-04T14:00", "2016-01-04T14:30", 35, 35),
        _ex(S[1], isa, "CYCLE 1 DAY 8", "2016-01-11T09:00", "2016-01-11T11:00", 700, 700),
        _ex(S[1], isa, "CYCLE 51 DAY 1", "2020-03-02T09:00", "2020-03-02T11:00", 700, 700),
        _ex(
            S[1], isa, "CYCLE 52 DAY 1", "2020-03-30T09:00", "2020-03-30T11:00", 700, 700
        ),  # after cut-off
        _ex(S[2], isa, "CYCLE 1 DAY 1", "2017-06-05T09:00", "2017-06-05T14:00", 1600, 1600),
        _ex(S[3], isa, "CYCLE 1 DAY 1", "2018-01-08T09:00", "2018-01-08T13:00", 750, 750),
    ]
    ex = _domain("EX", [{k: v for k, v in r.items() if k != "_PLAN"} for r in ex_rows])
    suppex = _supp(
        "EX",
        [
            (r["USUBJID"], "EXSEQ", str(int(seq)), "PLANDOSE", "Planned Dose (mg)", str(r["_PLAN"]))
            for r, seq in zip(ex_rows, ex["EXSEQ"], strict=True)
        ],
    )
    ae = _domain(
        "AE",
        [
            dict(
                USUBJID=S[0],
                AETERM="NEUTROPENIA",
                AEDECOD="Neutropenia",
                AEBODSYS="Blood",
                AETOXGR="3",
                AEREL="RELATED",
                AESER="N",
                AECAT="",
                AESTDTC="2015-03-09",
                AEENDTC="2015-03-16",
            ),
            dict(
                USUBJID=S[0],
                AETERM="NEUTROPENIA",
                AEDECOD="Neutropenia",
                AEBODSYS="Blood",
                AETOXGR="2",
                AEREL="POSSIBLY RELATED",
                AESER="N",
                AECAT="",
                AESTDTC="2015-03-20",
                AEENDTC="2015-03-27",
            ),
            dict(
                USUBJID=S[0],
                AETERM="LYMPHOPENIA",
                AEDECOD="Lymphopenia",
                AEBODSYS="Blood",
                AETOXGR="4",
                AEREL="RELATED",
                AESER="N",
                AECAT="",
                AESTDTC="2015-03-10",
                AEENDTC="",
            ),
            dict(
                USUBJID=S[0],
                AETERM="INFUSION REACTION",
                AEDECOD="Infusion related reaction",
                AEBODSYS="Injury",
                AETOXGR="2",
                AEREL="RELATED",
                AESER="N",
                AECAT="INFUSION REACTION",
                AESTDTC="2015-03-02T11:00",
                AEENDTC="2015-03-02",
            ),
            dict(
                USUBJID=S[0],
                AETERM="FATIGUE",
                AEDECOD="Fatigue",
                AEBODSYS="General",
                AETOXGR="1",
                AEREL="NOT RELATED",
                AESER="N",
                AECAT="",
                AESTDTC="2015-03",
                AEENDTC="2015-04",
            ),
            dict(
                USUBJID=S[0],
                AETERM="HEADACHE",
                AEDECOD="Headache",
                AEBODSYS="Nervous",
                AETOXGR="1",
                AEREL="NOT RELATED",
                AESER="N",
                AECAT="",
                AESTDTC="2015-01-15",
                AEENDTC="2015-01-16",
            ),
            dict(
                USUBJID=S[1],
                AETERM="INFUSION REACTION",
                AEDECOD="Infusion related reaction",
                AEBODSYS="Injury",
                AETOXGR="1",
                AEREL="RELATED",
                AESER="N",
                AECAT="INFUSION REACTION",
                AESTDTC="2016-01-11",
                AEENDTC="2016-01-11",
            ),
            dict(
                USUBJID=S[1],
                AETERM="HYPERTENSION",
                AEDECOD="Hypertension",
                AEBODSYS="Vascular",
                AETOXGR="3",
                AEREL="PROBABLY RELATED",
                AESER="N",
                AECAT="",
                AESTDTC="2020-04-02",
                AEENDTC="",
            ),  # after cut-off
        ],
    )
    suppae = _supp(
        "AE",
        [
            (S[0], "AESEQ", "4", "IRDRUG", "Drug Causing IR", isa),
            (S[1], "AESEQ", "1", "IRDRUG", "Drug Causing IR", isa),
        ],
    )

    def lb(subject, code, spec, dtc, num=None, text="", unit="", lo=None, hi=None, test=None):
        return dict(
            USUBJID=subject,
            LBTESTCD=code,
            LBTEST=test or code,
            LBSPEC=spec,
            LBDTC=dtc,
            LBSTRESN=num,
            LBSTRESC=text or ("" if num is None else str(num)),
            LBSTRESU=unit,
            LBSTNRLO=lo,
            LBSTNRHI=hi,
        )

    lbd = _domain(
        "LB",
        [
            lb(S[0], "MPROTEIN", "SERUM", "2015-02-25", 3.0, unit="g/dL"),
            lb(S[0], "PLASMACL", "BONE MARROW", "2015-02-20", 60.0, unit="%"),
            lb(S[0], "MPROTEIN", "SERUM", "2015-03-30", 1.2, unit="g/dL"),
            lb(S[0], "NEUT", "BLOOD", "2015-02-25", 2.5, unit="10^9/L", lo=1.8, hi=7.5),
            lb(S[0], "NEUT", "BLOOD", "2015-03-09", 0.8, unit="10^9/L", lo=1.8, hi=7.5),
            lb(S[1], "MPROTEIN", "SERUM", "2015-12-28", 2.0, unit="g/dL"),
            lb(S[1], "PLASMACL", "BONE MARROW", "2015-12-20", 26.0, unit="%"),
            lb(S[1], "MPROTEIN", "SERUM", "2016-02-29", 0.8, unit="g/dL"),
            lb(S[2], "MPROTEIN", "SERUM", "2017-06-01", 1.5, unit="g/dL"),
            lb(S[3], "MPROTEIN", "SERUM", "2018-01-02", 1.1, unit="g/dL"),
        ],
    )
    rs = _domain(
        "RS",
        [
            dict(
                USUBJID=S[0],
                RSTESTCD="OVRLRESP",
                RSTEST="Overall Response",
                RSSTRESC=c,
                RSEVAL="INVESTIGATOR",
                RSDTC=d,
            )
            for c, d in (("PR", "2015-03-30"), ("VGPR", "2015-04-27"), ("PD", "2015-05-25"))
        ]
        + [
            dict(
                USUBJID=S[1],
                RSTESTCD="OVRLRESP",
                RSTEST="Overall Response",
                RSSTRESC=c,
                RSEVAL="INVESTIGATOR",
                RSDTC=d,
            )
            for c, d in (
                ("SD", "2016-02-01"),
                ("PR", "2016-02-29"),
                ("CR", "2016-03-28"),
                ("PD", "2020-04-01"),
            )
        ]
        + [
            dict(
                USUBJID=S[2],
                RSTESTCD="OVRLRESP",
                RSTEST="Overall Response",
                RSSTRESC="PD",
                RSEVAL="INVESTIGATOR",
                RSDTC="2017-07-03",
            ),
        ],
    )
    for col in ("RSORRES",):
        rs[col] = rs["RSSTRESC"]
    ds_rows = []
    for s, decod, cat, dtc in (
        (S[0], "PROGRESSIVE DISEASE", "DISPOSITION EVENT", "2015-05-25"),
        (S[0], "LAST KNOWN ALIVE", "OTHER EVENT", "2015-08-20"),
        (S[1], "ONGOING", "DISPOSITION EVENT", CUTOFF),
        (S[1], "LAST KNOWN ALIVE", "OTHER EVENT", "2020-03-10"),
        (S[2], "PROGRESSIVE DISEASE", "DISPOSITION EVENT", "2017-07-03"),
        (S[2], "LAST KNOWN ALIVE", "OTHER EVENT", "2020-03-01"),
        (S[3], "WITHDRAWAL BY SUBJECT", "DISPOSITION EVENT", "2018-01-20"),
        (S[3], "LAST KNOWN ALIVE", "OTHER EVENT", "2018-01-20"),
    ):
        ds_rows.append(dict(USUBJID=s, DSTERM=decod, DSDECOD=decod, DSCAT=cat, DSSTDTC=dtc))
    for s in S:
        ds_rows.append(
            dict(
                USUBJID=s,
                DSTERM="DATA CUT-OFF",
                DSDECOD="DATA CUT-OFF",
                DSCAT="PROTOCOL MILESTONE",
                DSSTDTC=CUTOFF,
            )
        )
    ds = _domain("DS", ds_rows)
    mh = _domain(
        "MH",
        [
            dict(
                USUBJID=s,
                MHTERM="MULTIPLE MYELOMA",
                MHDECOD="Plasma cell myeloma",
                MHCAT="PRIMARY DIAGNOSIS",
                MHSTDTC=d,
            )
            for s, d in zip(S, ["2009-03", "2010-06-15", "2012", "2016-02-01"], strict=True)
        ],
    )
    vs = _domain(
        "VS",
        [
            dict(
                USUBJID=s,
                VSTESTCD=t,
                VSTEST=t.title(),
                VSSTRESN=v,
                VSSTRESU=u,
                VISIT="SCREENING",
                VSDTC=d,
            )
            for s, d, h, w in zip(
                S,
                ["2015-02-20", "2015-12-20", "2017-05-30", "2018-01-02"],
                [180.0, 160.0, 175.0, 170.0],
                [80.0, 57.6, 70.0, 68.0],
                strict=True,
            )
            for t, v, u in (("HEIGHT", h, "cm"), ("WEIGHT", w, "kg"))
        ],
    )
    sc_values = {
        S[0]: dict(
            MMTYPE="IGG",
            PRIORLN="7",
            PRIORSCT="Y",
            LENEXP="Y",
            LENREF="Y",
            POMEXP="Y",
            POMREF="N",
            BORTEXP="Y",
            BORTREF="N",
            CARFEXP="N",
            CARFREF="N",
            CYTORISK="STANDARD",
            GAIN1Q="Y",
        ),
        S[1]: dict(
            MMTYPE="IGA",
            PRIORLN="3",
            PRIORSCT="N",
            LENEXP="Y",
            LENREF="Y",
            BORTEXP="Y",
            BORTREF="Y",
            CARFEXP="N",
            CARFREF="N",
            CYTORISK="HIGH",
            GAIN1Q="N",
        ),
        S[2]: dict(
            MMTYPE="LIGHT CHAIN",
            PRIORLN="2",
            PRIORSCT="Y",
            LENEXP="Y",
            LENREF="N",
            POMEXP="N",
            POMREF="N",
            BORTEXP="Y",
            BORTREF="N",
            CARFEXP="N",
            CARFREF="N",
            CYTORISK="UNKNOWN",
            GAIN1Q="UNKNOWN",
        ),
        S[3]: dict(MMTYPE="IGG", PRIORLN="4", PRIORSCT="Y"),
    }
    sc = _domain(
        "SC",
        [
            dict(USUBJID=s, SCTESTCD=t, SCTEST=terms.SC_TESTS[t], SCORRES=v, SCSTRESC=v)
            for s, tests in sc_values.items()
            for t, v in tests.items()
        ],
    )
    pc_rows = []
    for tpt, hours, dtc, conc in (
        ("PRE-DOSE", -0.5, "2015-03-02T08:30", None),
        ("EOI", 4.0, "2015-03-02T13:00", 150.0),
        ("3H POST EOI", 7.0, "2015-03-02T16:00", 140.0),
        ("24H", 24.0, "2015-03-03T09:00", 120.0),
        ("48H", 48.0, "2015-03-04T09:00", 105.0),
        ("168H", 168.0, "2015-03-09T09:00", 60.0),
    ):
        pc_rows.append(
            dict(
                USUBJID=S[0],
                PCTESTCD="ISATUXIM",
                PCTEST="Isatuximab",
                PCSTRESN=conc,
                PCSTRESC="<LLOQ" if conc is None else str(conc),
                PCSTRESU="ug/mL",
                PCLLOQ=0.0005,
                PCDTC=dtc,
                PCTPT=tpt,
                PCTPTNUM=hours,
                VISIT="CYCLE 1 DAY 1",
            )
        )
    pc = _domain("PC", pc_rows)
    return {
        "DM": dm,
        "SUPPDM": suppdm,
        "EX": ex,
        "SUPPEX": suppex,
        "AE": ae,
        "SUPPAE": suppae,
        "LB": lbd,
        "RS": rs,
        "DS": ds,
        "MH": mh,
        "VS": vs,
        "SC": sc,
        "PC": pc,
    }


def replicate(study: dict[str, pd.DataFrame], copies: int) -> dict[str, pd.DataFrame]:
    """``copies`` copies of every subject under new USUBJIDs (for size and speed checks)."""
    out = {}
    for name, df in study.items():
        parts = []
        for k in range(copies):
            part = df.copy()
            part["USUBJID"] = part["USUBJID"] + f"-{k:02d}"
            if "SUBJID" in part:
                part["SUBJID"] = part["SUBJID"] + f"{k:02d}"
            parts.append(part)
        out[name] = pd.concat(parts, ignore_index=True)
    return out

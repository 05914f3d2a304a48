"""The NCA parameter registry: CDISC PPTESTCD code, label, unit kind, the conventional short
name (symbol: Cmax, AUClast, t1/2 ...) and the names used by PKNCA and Phoenix WinNonlin for the
same quantity.

The codes follow CDISC SDTM controlled terminology for PP (PPTESTCD, codelist C85493);
partial AUCs are reported as ``AUCINT_<start>-<end>`` (CDISC ``AUCINT`` with the interval in
the name, since the result table has no PPSTINT/PPENINT columns).  :data:`DERIVED_PARAMETERS`
names the quantities reported with the NCA parameters under codes of their own: the partial
AUCs over the first one and two weeks after a dose (ADPP ``AUC1WK``, ``AUC2WK``) and the
accumulation ratios of :func:`earlyphase.pk.nca.accumulation_ratios` (``RACCMAX``,
``RACAUC``).  Symbols are ASCII (they go into ADaM ``PARAM``); display formatting is the
reader's.
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = [
    "DERIVED_PARAMETERS",
    "ParameterSpec",
    "PARAMETERS",
    "parameter_spec",
    "parameter_symbol",
]


@dataclass(frozen=True)
class ParameterSpec:
    """One NCA parameter.

    Attributes
    ----------
    code : str
        CDISC PPTESTCD.
    label : str
        CDISC PPTEST-like label.
    unit_kind : str
        One of ``conc, time, auc, aumc, rate, count, ratio, percent, clearance, volume``.
    pknca : str
        PKNCA parameter name ("" when PKNCA has none).
    winnonlin : str
        Phoenix WinNonlin output column ("" when none).
    symbol : str
        Conventional short name in tables and ADaM ``PARAM`` (``Cmax``, ``AUClast``,
        ``t1/2``), ASCII; "" when none.
    """

    code: str
    label: str
    unit_kind: str
    pknca: str = ""
    winnonlin: str = ""
    symbol: str = ""


_SPECS = (
    ParameterSpec("CMAX", "Max Conc", "conc", "cmax", "Cmax", symbol="Cmax"),
    ParameterSpec("TMAX", "Time of CMAX", "time", "tmax", "Tmax", symbol="tmax"),
    ParameterSpec("CLST", "Last Nonzero Conc", "conc", "clast.obs", "Clast", symbol="Clast"),
    ParameterSpec("TLST", "Time of Last Nonzero Conc", "time", "tlast", "Tlast", symbol="tlast"),
    ParameterSpec("C0", "Initial Conc", "conc", "c0", "C0", symbol="C0"),
    ParameterSpec(
        "AUCLST", "AUC to Last Nonzero Conc", "auc", "auclast", "AUClast", symbol="AUClast"
    ),
    ParameterSpec("AUCALL", "AUC All", "auc", "aucall", "AUCall", symbol="AUCall"),
    ParameterSpec(
        "AUCIFO", "AUC Infinity Obs", "auc", "aucinf.obs", "AUCINF_obs", symbol="AUCinf,obs"
    ),
    ParameterSpec(
        "AUCIFP", "AUC Infinity Pred", "auc", "aucinf.pred", "AUCINF_pred", symbol="AUCinf,pred"
    ),
    ParameterSpec(
        "AUCPEO",
        "AUC %Extrapolation Obs",
        "percent",
        "aucpext.obs",
        "AUC_%Extrap_obs",
        symbol="AUC%extrap,obs",
    ),
    ParameterSpec(
        "AUCPEP",
        "AUC %Extrapolation Pred",
        "percent",
        "aucpext.pred",
        "AUC_%Extrap_pred",
        symbol="AUC%extrap,pred",
    ),
    ParameterSpec(
        "AUMCLST", "AUMC to Last Nonzero Conc", "aumc", "aumclast", "AUMClast", symbol="AUMClast"
    ),
    ParameterSpec(
        "AUMCIFO", "AUMC Infinity Obs", "aumc", "aumcinf.obs", "AUMCINF_obs", symbol="AUMCinf,obs"
    ),
    ParameterSpec(
        "AUMCIFP",
        "AUMC Infinity Pred",
        "aumc",
        "aumcinf.pred",
        "AUMCINF_pred",
        symbol="AUMCinf,pred",
    ),
    ParameterSpec("LAMZ", "Lambda z", "rate", "lambda.z", "Lambda_z", symbol="Lambda z"),
    ParameterSpec(
        "LAMZHL", "Half-Life Lambda z", "time", "half.life", "HL_Lambda_z", symbol="t1/2"
    ),
    ParameterSpec(
        "LAMZNPT",
        "Number of Points for Lambda z",
        "count",
        "lambda.z.n.points",
        "No_points_lambda_z",
        symbol="No. points Lambda z",
    ),
    ParameterSpec(
        "LAMZLL",
        "Lambda z Lower Limit",
        "time",
        "lambda.z.time.first",
        "Lambda_z_lower",
        symbol="Lambda z lower",
    ),
    ParameterSpec(
        "LAMZUL",
        "Lambda z Upper Limit",
        "time",
        "lambda.z.time.last",
        "Lambda_z_upper",
        symbol="Lambda z upper",
    ),
    ParameterSpec("R2", "R Squared", "ratio", "r.squared", "Rsq", symbol="R2"),
    ParameterSpec(
        "R2ADJ",
        "R Squared Adjusted",
        "ratio",
        "adj.r.squared",
        "Rsq_adjusted",
        symbol="R2 adjusted",
    ),
    ParameterSpec(
        "CORRXY",
        "Correlation Between TimeX and Log ConcY",
        "ratio",
        "lambda.z.corrxy",
        "Corr_XY",
        symbol="Corr XY",
    ),
    ParameterSpec(
        "CLSTP", "Last Nonzero Conc Predicted", "conc", "clast.pred", "", symbol="Clast,pred"
    ),
    ParameterSpec(
        "MRTEVIFO",
        "MRT Extravasc Infinity Obs",
        "time",
        "mrt.obs",
        "MRTINF_obs",
        symbol="MRTinf,obs",
    ),
    ParameterSpec(
        "MRTIVIFO",
        "MRT Intravasc Infinity Obs",
        "time",
        "mrt.iv.obs",
        "MRTINF_obs",
        symbol="MRTinf,obs",
    ),
    ParameterSpec("CLFO", "Total CL Obs by F", "clearance", "cl.obs", "Cl_F_obs", symbol="CL/F"),
    ParameterSpec("CLO", "Total CL Obs", "clearance", "cl.obs", "Cl_obs", symbol="CL"),
    ParameterSpec("VZFO", "Vz Obs by F", "volume", "vz.obs", "Vz_F_obs", symbol="Vz/F"),
    ParameterSpec("VZO", "Vz Obs", "volume", "vz.obs", "Vz_obs", symbol="Vz"),
    ParameterSpec(
        "VSSO", "Vol Dist Steady State Obs", "volume", "vss.iv.obs", "Vss_obs", symbol="Vss"
    ),
    ParameterSpec(
        "AUCTAU", "AUC Over Dosing Interval", "auc", "aucint.inf.pred", "AUC_TAU", symbol="AUCtau"
    ),
    ParameterSpec("CTAU", "Conc at end of Dosing Interval", "conc", "", "Ctau", symbol="Ctau"),
)

#: PPTESTCD -> spec, in reporting order.
PARAMETERS: MappingProxyType[str, ParameterSpec] = MappingProxyType({s.code: s for s in _SPECS})

_DERIVED = (
    ParameterSpec("AUC1WK", "AUC from Dose to 168 h", "auc", "aucint.last", symbol="AUC1week"),
    ParameterSpec("AUC2WK", "AUC from Dose to 336 h", "auc", "aucint.last", symbol="AUC2weeks"),
    ParameterSpec("RACCMAX", "Accumulation Ratio of Cmax", "ratio", symbol="Rac Cmax"),
    ParameterSpec(
        "RACAUC", "Accumulation Ratio of AUC from Dose to 168 h", "ratio", symbol="Rac AUC1week"
    ),
)
#: Codes of quantities derived from NCA results and reported with them -> spec: the partial
#: AUCs ``AUCINT_0-168`` / ``AUCINT_0-336`` as AUC1week / AUC2weeks (the isatuximab paper's
#: names; ADPP ``AUC1WK``, ``AUC2WK``) and the accumulation ratios of Cmax and of the
#: AUC over the first week after each dose (the default window of
#: :func:`earlyphase.pk.nca.accumulation_ratios`).
DERIVED_PARAMETERS: MappingProxyType[str, ParameterSpec] = MappingProxyType(
    {s.code: s for s in _DERIVED}
)


def parameter_spec(code: str) -> ParameterSpec:
    """Spec of ``code`` (:data:`PARAMETERS`, then :data:`DERIVED_PARAMETERS`); partial AUCs
    ``AUCINT_a-b`` get a generated spec (symbol ``AUCa-b``)."""
    if code in PARAMETERS:
        return PARAMETERS[code]
    if code in DERIVED_PARAMETERS:
        return DERIVED_PARAMETERS[code]
    if code.startswith("AUCINT_"):
        window = code[7:]
        return ParameterSpec(
            code, f"AUC from T1 to T2 ({window})", "auc", "aucint.last", "AUC_", f"AUC{window}"
        )
    raise KeyError(code)


def parameter_symbol(code: str) -> str:
    """Conventional short name of ``code`` (``CMAX`` -> ``Cmax``, ``AUC1WK`` -> ``AUC1week``,
    ``AUCINT_0-24`` -> ``AUC0-24``); ``code`` itself when the registry does not know it."""
    try:
        return parameter_spec(code).symbol or code
    except KeyError:
        return code

"""The NCA parameter registry: CDISC PPTESTCD code, label, unit kind and the names used by
PKNCA and Phoenix WinNonlin for the same quantity.

The codes follow CDISC SDTM controlled terminology for PP (PPTESTCD, codelist C85493);
partial AUCs are reported as ``AUCINT_<start>-<end>`` (CDISC ``AUCINT`` with the interval in
the name, since the result table has no PPSTINT/PPENINT columns).
"""

from __future__ import annotations

from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["ParameterSpec", "PARAMETERS", "parameter_spec"]


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
    """

    code: str
    label: str
    unit_kind: str
    pknca: str = ""
    winnonlin: str = ""


_SPECS = (
    ParameterSpec("CMAX", "Max Conc", "conc", "cmax", "Cmax"),
    ParameterSpec("TMAX", "Time of CMAX", "time", "tmax", "Tmax"),
    ParameterSpec("CLST", "Last Nonzero Conc", "conc", "clast.obs", "Clast"),
    ParameterSpec("TLST", "Time of Last Nonzero Conc", "time", "tlast", "Tlast"),
    ParameterSpec("C0", "Initial Conc", "conc", "c0", "C0"),
    ParameterSpec("AUCLST", "AUC to Last Nonzero Conc", "auc", "auclast", "AUClast"),
    ParameterSpec("AUCALL", "AUC All", "auc", "aucall", "AUCall"),
    ParameterSpec("AUCIFO", "AUC Infinity Obs", "auc", "aucinf.obs", "AUCINF_obs"),
    ParameterSpec("AUCIFP", "AUC Infinity Pred", "auc", "aucinf.pred", "AUCINF_pred"),
    ParameterSpec("AUCPEO", "AUC %Extrapolation Obs", "percent", "aucpext.obs", "AUC_%Extrap_obs"),
    ParameterSpec(
        "AUCPEP", "AUC %Extrapolation Pred", "percent", "aucpext.pred", "AUC_%Extrap_pred"
    ),
    ParameterSpec("AUMCLST", "AUMC to Last Nonzero Conc", "aumc", "aumclast", "AUMClast"),
    ParameterSpec("AUMCIFO", "AUMC Infinity Obs", "aumc", "aumcinf.obs", "AUMCINF_obs"),
    ParameterSpec("AUMCIFP", "AUMC Infinity Pred", "aumc", "aumcinf.pred", "AUMCINF_pred"),
    ParameterSpec("LAMZ", "Lambda z", "rate", "lambda.z", "Lambda_z"),
    ParameterSpec("LAMZHL", "Half-Life Lambda z", "time", "half.life", "HL_Lambda_z"),
    ParameterSpec(
        "LAMZNPT",
        "Number of Points for Lambda z",
        "count",
        "lambda.z.n.points",
        "No_points_lambda_z",
    ),
    ParameterSpec(
        "LAMZLL", "Lambda z Lower Limit", "time", "lambda.z.time.first", "Lambda_z_lower"
    ),
    ParameterSpec("LAMZUL", "Lambda z Upper Limit", "time", "lambda.z.time.last", "Lambda_z_upper"),
    ParameterSpec("R2", "R Squared", "ratio", "r.squared", "Rsq"),
    ParameterSpec("R2ADJ", "R Squared Adjusted", "ratio", "adj.r.squared", "Rsq_adjusted"),
    ParameterSpec(
        "CORRXY", "Correlation Between TimeX and Log ConcY", "ratio", "lambda.z.corrxy", "Corr_XY"
    ),
    ParameterSpec("CLSTP", "Last Nonzero Conc Predicted", "conc", "clast.pred", ""),
    ParameterSpec("MRTEVIFO", "MRT Extravasc Infinity Obs", "time", "mrt.obs", "MRTINF_obs"),
    ParameterSpec("MRTIVIFO", "MRT Intravasc Infinity Obs", "time", "mrt.iv.obs", "MRTINF_obs"),
    ParameterSpec("CLFO", "Total CL Obs by F", "clearance", "cl.obs", "Cl_F_obs"),
    ParameterSpec("CLO", "Total CL Obs", "clearance", "cl.obs", "Cl_obs"),
    ParameterSpec("VZFO", "Vz Obs by F", "volume", "vz.obs", "Vz_F_obs"),
    ParameterSpec("VZO", "Vz Obs", "volume", "vz.obs", "Vz_obs"),
    ParameterSpec("VSSO", "Vol Dist Steady State Obs", "volume", "vss.iv.obs", "Vss_obs"),
    ParameterSpec("AUCTAU", "AUC Over Dosing Interval", "auc", "aucint.inf.pred", "AUC_TAU"),
    ParameterSpec("CTAU", "Conc at end of Dosing Interval", "conc", "", "Ctau"),
)

#: PPTESTCD -> spec, in reporting order.
PARAMETERS: MappingProxyType[str, ParameterSpec] = MappingProxyType({s.code: s for s in _SPECS})


def parameter_spec(code: str) -> ParameterSpec:
    """Spec of ``code``; partial AUCs ``AUCINT_a-b`` get a generated spec."""
    if code in PARAMETERS:
        return PARAMETERS[code]
    if code.startswith("AUCINT_"):
        return ParameterSpec(code, f"AUC from T1 to T2 ({code[7:]})", "auc", "aucint.last", "AUC_")
    raise KeyError(code)

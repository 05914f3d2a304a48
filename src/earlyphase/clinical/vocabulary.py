"""Clinical vocabulary: myeloma response categories and adverse-event relatedness.

These are clinical concepts, independent of any data standard; :mod:`earlyphase.cdisc.terms`
maps CDISC variables onto them (``RS.RSSTRESC`` holds a :data:`RESPONSE_ORDER` category,
``AE.AEREL`` a relatedness term), never the other way round.

References
----------
Kumar S, et al. International Myeloma Working Group consensus criteria for response and
minimal residual disease assessment in multiple myeloma. *Lancet Oncol* 2016;17:e328-e346
(categories sCR ... PD; MR from the EBMT criteria, Blade J, et al. *Br J Haematol*
1998;102:1115-1123).
"""

from __future__ import annotations

__all__ = [
    "CLINICAL_BENEFIT_CATEGORIES",
    "RELATED_VALUES",
    "RESPONDER_CATEGORIES",
    "RESPONSE_ORDER",
]

#: Myeloma response categories, best first (IMWG 2016 with EBMT minimal response; NE last).
RESPONSE_ORDER = ("sCR", "CR", "VGPR", "PR", "MR", "SD", "PD", "NE")
#: Categories counted as an objective response (PR or better).
RESPONDER_CATEGORIES = frozenset({"sCR", "CR", "VGPR", "PR"})
#: Categories counted as clinical benefit (MR or better).
CLINICAL_BENEFIT_CATEGORIES = RESPONDER_CATEGORIES | {"MR"}

#: Relatedness terms counted as "at least possibly related" to study treatment.
RELATED_VALUES = frozenset(
    {"RELATED", "POSSIBLY RELATED", "PROBABLY RELATED", "DEFINITELY RELATED"}
)

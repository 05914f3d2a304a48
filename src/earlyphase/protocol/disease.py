"""The disease a protocol treats and the response criteria that apply to it.

The disease drives the analysis: which response criteria derive the per-visit and best
responses (``"IMWG"`` for multiple myeloma, ``"RECIST 1.1"`` for solid tumours), and which
disease block the baseline table shows.
"""

from __future__ import annotations

from typing import Literal

from earlyphase.protocol._base import FrozenModel

__all__ = ["RESPONSE_CRITERIA", "Disease"]

RESPONSE_CRITERIA: tuple[str, ...] = ("IMWG", "RECIST 1.1")


class Disease(FrozenModel):
    """The protocol's disease.

    Attributes
    ----------
    name : str
        Display name (``"Relapsed/refractory multiple myeloma"``).
    category : {"haematologic", "solid tumour"}
        Haematologic malignancy or solid tumour.
    response_criteria : {"IMWG", "RECIST 1.1"}
        The response criteria: IMWG uniform criteria (Kumar et al., Lancet Oncol 2016) via
        :mod:`earlyphase.clinical.imwg`, or RECIST 1.1 (Eisenhauer et al., Eur J Cancer
        2009;45:228-247) via :mod:`earlyphase.clinical.recist`.
    """

    name: str
    category: Literal["haematologic", "solid tumour"]
    response_criteria: Literal["IMWG", "RECIST 1.1"]
    note: str = ""

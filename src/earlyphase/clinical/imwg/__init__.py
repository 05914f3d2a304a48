"""IMWG multiple-myeloma response assessment (IMWG 2016 with EBMT minimal response)."""

from earlyphase.clinical.imwg.assess import assess
from earlyphase.clinical.imwg.options import IMWGOptions
from earlyphase.clinical.imwg.result import IMWGResult

__all__ = ["IMWGOptions", "IMWGResult", "assess"]

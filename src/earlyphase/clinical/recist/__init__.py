"""RECIST 1.1 solid-tumour response from lesion measurements (Eisenhauer et al. 2009)."""

from earlyphase.clinical.recist.assess import assess
from earlyphase.clinical.recist.options import RESPONSES, RECISTOptions
from earlyphase.clinical.recist.result import RECISTResult
from earlyphase.clinical.recist.timepoint import RULES

__all__ = ["RESPONSES", "RULES", "RECISTOptions", "RECISTResult", "assess"]

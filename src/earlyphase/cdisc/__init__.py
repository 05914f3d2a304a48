"""CDISC SDTM/ADaM input, output and derivations.

Sub-packages and modules: :mod:`~earlyphase.cdisc.io` (XPT, Dataset-JSON, Parquet, CSV),
:mod:`~earlyphase.cdisc.study` (a folder of SDTM domains), :mod:`~earlyphase.cdisc.specs`
(domain specifications and checks), :mod:`~earlyphase.cdisc.dates` (ISO 8601 and imputation),
:mod:`~earlyphase.cdisc.adam` (ADaM derivations), :mod:`~earlyphase.cdisc.terms` (shared terms).
"""

from earlyphase.cdisc.adam import AdamResult, derive_adam
from earlyphase.cdisc.io import read_dataset, write_dataset
from earlyphase.cdisc.specs import ValidationReport
from earlyphase.cdisc.study import Study, read_study, validate_study, write_study

__all__ = [
    "AdamResult",
    "Study",
    "ValidationReport",
    "derive_adam",
    "read_dataset",
    "read_study",
    "validate_study",
    "write_dataset",
    "write_study",
]

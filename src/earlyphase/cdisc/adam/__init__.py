"""ADaM derivations: one module per dataset, and :func:`derive_adam` running them all."""

from earlyphase.cdisc.adam._common import MissingInputError
from earlyphase.cdisc.adam.adae import derive_adae
from earlyphase.cdisc.adam.adex import derive_adex
from earlyphase.cdisc.adam.adlb import derive_adlb
from earlyphase.cdisc.adam.adpc import derive_adpc
from earlyphase.cdisc.adam.adpp import derive_adpp
from earlyphase.cdisc.adam.adrs import derive_adrs
from earlyphase.cdisc.adam.adsl import derive_adsl
from earlyphase.cdisc.adam.adtte import derive_adtte
from earlyphase.cdisc.adam.derive import ADAM_DATASETS, AdamResult, MissingDataset, derive_adam

__all__ = [
    "ADAM_DATASETS",
    "AdamResult",
    "MissingDataset",
    "MissingInputError",
    "derive_adae",
    "derive_adam",
    "derive_adex",
    "derive_adlb",
    "derive_adpc",
    "derive_adpp",
    "derive_adrs",
    "derive_adsl",
    "derive_adtte",
]

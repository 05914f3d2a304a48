"""Dose-finding designs: 3+3, BOIN, mTPI-2 / Keyboard and CRM.

Every design offers ``decide(outcomes)``, ``decision_table()`` and
``simulate(true_dlt, n_trials, seed)``; see :class:`earlyphase.designs.base.Design`.
"""

from earlyphase.designs.base import Decision, Design
from earlyphase.designs.boin import BOIN, boin_lambdas
from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.designs.outcomes import Cohort, Outcomes, parse_outcomes

__all__ = [
    "BOIN",
    "Cohort",
    "Decision",
    "Design",
    "OperatingCharacteristics",
    "Outcomes",
    "boin_lambdas",
    "parse_outcomes",
]

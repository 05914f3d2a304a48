"""Clinical rules: CTCAE lab grading, DLT evaluation and IMWG myeloma response."""

from earlyphase.clinical.ctcae import gradable_tests, grade_labs
from earlyphase.clinical.dlt import evaluate_dlt, lab_episodes
from earlyphase.clinical.dlt_rules import DLTRules, outcome_string
from earlyphase.clinical.imwg import IMWGOptions, IMWGResult, assess

__all__ = [
    "DLTRules",
    "IMWGOptions",
    "IMWGResult",
    "assess",
    "evaluate_dlt",
    "gradable_tests",
    "grade_labs",
    "lab_episodes",
    "outcome_string",
]

"""Clinical rules: CTCAE lab grading, DLT evaluation, IMWG myeloma and RECIST 1.1 response.

``assess`` is the IMWG assessment; RECIST 1.1 is ``earlyphase.clinical.recist.assess``.
"""

from earlyphase.clinical.ctcae import gradable_tests, grade_labs
from earlyphase.clinical.ctcae_criteria import CRITERIA, CTCAE_VERSIONS, GradeRule, LabTerm
from earlyphase.clinical.dlt import evaluate_dlt, lab_episodes
from earlyphase.clinical.dlt_rules import DLTRules, outcome_string, rules_from_definition
from earlyphase.clinical.imwg import IMWGOptions, IMWGResult, assess
from earlyphase.clinical.recist import RECISTOptions, RECISTResult
from earlyphase.clinical.units import STANDARD_UNITS, to_standard

__all__ = [
    "CRITERIA",
    "CTCAE_VERSIONS",
    "DLTRules",
    "GradeRule",
    "IMWGOptions",
    "IMWGResult",
    "LabTerm",
    "RECISTOptions",
    "RECISTResult",
    "STANDARD_UNITS",
    "assess",
    "evaluate_dlt",
    "gradable_tests",
    "grade_labs",
    "lab_episodes",
    "outcome_string",
    "rules_from_definition",
    "to_standard",
]

"""Protocol as code: the pydantic model of a phase 1 protocol, YAML loading, built-ins.

>>> from earlyphase.protocol import load_protocol
>>> p = load_protocol("isak-phase1b")
>>> [d.id for d in p.dose_levels]
['DL1', 'DL2', 'DL3']
"""

from earlyphase.protocol.criteria import Condition, EligibilityCriterion
from earlyphase.protocol.disease import RESPONSE_CRITERIA, Disease
from earlyphase.protocol.dlt import (
    ConcurrentEvent,
    DltDefinition,
    DltException,
    DltExclusion,
    DltRule,
)
from earlyphase.protocol.loading import (
    ProtocolProblem,
    ProtocolValidationError,
    builtin_protocols,
    load_protocol,
    parse_protocol,
)
from earlyphase.protocol.model import (
    Design,
    DoseLevel,
    DoseOnDays,
    Drug,
    PlannedDose,
    Protocol,
    RegimenSegment,
    ScheduleOption,
)
from earlyphase.protocol.sampling import PkOccasion, PkSample, PkSchedule, ResponseAssessment
from earlyphase.units import DOSE_UNITS, UNITS, convert, normalize_unit

__all__ = [
    "DOSE_UNITS",
    "RESPONSE_CRITERIA",
    "UNITS",
    "ConcurrentEvent",
    "Condition",
    "Design",
    "Disease",
    "DltDefinition",
    "DltException",
    "DltExclusion",
    "DltRule",
    "DoseLevel",
    "DoseOnDays",
    "Drug",
    "EligibilityCriterion",
    "PkOccasion",
    "PkSample",
    "PkSchedule",
    "PlannedDose",
    "Protocol",
    "ProtocolProblem",
    "ProtocolValidationError",
    "RegimenSegment",
    "ResponseAssessment",
    "ScheduleOption",
    "builtin_protocols",
    "convert",
    "load_protocol",
    "normalize_unit",
    "parse_protocol",
]

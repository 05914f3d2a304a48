"""Options of the RECIST 1.1 assessment and the vocabulary it uses.

RECIST 1.1: Eisenhauer EA et al., New response evaluation criteria in solid tumours: revised
RECIST guideline (version 1.1). Eur J Cancer 2009;45:228-247 ("the paper" below).
"""

from __future__ import annotations

from dataclasses import dataclass

from earlyphase.errors import OptionsError, describe_problem

__all__ = [
    "LESION_CLASSES",
    "NEW_STATUSES",
    "NON_TARGET_STATUSES",
    "RECISTOptions",
    "RESPONSES",
]

#: Per-visit and best responses, best first (CDISC ONCRSR submission values).
RESPONSES: tuple[str, ...] = ("CR", "PR", "SD", "NON-CR/NON-PD", "PD", "NE")
LESION_CLASSES: tuple[str, ...] = ("target", "non-target", "new")
NON_TARGET_STATUSES: tuple[str, ...] = (
    "present",
    "absent",
    "unequivocal-progression",
    "not-evaluated",
)
NEW_STATUSES: tuple[str, ...] = ("present", "equivocal")


@dataclass(frozen=True)
class RECISTOptions:
    """Choices the RECIST 1.1 paper leaves to the protocol.

    Attributes
    ----------
    confirmation : bool
        Best overall response with confirmation of CR/PR (paper §4.6.1: required in
        single-arm trials where response is the primary endpoint; not required in randomised
        trials). Default False.
    min_sd_days : int
        Minimum time from the start of treatment (study day 1) for a time-point SD (or
        NON-CR/NON-PD) to count as best response (paper §4.6.3, "in general not less than
        6-8 weeks"). A visit on study day ``d >= 1`` is ``d - 1`` days after the start, as
        admiralonco's ``ref_start_window`` counts from TRTSDT. Default 42.
    confirm_days : int
        Minimum interval from a CR/PR to the assessment confirming it (paper §4.6.1: "no less
        than 4 weeks"). Default 28.
    max_ne_between : int
        Not-evaluable assessments allowed between a response and its confirmation
        (admiralonco ``derive_param_confirmed_bor(max_nr_ne = 1)`` convention). Default 1.
    """

    confirmation: bool = False
    min_sd_days: int = 42
    confirm_days: int = 28
    max_ne_between: int = 1

    def __post_init__(self) -> None:
        if not isinstance(self.confirmation, bool):
            raise OptionsError(describe_problem("confirmation", self.confirmation, "True or False"))
        for name in ("min_sd_days", "confirm_days", "max_ne_between"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int) or value < 0:
                raise OptionsError(describe_problem(name, value, "a whole number >= 0"))

"""Dose-finding designs: 3+3, BOIN, mTPI-2 / Keyboard and CRM.

Every design offers ``decide(outcomes)``, ``decision_table()`` and
``simulate(true_dlt, n_trials, seed)``; see :class:`earlyphase.designs.base.Design`.

>>> from earlyphase.designs import BOIN
>>> BOIN(target=0.25, n_doses=5).decide("1NNN 2NTN").next_dose
1
"""

from earlyphase.designs.base import Decision, Design
from earlyphase.designs.batch import BatchSpec, batch_spec
from earlyphase.designs.boin import BOIN, boin_lambdas
from earlyphase.designs.compare import compare_designs, plot_selection, side_by_side
from earlyphase.designs.crm import CRM
from earlyphase.designs.factory import DESIGN_NAMES, from_protocol, make_design
from earlyphase.designs.interval import IntervalDesign, IntervalRules
from earlyphase.designs.isotonic import pava
from earlyphase.designs.mtpi2 import MTPI2, Keyboard
from earlyphase.designs.operating_characteristics import OperatingCharacteristics
from earlyphase.designs.outcomes import Cohort, Outcomes, parse_outcomes
from earlyphase.designs.simulate import TrialBatch, patient_uniforms, run_simulation
from earlyphase.designs.skeleton import getprior
from earlyphase.designs.spec import design_from_spec
from earlyphase.designs.three_plus_three import VARIANTS, ThreePlusThree

__all__ = [
    "BOIN",
    "BatchSpec",
    "CRM",
    "Cohort",
    "DESIGN_NAMES",
    "Decision",
    "Design",
    "IntervalDesign",
    "IntervalRules",
    "Keyboard",
    "MTPI2",
    "OperatingCharacteristics",
    "Outcomes",
    "ThreePlusThree",
    "TrialBatch",
    "VARIANTS",
    "batch_spec",
    "boin_lambdas",
    "compare_designs",
    "design_from_spec",
    "from_protocol",
    "getprior",
    "make_design",
    "parse_outcomes",
    "patient_uniforms",
    "pava",
    "plot_selection",
    "run_simulation",
    "side_by_side",
]

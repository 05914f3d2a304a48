"""earlyphase: design, conduct and analyse phase 1/1b oncology dose-escalation trials.

The package is organised as one concept per sub-package, stacked in import layers
(``docs/architecture.md`` in the source repository):

``protocol``     pydantic protocol model, YAML loading, built-in protocols
``dosing``       body-surface area, dose calculation, dosing calendars, dose intensity
``eligibility``  evaluation of a protocol's eligibility criteria
``designs``      dose-finding designs (3+3, BOIN, mTPI-2, CRM) and their simulation
``clinical``     CTCAE grading, DLT evaluation, IMWG myeloma response
``pk``           noncompartmental analysis, PK summaries and simulation
``stats``        binomial confidence intervals, descriptive statistics
``survival``     Kaplan-Meier, median follow-up, log-rank
``cdisc``        SDTM/ADaM I/O and ADaM derivations
``twin``         the reconstructed reference trial and stochastic trial simulation
``report``       tables, figures and renderers

Sub-packages are imported lazily so that ``import earlyphase`` stays cheap.
"""

from __future__ import annotations

from earlyphase.errors import DataError, EarlyphaseError, OptionsError, ProtocolError

__version__ = "0.1.0"

__all__ = ["DataError", "EarlyphaseError", "OptionsError", "ProtocolError", "__version__"]

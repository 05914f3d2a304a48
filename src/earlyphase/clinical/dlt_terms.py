"""Term lists used by the DLT rules (MedDRA preferred terms and CTCAE term names).

Terms are matched after :func:`normalise_term` (lower case, British spellings folded to American:
"haem" -> "hem", "aemia" -> "emia", "oea" -> "ea"), so "Anaemia" and "Anemia",
"Diarrhoea" and "Diarrhea" match alike.
"""

from __future__ import annotations

__all__ = [
    "normalise_term",
    "NEUTROPENIA",
    "FEBRILE_NEUTROPENIA",
    "THROMBOCYTOPENIA",
    "HEMATOLOGIC",
    "ELECTROLYTES",
    "FATIGUE_HYPERTENSION",
    "GASTROINTESTINAL",
    "HYPERSENSITIVITY",
    "INFUSION_REACTION",
    "FEVER_OR_INFECTION_WORDS",
    "BLEEDING_WORDS",
    "is_fever_or_infection",
    "is_bleeding",
]


def normalise_term(term: object) -> str:
    """Lower-case a term and fold British spellings (haem/aemia/oea) to American."""
    text = " ".join(str(term).strip().lower().split())
    return text.replace("haem", "hem").replace("aemia", "emia").replace("oea", "ea")


NEUTROPENIA = frozenset({"neutropenia", "neutrophil count decreased"})
FEBRILE_NEUTROPENIA = frozenset({"febrile neutropenia"})
THROMBOCYTOPENIA = frozenset({"thrombocytopenia", "platelet count decreased"})
HEMATOLOGIC = frozenset(
    NEUTROPENIA
    | FEBRILE_NEUTROPENIA
    | THROMBOCYTOPENIA
    | {
        "anemia",
        "leukopenia",
        "white blood cell decreased",
        "lymphopenia",
        "lymphocyte count decreased",
        "pancytopenia",
        "bone marrow hypocellular",
    }
)
ELECTROLYTES = frozenset(
    {
        "hypokalemia",
        "hyperkalemia",
        "hyponatremia",
        "hypernatremia",
        "hypocalcemia",
        "hypercalcemia",
        "hypomagnesemia",
        "hypermagnesemia",
        "hypophosphatemia",
        "hyperphosphatemia",
        "blood potassium decreased",
        "blood potassium increased",
        "blood sodium decreased",
        "blood sodium increased",
        "blood calcium decreased",
        "blood calcium increased",
        "blood magnesium decreased",
        "blood magnesium increased",
        "blood phosphorus decreased",
        "blood phosphorus increased",
        "electrolyte imbalance",
    }
)
FATIGUE_HYPERTENSION = frozenset({"fatigue", "hypertension"})
GASTROINTESTINAL = frozenset({"nausea", "vomiting", "diarrhea"})
HYPERSENSITIVITY = frozenset(
    {
        "hypersensitivity",
        "drug hypersensitivity",
        "allergic reaction",
        "anaphylactic reaction",
        "anaphylaxis",
        "infusion related reaction",
        "infusion-related reaction",
        "cytokine release syndrome",
    }
)
#: Infusion reactions (MedDRA PT "Infusion related reaction"; CTCAE "Infusion related
#: reaction"); the paper scored them separately from DLTs.
INFUSION_REACTION = frozenset(
    {"infusion related reaction", "infusion-related reaction", "infusion reaction"}
)
FEVER_OR_INFECTION_WORDS = (
    "fever",
    "pyrexia",
    "febrile",
    "infection",
    "sepsis",
    "septic",
    "pneumonia",
    "bacteremia",
    "cellulitis",
)
BLEEDING_WORDS = (
    "hemorrhag",
    "bleed",
    "hematoma",
    "epistaxis",
    "hematuria",
    "hematemesis",
    "melena",
    "melaena",
    "hemoptysis",
)


def is_fever_or_infection(term: str) -> bool:
    """Whether a (normalised) term is a fever or an infection."""
    return any(w in term for w in FEVER_OR_INFECTION_WORDS)


def is_bleeding(term: str) -> bool:
    """Whether a (normalised) term is a bleeding event."""
    return any(w in term for w in BLEEDING_WORDS)

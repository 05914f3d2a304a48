"""DLT evaluation against the paper's definition (Cancer 2021, Methods, "Study Design")."""

from __future__ import annotations

import pandas as pd
import pytest

from earlyphase.clinical.ctcae import grade_labs
from earlyphase.clinical.dlt import DLTRules, evaluate_dlt, lab_episodes, outcome_string
from earlyphase.errors import DataError, OptionsError, ProtocolError


def ae(rows):
    cols = ["subject_id", "term", "grade", "start_day", "end_day", "related"]
    return pd.DataFrame([r[:6] for r in rows], columns=cols)


def flags(table):
    return dict(zip(table["subject_id"], table["dlt"], strict=True))


def test_nonhematologic_grade3_related_in_window():
    t = evaluate_dlt(
        ae(
            [
                ("a", "Pneumonitis", 3, 10, 20, "POSSIBLY RELATED"),
                ("b", "Pneumonitis", 2, 10, 20, "RELATED"),  # grade 2
                ("c", "Pneumonitis", 3, 10, 20, "NOT RELATED"),  # unrelated
                ("d", "Pneumonitis", 3, 29, 30, "RELATED"),  # day 29: after the 28-day window
                ("e", "Pneumonitis", 3, 28, 30, "RELATED"),  # day 28: last day of the window
                ("f", "Acute kidney injury", 5, 3, 3, True),
            ]
        )
    )
    assert flags(t) == {"a": True, "b": False, "c": False, "d": False, "e": True, "f": True}
    assert t.loc[t["subject_id"] == "a", "rule"].iloc[0] == "non-hematologic toxicity grade >= 3"
    assert evaluate_dlt(ae([("d", "Pneumonitis", 3, 29, 30, True)]), window_days=35)["dlt"].iloc[0]


def test_exceptions_of_the_paper():
    t = evaluate_dlt(
        ae(
            [
                ("elec", "Hypokalaemia", 3, 5, 6, True),  # reversible electrolyte
                ("elec_open", "Hyponatraemia", 4, 5, None, True),  # not resolved: counts
                ("fat3", "Fatigue", 3, 5, 12, True),
                ("fat4", "Fatigue", 4, 5, 12, True),
                ("htn3", "Hypertension", 3, 5, 12, True),
                ("nau", "Nausea", 3, 5, 8, True),  # 3 days = 72 h
                ("nau_long", "Vomiting", 3, 5, 9, True),  # 4 days
                ("dia4", "Diarrhoea", 4, 5, 6, True),  # grade 4: no exception
            ]
        )
    )
    assert flags(t) == {
        "elec": False,
        "elec_open": True,
        "fat3": False,
        "fat4": True,
        "htn3": False,
        "nau": False,
        "nau_long": True,
        "dia4": True,
    }
    assert "reversible electrolyte" in t.loc[t["subject_id"] == "elec", "excluded_events"].iloc[0]


def test_gi_resolution_hours_column_wins_over_dates():
    frame = ae([("x", "Nausea", 3, 5, 10, True), ("y", "Nausea", 3, 5, 6, True)])
    frame["resolved_within_hours"] = [48, 80]
    assert flags(evaluate_dlt(frame)) == {"x": False, "y": True}


def test_hypersensitivity_to_isa_or_k():
    t = evaluate_dlt(
        ae(
            [
                ("a", "Allergic reaction", 3, 1, 1, "RELATED"),
                ("b", "Anaphylactic reaction", 4, 8, 8, "RELATED"),
                ("c", "Allergic reaction", 2, 1, 1, "RELATED"),
            ]
        )
    )
    assert flags(t) == {"a": True, "b": True, "c": False}
    assert t["rule"].iloc[0] == "hypersensitivity grade >= 3"


def test_infusion_reactions_are_scored_separately_not_dlts():
    # Chari 2021, Results (Safety/AEs): infusion reactions "were scored separately"; the one
    # grade 3 isatuximab reaction was not a DLT ("no DLT was encountered at any dose level")
    frame = ae(
        [
            ("a", "Infusion related reaction", 3, 1, 1, "RELATED"),
            ("b", "Chills", 3, 1, 1, "RELATED"),
            ("c", "Chills", 3, 1, 1, "RELATED"),
        ]
    )
    frame["infusion_reaction"] = ["Y", "Y", "N"]  # b: a symptom coded as part of the reaction
    t = evaluate_dlt(frame)
    assert flags(t) == {"a": False, "b": False, "c": True}
    assert "scored separately" in t.loc[t["subject_id"] == "a", "excluded_events"].iloc[0]
    # without the exclusion (a protocol that counts them) the grade 3 reaction is a DLT
    counted = DLTRules(excluded_terms=frozenset(), excluded_flag=None)
    assert flags(evaluate_dlt(frame, rules=counted)) == {"a": True, "b": True, "c": True}


def test_protocol_declares_the_infusion_reaction_exclusion():
    from earlyphase.protocol import load_protocol

    rules = DLTRules.from_protocol(load_protocol("isak-phase1b"))
    assert "infusion related reaction" in rules.excluded_terms
    assert rules.excluded_flag == "infusion_reaction"
    assert "infusion related reaction" not in rules.hypersensitivity_terms
    t = evaluate_dlt(ae([("a", "Infusion related reaction", 3, 1, 1, "RELATED")]), rules=rules)
    assert not t["dlt"].iloc[0]


def neut_labs(subject, days, values):
    labs = pd.DataFrame(
        {
            "subject_id": subject,
            "day": days,
            "test": "neutrophils",
            "value": values,
            "unit": "10^9/L",
            "lln": 1.8,
        }
    )
    return grade_labs(labs)


def test_grade4_neutropenia_lasting_7_days_from_serial_labs():
    seven = neut_labs("a", [1, 8, 11, 15], [2.0, 0.4, 0.3, 1.2])  # G4 day 8, recovered day 15
    six = neut_labs("b", [1, 8, 11, 14], [2.0, 0.4, 0.3, 1.2])  # recovered day 14
    labs = pd.concat([seven, six], ignore_index=True)
    t = evaluate_dlt(ae([]), labs)
    assert flags(t) == {"a": True, "b": False}
    # the stricter duration counts only the days between grade 4 samples (8..11 = 4 days)
    t = evaluate_dlt(ae([]), labs, rules=DLTRules(neutropenia_duration="between_low_samples"))
    assert flags(t) == {"a": False, "b": False}
    ep = lab_episodes(labs, "Neutrophil count decreased", 4)
    assert list(ep["onset_day"]) == [8, 8] and list(ep["recovery_day"]) == [15, 14]


def test_grade4_neutropenia_from_ae_dates():
    t = evaluate_dlt(
        ae([("a", "Neutropenia", 4, 10, 17, True), ("b", "Neutropenia", 4, 10, 16, True)])
    )
    assert flags(t) == {"a": True, "b": False}


def test_neutropenia_with_fever_or_infection():
    frame = ae(
        [
            ("a", "Neutropenia", 3, 10, 14, True),
            ("b", "Neutropenia", 3, 10, 14, True),
            ("c", "Febrile neutropenia", 3, 12, 14, True),
        ]
    )
    frame["fever_or_infection"] = ["Y", "N", None]
    assert flags(evaluate_dlt(frame)) == {"a": True, "b": False, "c": True}
    # from labs: grade 3 ANC episode overlapping an infection AE (of any attribution)
    labs = neut_labs("d", [1, 8, 15], [2.0, 0.8, 2.0])
    infection = ae([("d", "Upper respiratory tract infection", 2, 9, 12, "NOT RELATED")])
    t = evaluate_dlt(infection, labs)
    assert t["dlt"].iloc[0]
    assert t["rule"].iloc[0] == "grade >= 3 neutropenia with fever or infection"
    late = ae([("d", "Pyrexia", 1, 20, 21, "NOT RELATED")])  # after recovery (day 15) + 1 day
    assert not evaluate_dlt(late, labs)["dlt"].iloc[0]


def test_thrombocytopenia_with_life_threatening_bleeding():
    labs = grade_labs(
        pd.DataFrame(
            {
                "subject_id": ["a"] * 3 + ["b"] * 3,
                "day": [1, 8, 15] * 2,
                "test": "platelets",
                "value": [200, 40, 160] * 2,
                "unit": "10^9/L",
                "lln": 150,
            }
        )
    )
    events = ae(
        [
            ("a", "Gastrointestinal haemorrhage", 4, 9, 10, "NOT RELATED"),
            ("b", "Epistaxis", 2, 9, 10, "NOT RELATED"),
        ]
    )
    assert flags(evaluate_dlt(events, labs)) == {"a": True, "b": False}
    flagged = ae([("c", "Thrombocytopenia", 3, 9, 12, True)])
    flagged["bleeding"] = [True]
    assert evaluate_dlt(flagged)["dlt"].iloc[0]


def test_treatment_delay_and_dose_modification():
    frame = ae(
        [
            ("a", "Neutropenia", 2, 20, 40, True),
            ("b", "Neutropenia", 2, 20, 40, True),
            ("c", "Rash", 2, 5, 9, True),
        ]
    )
    frame["treatment_delay_days"] = [14, 15, None]
    frame["dose_modified"] = [False, False, True]
    t = evaluate_dlt(frame)
    assert flags(t) == {"a": False, "b": True, "c": True}
    assert t["rule"].iloc[1] == "treatment delay > 14 days"


def test_dates_with_first_dose_mapping_and_subjects_without_events():
    frame = pd.DataFrame(
        {
            "subject_id": ["a", "b"],
            "term": ["Pneumonitis", "Pneumonitis"],
            "grade": [3, 3],
            "start_date": ["2015-03-28", "2015-03-29"],
            "end_date": ["2015-04-02", "2015-04-02"],
            "related": [True, True],
        }
    )
    first = {"a": "2015-03-01", "b": "2015-03-01", "c": "2015-03-01"}
    t = evaluate_dlt(frame, first_dose=first)  # 28 Mar = day 28; 29 Mar = day 29
    assert flags(t) == {"a": True, "b": False, "c": False}
    with pytest.raises(DataError, match="first_dose"):
        evaluate_dlt(frame)


def test_bad_input():
    with pytest.raises(DataError, match="end"):
        evaluate_dlt(ae([("a", "Rash", 3, 10, 5, True)]))
    with pytest.raises(DataError, match="grade"):
        evaluate_dlt(ae([("a", "Rash", 6, 1, 5, True)]))
    with pytest.raises(DataError, match="grade"):
        evaluate_dlt(ae([("a", "Rash", "severe", 1, 5, True)]))
    with pytest.raises(DataError, match="related"):
        evaluate_dlt(ae([("a", "Rash", 3, 1, 5, "perhaps")]))
    with pytest.raises(OptionsError):
        DLTRules(window_days=0)
    with pytest.raises(ProtocolError):
        DLTRules.from_mapping({"window": 28})


def test_rules_from_protocol_section():
    rules = DLTRules.from_protocol({"dlt": {"window_days": 21, "gi_terms": ["Nausea"]}})
    assert rules.window_days == 21 and rules.gi_terms == frozenset({"nausea"})
    with pytest.raises(ProtocolError):
        DLTRules.from_protocol({"name": "x"})


def test_outcome_string_grammar():
    t = pd.DataFrame(
        {"subject_id": list("abcdef"), "dlt": [False, False, False, False, True, False]}
    )
    assert (
        outcome_string(t, dict(zip("abcdef", [1, 1, 1, "DL2", "DL2", "DL2"], strict=True)))
        == "1NNN 2NTN"
    )
    t["dose_level"] = [1, 1, 1, 1, 1, 1]
    t["cohort"] = [1, 1, 1, 2, 2, 2]
    assert outcome_string(t) == "1NNN 1NTN"
    with pytest.raises(DataError):
        outcome_string(t, {"a": 1})


def test_rules_from_the_builtin_protocol_match_the_paper_defaults():
    from earlyphase.protocol import load_protocol

    from_protocol = DLTRules.from_protocol(load_protocol("isak-phase1b"))
    default = DLTRules()
    for name in (
        "window_days",
        "require_related",
        "nonhematologic_min_grade",
        "exclude_reversible_electrolytes",
        "grade3_excluded_terms",
        "gi_terms",
        "gi_resolution_hours",
        "hypersensitivity_min_grade",
        "neutropenia_g4_min_days",
        "neutropenia_fever_min_grade",
        "thrombocytopenia_bleeding_min_grade",
        "bleeding_min_grade",
        "treatment_delay_max_days",
        "dose_modification_is_dlt",
    ):
        assert getattr(from_protocol, name) == getattr(default, name), name
    events = ae(
        [
            ("a", "Hypokalaemia", 3, 5, 6, True),
            ("b", "Fatigue", 3, 5, 9, True),
            ("c", "Anaphylaxis", 3, 1, 1, True),
            ("d", "Pneumonitis", 3, 27, 30, True),
            ("e", "Neutropenia", 4, 10, 17, True),
            ("f", "Nausea", 3, 2, 3, True),
        ]
    )
    assert flags(evaluate_dlt(events, rules=from_protocol)) == flags(evaluate_dlt(events))


def test_protocol_rules_switch_off_what_the_protocol_omits():
    from earlyphase.protocol import load_protocol

    definition = load_protocol("isak-phase1b").dlt
    kept = tuple(r for r in definition.rules if r.kind != "treatment_delay")
    rules = DLTRules.from_protocol(definition.model_copy(update={"rules": kept}))
    assert rules.treatment_delay_max_days is None
    frame = ae([("a", "Rash", 2, 20, 40, True)])
    frame["treatment_delay_days"] = [20]
    assert not evaluate_dlt(frame, rules=rules)["dlt"].iloc[0]
    assert evaluate_dlt(frame)["dlt"].iloc[0]

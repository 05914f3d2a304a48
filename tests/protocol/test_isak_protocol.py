"""The shipped isak-phase1b protocol states the regimen of Chari et al., Cancer 2021;127:1816.

Every expected value below is read from the paper's Materials and Methods ("Study Design",
"Study Population", "Pharmacokinetic Assessments"), /work/shared/seed/isak_phase1b_cancer2021.txt.
"""

import pytest

from earlyphase.errors import ProtocolError
from earlyphase.protocol import Protocol, builtin_protocols, load_protocol

REDUCED = ("carfilzomib-reduced-frequency",)


@pytest.fixture(scope="module")
def isak() -> Protocol:
    return load_protocol("isak-phase1b")


def test_builtin_list_and_identity(isak):
    assert "isak-phase1b" in builtin_protocols()
    assert isak.registry_id == "NCT02332850"
    assert isak.cycle_length_days == 28
    assert isak.until_progression
    assert [d.id for d in isak.dose_levels] == ["DL1", "DL2", "DL3"]
    assert isak.drug_ids == ("isatuximab", "carfilzomib")


def days(isak, level, drug, cycle, options=()):
    return [(p.day, p.dose) for p in isak.planned_doses(level, drug, cycle, options)]


@pytest.mark.parametrize(
    ("level", "isa_dose", "c1_days"),
    [("DL1", 10.0, [1, 15]), ("DL2", 10.0, [1, 8, 15, 22]), ("DL3", 20.0, [1, 8, 15, 22])],
)
def test_isatuximab_days_by_level(isak, level, isa_dose, c1_days):
    # DL1: days 1, 15 every cycle; DL2/DL3: days 1, 8, 15, 22 of cycle 1 then days 1, 15.
    assert days(isak, level, "isatuximab", 1) == [(d, isa_dose) for d in c1_days]
    for cycle in (2, 3, 8, 9, 30):
        assert days(isak, level, "isatuximab", cycle) == [(1, isa_dose), (15, isa_dose)]
        assert days(isak, level, "isatuximab", cycle, REDUCED) == [(1, isa_dose), (15, isa_dose)]
    assert {p.unit for p in isak.planned_doses(level, "Isa", 1)} == {"mg/kg"}


@pytest.mark.parametrize("level", ["DL1", "DL2", "DL3", 1, 2, 3])
def test_carfilzomib_days_every_level(isak, level):
    # 20 mg/m2 C1D1-2, then 27 mg/m2 on D8, 9, 15, 16 of C1 and D1, 2, 8, 9, 15, 16 later.
    assert days(isak, level, "carfilzomib", 1) == [
        (1, 20),
        (2, 20),
        (8, 27),
        (9, 27),
        (15, 27),
        (16, 27),
    ]
    for cycle in (2, 8, 9, 12):
        assert days(isak, level, "K", cycle) == [(d, 27) for d in (1, 2, 8, 9, 15, 16)]
    # optional reduction only after cycle 8: days 1, 2, 15, 16
    assert days(isak, level, "K", 8, REDUCED) == [(d, 27) for d in (1, 2, 8, 9, 15, 16)]
    for cycle in (9, 10, 24):
        assert days(isak, level, "K", cycle, REDUCED) == [(d, 27) for d in (1, 2, 15, 16)]


@pytest.mark.parametrize(
    ("level", "counts"),
    [  # (Isa, K, K with reduction) in cycles 1, 2 and 9
        ("DL1", {1: (2, 6, 6), 2: (2, 6, 6), 9: (2, 6, 4)}),
        ("DL2", {1: (4, 6, 6), 2: (2, 6, 6), 9: (2, 6, 4)}),
        ("DL3", {1: (4, 6, 6), 2: (2, 6, 6), 9: (2, 6, 4)}),
    ],
)
def test_administration_counts_cycles_1_2_9(isak, level, counts):
    for cycle, (n_isa, n_k, n_k_reduced) in counts.items():
        assert len(isak.planned_doses(level, "isatuximab", cycle)) == n_isa
        assert len(isak.planned_doses(level, "carfilzomib", cycle)) == n_k
        assert len(isak.planned_doses(level, "carfilzomib", cycle, REDUCED)) == n_k_reduced


def test_design_dlt_and_schedules(isak):
    d = isak.design
    assert (d.name, d.n_doses, d.cohort_size, d.expansion_size) == ("3+3", 3, 3, 18)
    assert d.mtd_dlt_threshold == pytest.approx(0.33)
    assert isak.dlt.window_days == 28
    rules = {r.id: r for r in isak.dlt.rules}
    assert rules["neutropenia-grade-4-7-days"].min_duration_days == 7
    assert rules["treatment-delay"].delay_days_gt == 14
    nvd = next(e for e in rules["nonhematologic-grade-3"].exceptions if "Nausea" in e.terms)
    assert nvd.resolved_within_hours == 72 and nvd.grades == (3,)
    assert isak.response_assessment_interval_days == 28
    drugs = {d.id: d for d in isak.drugs}
    assert drugs["carfilzomib"].bsa_cap_m2 == 2.2
    assert drugs["isatuximab"].dose_unit == "mg/kg" and drugs["carfilzomib"].dose_unit == "mg/m2"
    # Table 3's median tmax (protocol YAML): 310 then 320 min at 10 mg/kg, 530/465 at 20 mg/kg
    assert [drugs["isatuximab"].infusion_minutes_for(n) for n in (1, 2, 3, 10)] == [
        310,
        320,
        320,
        320,
    ]
    dl3 = isak.dose_level("DL3")
    assert [dl3.infusion_minutes_for(drugs["isatuximab"], n) for n in (1, 2, 7)] == [530, 465, 465]


def test_pk_sampling_matches_paper(isak):
    isa, k = isak.pk_sampling
    assert isak.pk_schedule("Isa") is isa and isak.pk_schedule("carfilzomib") is k
    assert isak.dose_level_ids == ("DL1", "DL2", "DL3")
    assert (isa.drug, k.drug) == ("isatuximab", "carfilzomib")
    intensive = [(o.cycle, o.day) for o in isa.occasions if o.intensive]
    trough = [(o.cycle, o.day) for o in isa.occasions if not o.intensive]
    assert intensive == [(1, 1), (3, 1)]
    assert trough == [(c, 1) for c in (2, 4, 5, 6, 7, 8)]
    infusion_h = 310 / 60
    times = [s.hours_from_dose_start(infusion_h) for s in isa.occasions[0].samples]
    # pre, mid, end, end + 3 h; 24-336 h from the start (protocol YAML: 168/336 h are the
    # next infusions' pre-dose samples, and Table 3's maxima 24.00/48.00 h are from the start)
    assert times == pytest.approx([0, infusion_h / 2, infusion_h, infusion_h + 3, 24, 48, 168, 336])
    k_times = [s.hours_from_dose_start(10 / 60) for s in k.occasions[0].samples]
    assert k_times == pytest.approx([0] + [10 / 60 + h for h in (10 / 60, 0.5, 1, 2, 3)])
    assert [(o.cycle, o.day) for o in k.occasions] == [(1, 1), (3, 1)]


def test_eligibility_thresholds_from_paper(isak):
    crit = {c.id: c for c in isak.eligibility}
    assert (crit["anc"].op, crit["anc"].value, crit["anc"].unit) == (">", 1000, "/uL")
    assert (crit["platelets"].op, crit["platelets"].value) == (">", 50000)
    assert (crit["hemoglobin"].op, crit["hemoglobin"].value, crit["hemoglobin"].unit) == (
        ">=",
        8,
        "g/dL",
    )
    assert (crit["creatinine-clearance"].op, crit["creatinine-clearance"].value) == (">=", 30)
    assert (crit["bilirubin"].op, crit["bilirubin"].value, crit["bilirubin"].unit) == (
        "<=",
        1.5,
        "xULN",
    )
    assert (crit["qtc"].op, crit["qtc"].value) == ("<=", 450)
    assert (crit["ecog"].op, crit["ecog"].value) == ("<=", 2)
    assert (crit["age"].op, crit["age"].value) == (">=", 18)
    assert crit["carfilzomib-washout"].value == 28
    measurable = crit["measurable-disease"]
    assert set(measurable.variables()) == {
        "serum_m_protein",
        "urine_m_protein",
        "involved_flc",
        "flc_ratio_abnormal",
        "serum_iga_igd",
    }


def test_lookup_errors_name_the_choices(isak):
    with pytest.raises(
        ProtocolError, match=r"dose_level: got 'DL9'; expected one of \['DL1', 'DL2', 'DL3'\]"
    ):
        isak.dose_level("DL9")
    with pytest.raises(ProtocolError, match="drug: got 'daratumumab'"):
        isak.planned_doses("DL1", "daratumumab", 1)
    with pytest.raises(ProtocolError, match="cycle: got 0"):
        isak.planned_doses("DL1", "K", 0)
    with pytest.raises(ProtocolError, match="protocol: got 'nope'"):
        load_protocol("nope")


def test_model_is_frozen(isak):
    with pytest.raises(Exception, match="frozen"):
        isak.cycle_length_days = 21  # type: ignore[misc]

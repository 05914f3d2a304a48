"""The built-in solid-tumour TEMPLATE protocol: loads, says it is a template, drives BOIN."""

from __future__ import annotations

import pytest

from earlyphase.designs import from_protocol
from earlyphase.protocol import builtin_protocols, load_protocol

NAME = "solid-tumour-phase1-template"


def test_template_is_built_in_and_labelled_as_a_template():
    assert NAME in builtin_protocols()
    p = load_protocol(NAME)
    assert p.title.startswith("TEMPLATE (not a real trial)")
    assert any("TEMPLATE - not a real trial" in n for n in p.notes)
    assert "TEMPLATE (not a real trial)" in p.summary()
    assert p.disease.category == "solid tumour" and p.disease.response_criteria == "RECIST 1.1"


def test_template_dosing_design_and_schedule():
    p = load_protocol(NAME)
    assert p.drugs[0].dose_unit == "mg/m2" and p.drugs[0].bsa_cap_m2 == 2.2
    assert [d.dose for d in p.planned_doses("DL3", "agent-x", 4)] == [80.0]
    assert p.cycle_length_days == 21 and p.response_assessment_interval_days == 42
    assert p.design.expansion_size == 12
    design = from_protocol(p)
    assert type(design).__name__ == "BOIN"
    # BOIN boundaries for phi = 0.30 (Liu & Yuan, JRSS C 2015;64:507, Table 1: 0.236 / 0.358)
    lambda_e, lambda_d = design.lambdas
    assert lambda_e == pytest.approx(0.236, abs=5e-4) and lambda_d == pytest.approx(0.358, abs=1e-3)

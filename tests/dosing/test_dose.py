"""Dose calculation: mg/kg on actual weight, mg/m2 with the carfilzomib 2.2 m2 cap, rounding."""

import numpy as np
import pytest
from hypothesis import given
from hypothesis import strategies as st

from earlyphase.dosing import DosingOptions, bsa, calculate_dose, dose_mg, round_dose
from earlyphase.errors import DataError, OptionsError
from earlyphase.protocol import load_protocol

P = load_protocol("isak-phase1b")
ISA, K = P.drug("isatuximab"), P.drug("carfilzomib")


def test_isatuximab_on_actual_weight():
    assert calculate_dose(ISA, 10, 80, 175).dose_mg == 800.0
    assert calculate_dose(ISA, 20, 63.4, 160).dose_mg == pytest.approx(1268.0)
    calc = calculate_dose(ISA, 10, 80)
    assert (calc.basis_value, calc.basis_unit, calc.capped) == (80.0, "kg", False)


def test_carfilzomib_bsa_cap():
    # Kyprolis USPI: "Patients with a BSA greater than 2.2 m2 should receive a dose based upon
    # a BSA of 2.2 m2". 190 cm / 120 kg: Mosteller 2.5166 m2 -> 2.2; 27 x 2.2 = 59.4 mg.
    assert bsa(190, 120) == pytest.approx(2.516611478, rel=1e-9)
    calc = calculate_dose(K, 27, 120, 190)
    assert calc.capped and calc.basis_value == 2.2
    assert calc.dose_mg == pytest.approx(59.4)
    assert calculate_dose(K, 20, 120, 190).dose_mg == pytest.approx(44.0)
    # without the cap the dose follows the BSA
    uncapped = DosingOptions(apply_bsa_cap=False)
    assert calculate_dose(K, 27, 120, 190, uncapped).dose_mg == pytest.approx(
        27 * 2.516611478, rel=1e-9
    )
    # below the cap: 180 cm / 80 kg = 2.0 m2 -> 54 mg, not capped
    below = calculate_dose(K, 27, 80, 180)
    assert not below.capped and below.dose_mg == pytest.approx(54.0)


def test_cap_boundary_exactly_2_2():
    # Mosteller BSA = 2.2 exactly when H x W = 2.2^2 x 3600 = 17424 (e.g. 193.6 cm x 90 kg)
    calc = calculate_dose(K, 27, 90, 193.6)
    assert calc.basis_value == pytest.approx(2.2, rel=1e-12)
    assert not calc.capped
    assert calc.dose_mg == pytest.approx(59.4)


def test_kyprolis_label_worked_example():
    # kyprolis-hcp.com "Administration and dose modifications": BSA 1.8 m2 x 20 mg/m2 = 36 mg.
    # Mosteller 1.8 m2 exactly for H x W = 11664, e.g. 162 cm x 72 kg.
    assert dose_mg(K, 20, 72, 162) == pytest.approx(36.0)


def test_vectorised_over_patients():
    w = np.array([50.0, 80.0, 120.0])
    h = np.array([160.0, 180.0, 190.0])
    np.testing.assert_allclose(dose_mg(ISA, 10, w), [500, 800, 1200])
    np.testing.assert_allclose(dose_mg(K, 27, w, h), 27 * np.minimum(bsa(h, w), 2.2))


@pytest.mark.parametrize(
    ("x", "step", "mode", "expected"),
    [
        (53.2447, 1, "nearest", 53.0),
        (53.5, 1, "nearest", 54.0),
        (53.5, 1, "down", 53.0),
        (53.01, 1, "up", 54.0),
        (51.3, 0.1, "down", 51.3),  # 51.3 / 0.1 = 512.99999999 must not drop to 51.2
        (847.0, 10, "nearest", 850.0),
        (847.0, 0, "nearest", 847.0),
    ],
)
def test_rounding(x, step, mode, expected):
    assert float(round_dose(x, step, mode)) == pytest.approx(expected, abs=1e-12)


def test_rounding_per_drug_options():
    opts = DosingOptions(rounding_step_mg={"isatuximab": 100, "carfilzomib": 1})
    assert calculate_dose(ISA, 10, 84, 175, opts).dose_mg == 800.0
    assert calculate_dose(ISA, 10, 84, 175, opts).dose_mg_unrounded == 840.0
    assert calculate_dose(K, 27, 80, 175, opts).dose_mg == 53.0


def test_bad_inputs():
    with pytest.raises(DataError, match=r"weight_kg: got -80\.0"):
        dose_mg(ISA, 10, -80)
    with pytest.raises(DataError, match=r"height_cm: got 1\.75.*metres"):
        dose_mg(K, 27, 80, 1.75)
    with pytest.raises(DataError, match="height_cm: got None"):
        dose_mg(K, 27, 80)
    with pytest.raises(DataError, match=r"dose: got -10\.0"):
        dose_mg(ISA, -10, 80)
    with pytest.raises(OptionsError, match="bsa_method"):
        DosingOptions(bsa_method="boyd")
    with pytest.raises(OptionsError, match="rounding_step_mg"):
        DosingOptions(rounding_step_mg=-1)


doses = st.floats(min_value=0.1, max_value=100, allow_nan=False)
factors = st.floats(min_value=0.1, max_value=10, allow_nan=False)
weights = st.floats(min_value=20, max_value=300, allow_nan=False)
heights = st.floats(min_value=100, max_value=220, allow_nan=False)


@given(doses, factors, weights, heights)
def test_doses_scale_linearly(dose, factor, weight, height):
    for drug in (ISA, K):
        base = float(dose_mg(drug, dose, weight, height))
        assert float(dose_mg(drug, dose * factor, weight, height)) == pytest.approx(
            base * factor, rel=1e-12
        )


@given(doses, weights, factors)
def test_mg_per_kg_linear_in_weight(dose, weight, factor):
    w2 = min(weight * factor, 650)
    assert float(dose_mg(ISA, dose, w2)) == pytest.approx(dose * w2, rel=1e-12)

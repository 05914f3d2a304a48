"""Short names of NCA parameters (the registry's symbols) and units as tables print them."""

from __future__ import annotations

import pytest

from earlyphase.pk.nca import DERIVED_PARAMETERS, PARAMETERS, parameter_spec, parameter_symbol
from earlyphase.pk.nca.units import dimensionless, display_unit


def test_every_registered_parameter_has_an_ascii_symbol():
    for spec in (*PARAMETERS.values(), *DERIVED_PARAMETERS.values()):
        assert spec.symbol and spec.symbol.isascii(), spec.code
    assert not set(PARAMETERS) & set(DERIVED_PARAMETERS)


@pytest.mark.parametrize(
    ("code", "symbol"),
    [
        ("CMAX", "Cmax"),
        ("TMAX", "tmax"),
        ("AUCLST", "AUClast"),
        ("AUCTAU", "AUCtau"),
        ("LAMZHL", "t1/2"),
        ("AUC1WK", "AUC1week"),
        ("AUC2WK", "AUC2weeks"),
        ("RACCMAX", "Rac Cmax"),
        ("RACAUC", "Rac AUC1week"),
        ("AUCINT_0-24", "AUC0-24"),
        ("NOTACODE", "NOTACODE"),
    ],
)
def test_parameter_symbol(code, symbol):
    assert parameter_symbol(code) == symbol


def test_derived_parameters_resolve_like_nca_codes():
    assert parameter_spec("RACAUC").unit_kind == "ratio"
    assert parameter_spec("AUC1WK").unit_kind == "auc"
    with pytest.raises(KeyError):
        parameter_spec("NOTACODE")


@pytest.mark.parametrize(
    ("unit", "shown"),
    [
        ("ug/mL", "μg/mL"),
        ("µg/mL", "μg/mL"),  # micro sign -> Greek mu, as the paper prints it
        ("h*ug/mL", "μg·h/mL"),
        ("h*ng/mL", "ng·h/mL"),
        ("h^2*ng/mL", "ng·h²/mL"),
        ("h*mg/L", "mg·h/L"),
        ("h", "h"),
        ("1/h", "1/h"),
        ("L/h", "L/h"),
        ("%", "%"),
        ("ratio", ""),
        ("1", ""),
        ("", ""),
        (None, ""),
        (float("nan"), ""),
    ],
)
def test_display_unit(unit, shown):
    assert display_unit(unit) == shown
    assert dimensionless(unit) == (shown == "")

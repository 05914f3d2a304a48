"""One rounding and one descriptive summary: the PK command line and the report agree.

Regressions (issue 11): an AUC mean of 20,250 printed "20,200" by the PK command line
(Python's ties-to-even ``round``) and "20,300" by the report's Table 3 (SAS rounding); the
geometric mean of [0, 2, 8] was 4.0 in ``pk`` (zeros dropped) and NaN in ``report``.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd
import pytest

from earlyphase.pk.summary import describe as pk_describe
from earlyphase.pk.summary import format_mean_sd_geo, parameter_table
from earlyphase.report._methods import describe as report_describe
from earlyphase.report.spec import format_number, render_template
from earlyphase.report.tables.pk_parameters import _MEAN_FMT
from earlyphase.stats import summarize_continuous
from earlyphase.stats.rounding import format_significant, significant_decimals


def test_20250_to_three_significant_digits_is_20300_everywhere():
    # SAS: ROUND(20250, 100) = 20300 (half away from zero); Python round(20250, -2) = 20200
    assert round(20250, -2) == 20200  # the trap
    assert format_significant(20250.0, 3) == "20,300"
    assert format_number(20250.0, "3s") == "20,300"
    stats = {"mean": 20250.0, "sd": 5398.0, "geo_mean": 19712.0, "cv_pct": 26.5}
    assert format_mean_sd_geo(stats).startswith("20,300 ± 5400 (19,700) [27]")


def test_pk_command_line_and_report_table3_print_the_same_text():
    auc = np.array([20000.0, 20500.0])  # mean 20,250, SD 353.55, geometric mean 20,248.46
    cli = parameter_table(
        pd.DataFrame({"arm": "DL1", "parameter": "AUCTAU", "value": auc}), ["arm"]
    )["summary"].iloc[0]
    report = render_template(_MEAN_FMT, report_describe(auc))
    assert cli == report == "20,300 ± 354 (20,200) [2]"


@pytest.mark.parametrize(
    ("value", "digits", "decimals"),
    [(20250.0, 3, -2), (6.3, 3, 2), (999.6, 3, -1), (0.0012345, 3, 5), (-20250.0, 3, -2)],
)
def test_significant_decimals(value, digits, decimals):
    assert significant_decimals(value, digits) == decimals


def test_geometric_mean_with_a_zero_is_not_computed_everywhere():
    x = np.array([0.0, 2.0, 8.0])
    s = summarize_continuous(x)
    assert math.isnan(s.geo_mean) and math.isnan(s.geo_cv_pct)
    assert s.n == 3 and s.mean == pytest.approx(10 / 3)  # other statistics use every value
    assert math.isnan(pk_describe(x)["geo_mean"])
    assert math.isnan(report_describe(x)["geomean"])
    assert math.isnan(summarize_continuous([-1.0, 2.0]).geo_mean)
    # positive values: exp(mean(log x)) = 4 for 2, 8 (closed form)
    assert summarize_continuous([2.0, 8.0]).geo_mean == pytest.approx(4.0, rel=1e-15)
    assert pk_describe([2.0, 8.0])["geo_mean"] == report_describe(np.array([2.0, 8.0]))["geomean"]

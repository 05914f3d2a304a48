"""Figure data: what is plotted equals the analysis datasets."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from earlyphase.report.figures import (
    concentration_data,
    infusion_reactions_data,
    response_rates_data,
    swimmer_data,
)


def test_concentration_groups_by_nominal_timepoint(adam):
    adpc = pd.DataFrame(
        {
            "USUBJID": [*adam["ADSL"]["USUBJID"].iloc[:2]] * 4,
            "PARAMCD": "ISATUXIM",
            "VISIT": ["CYCLE 1 DAY 1"] * 6 + ["CYCLE 2 DAY 1"] * 2,
            "PCTPT": ["PRE-DOSE"] * 2
            + ["END OF INFUSION"] * 2
            + ["3 H POST"] * 2
            + ["PRE-DOSE"] * 2,
            "NRRLT": [0.0, 0.0, 3.9, 4.3, 6.9, 7.3, 0.0, 0.0],
            "AVAL": [np.nan, np.nan, 100.0, 140.0, 80.0, 90.0, 20.0, 30.0],
        }
    )
    data = concentration_data({**adam, "ADPC": adpc}, "ISATUXIM")
    assert set(data["visit"]) == {"CYCLE 1 DAY 1"}  # the trough-only visit is not a profile
    end = data[data["timepoint"] == "END OF INFUSION"]
    assert end["nominal_h"].tolist() == [pytest.approx(4.1)] and end["mean"].tolist() == [120.0]
    assert data.loc[data["timepoint"] == "PRE-DOSE", "n"].tolist() == [0]  # BLQ left out


def test_response_rates_match_adrs(adam):
    data = response_rates_data(adam).set_index(["group", "category"])
    bor = adam["ADRS"].query("PARAMCD == 'BOR'")
    assert data.loc[("OVERALL", "sCR/CR"), "n"] == bor["AVALC"].isin(["sCR", "CR"]).sum()
    assert data.loc[("OVERALL", "PR"), "pct"] == pytest.approx(100 * (bor["AVALC"] == "PR").mean())


def test_infusion_reactions_count_patients_once_per_drug_and_day(adam):
    data = infusion_reactions_data(adam)
    ir = adam["ADAE"].query("IRFL == 'Y'")
    assert data["n_patients"].sum() == ir.groupby(["IRDRUG", "IRDAY"])["USUBJID"].nunique().sum()


def test_swimmer_durations(adam):
    data = swimmer_data(adam).set_index("usubjid")
    adsl = adam["ADSL"].set_index("USUBJID")
    days = (adsl["TRTEDT"] - adsl["TRTSDT"]).dt.days + 1
    assert data["duration_months"].to_numpy() == pytest.approx(
        (days / 30.4375)[data.index].to_numpy()
    )


def test_figure_files_are_vector_and_300_dpi(adam, tmp_path):
    import io

    from PIL import Image

    from earlyphase.report import build_report

    result = build_report(adam, tmp_path, formats=("vector",))
    fig_dir = tmp_path / "figures"
    for figure_id in result.figures:
        assert (fig_dir / f"{figure_id}.svg").read_bytes().startswith(b"<?xml")
        assert (fig_dir / f"{figure_id}.pdf").read_bytes().startswith(b"%PDF")
        png = Image.open(io.BytesIO((fig_dir / f"{figure_id}_300dpi.png").read_bytes()))
        assert round(png.info["dpi"][0]) == 300

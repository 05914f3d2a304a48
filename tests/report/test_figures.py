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


def _two_analyte_adpc(adam):
    """Two subjects, two analytes, one intensive visit; the second analyte's spread makes
    mean - SD negative at one time point."""
    ids = [*adam["ADSL"]["USUBJID"].iloc[:2]]
    rows = []
    for code, name, unit, values in (
        ("DRUGA", "Drug A", "ug/mL", ([np.nan, 10.0, 8.0, 4.0], [np.nan, 12.0, 9.0, 5.0])),
        ("MET1", "Metabolite 1", "ng/mL", ([0.5, 30.0, 1.0, 0.2], [0.6, 2.0, 40.0, 0.3])),
    ):
        for subj, vals in zip(ids, values, strict=True):
            for t, v in zip((0.0, 1.0, 4.0, 24.0), vals, strict=True):
                rows.append((subj, code, name, unit, "CYCLE 1 DAY 1", t, t + 0.1, v))
    adpc = pd.DataFrame(
        rows, columns=["USUBJID", "PARAMCD", "PARAM", "AVALU", "VISIT", "NRRLT", "ARRLT", "AVAL"]
    )
    adpc["BLQFL"] = np.where(adpc["AVAL"].isna(), "Y", "")
    return adpc


def test_concentration_names_units_from_adpc_and_log_bars_positive(adam):
    from earlyphase.report.figures import concentration_figure

    adam2 = {**adam, "ADPC": _two_analyte_adpc(adam)}
    data = concentration_data(adam2)
    names = data.drop_duplicates("analyte").set_index("analyte")
    assert names.loc["DRUGA", "analyte_name"] == "Drug A"
    assert names.loc["MET1", "unit"] == "ng/mL"
    drawn = data[data["n"] > 0]
    # MET1 at 1 h: values 30 and 2 -> mean 16, SD 19.8: mean - SD < 0 on the linear panel ...
    one_h = drawn[(drawn["analyte"] == "MET1") & (drawn["nominal_h"] == 1.0)].iloc[0]
    assert one_h["mean"] == pytest.approx(16.0)
    assert one_h["sd"] == pytest.approx(np.std([30.0, 2.0], ddof=1))
    assert one_h["lower"] < 0
    # ... and its lower bar is clipped on the semi-log panel: every drawn bar end is > 0
    assert one_h["lower_log"] == pytest.approx(one_h["mean"])
    assert (drawn["lower_log"] > 0).all() and (drawn["upper"] > 0).all()
    fig = concentration_figure(adam2)
    assert fig.figure_id == "figure_pk_mean" and "Metabolite 1" in fig.caption
    log_axes = [ax for ax in fig.figure.axes if ax.get_yscale() == "log"]
    assert len(log_axes) == 2 and all(ax.get_ylim()[0] > 0 for ax in log_axes)


def test_analyte_name_falls_back_to_pctest_then_code():
    from earlyphase.report.figures.concentration import analytes

    adpc = pd.DataFrame(
        {"PARAMCD": ["A", "B"], "PCTEST": ["Analyte A", ""], "AVALU": ["ng/mL", None]}
    )
    assert analytes(adpc) == [("A", "Analyte A", "ng/mL"), ("B", "B", "")]


def test_individual_profiles_leave_out_blq(adam):
    from earlyphase.report.figures import individual_profiles_data, spaghetti_figure

    adam2 = {**adam, "ADPC": _two_analyte_adpc(adam)}
    data = individual_profiles_data(adam2)
    assert data["conc"].notna().all()
    assert len(data) == 14  # 16 samples, the 2 BLQ pre-dose samples of DRUGA left out
    assert data["actual_h"].tolist()[:3] == pytest.approx([1.1, 4.1, 24.1])  # ARRLT
    fig = spaghetti_figure(adam2)
    assert [ax.get_yscale() for ax in fig.figure.axes if ax.get_visible()] == ["log", "log"]


def test_pk_figures_not_produced_without_a_profile(adam):
    from earlyphase.errors import DataError
    from earlyphase.report.figures import concentration_figure, spaghetti_figure

    trough_only = _two_analyte_adpc(adam).query("NRRLT == 0")
    for build in (concentration_figure, spaghetti_figure):
        with pytest.raises(DataError, match="time points"):
            build({**adam, "ADPC": trough_only})


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

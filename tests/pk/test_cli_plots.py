"""The pk command line and figures, run as a user would."""

import subprocess
import sys
from pathlib import Path

import matplotlib
import numpy as np
import pandas as pd
import pytest

from earlyphase.pk.plots import plot_mean_profiles, plot_spaghetti, save_figure, time_after_dose
from earlyphase.pk.regimen import isak_phase1b_regimen
from earlyphase.pk.simulate import simulate_isatuximab

REF = Path(__file__).resolve().parents[1] / "reference" / "pk"


def _cli(*args):
    return subprocess.run(
        [sys.executable, "-m", "earlyphase", *args], capture_output=True, text=True
    )


def test_nca_command_writes_wide_csv(tmp_path):
    theoph = pd.read_csv(REF / "theoph.csv")[["subject_id", "time", "conc"]]
    theoph.to_csv(tmp_path / "conc.csv", index=False)
    pd.DataFrame(
        {"subject_id": range(1, 13), "time": 0.0, "amount": 320.0, "route": "extravascular"}
    ).to_csv(tmp_path / "doses.csv", index=False)
    out = tmp_path / "params.csv"
    run = _cli(
        "nca",
        str(tmp_path / "conc.csv"),
        str(tmp_path / "doses.csv"),
        "--method",
        "linear",
        "--wide",
        "--out",
        str(out),
    )
    assert run.returncode == 0, run.stderr
    wide = pd.read_csv(out).set_index("subject_id")
    # WinNonlin Theoph_Linear subject 1 AUClast (tests/reference/pk/winnonlin_Theoph_Linear.csv)
    assert wide.loc[1, "AUCLST"] == pytest.approx(148.92305, rel=1e-9)


def test_nca_command_reports_bad_input_in_one_line(tmp_path):
    pd.DataFrame({"subject_id": [1, 1], "time": [1.0, 0.5], "conc": [1.0, 2.0]}).to_csv(
        tmp_path / "c.csv", index=False
    )
    pd.DataFrame(
        {"subject_id": [1], "time": [0.0], "amount": [1.0], "route": ["extravascular"]}
    ).to_csv(tmp_path / "d.csv", index=False)
    run = _cli("nca", str(tmp_path / "c.csv"), str(tmp_path / "d.csv"))
    assert run.returncode == 2
    assert run.stderr.startswith("error: conc.time") and "Traceback" not in run.stderr


def test_pk_simulate_command(tmp_path):
    out = tmp_path / "conc.csv"
    run = _cli(
        "pk", "simulate", "--dose-level", "3", "--n", "20", "--cycles", "3", "--out", str(out)
    )
    assert run.returncode == 0, run.stderr
    assert "RACAUC" in run.stdout and "CYCLE 3 DAY 1" in run.stdout
    assert len(pd.read_csv(out)) == 20 * len(isak_phase1b_regimen(3, n_cycles=3).sample_times_h)


def test_figures_render(tmp_path):
    matplotlib.use("Agg")
    sim = simulate_isatuximab(isak_phase1b_regimen(2, n_cycles=3), n=10, seed=1)
    data = time_after_dose(sim.conc, sim.doses).assign(dose_level="DL2")
    data = data[data["interval"].isin(["CYCLE 1 DAY 1", "CYCLE 3 DAY 1"])]
    fig = plot_mean_profiles(data)
    assert len(fig.axes) == 4 and fig.axes[2].get_yscale() == "log"
    save_figure(fig, tmp_path / "mean.png")
    save_figure(plot_spaghetti(data), tmp_path / "spaghetti.png")
    assert (tmp_path / "mean.png").stat().st_size > 10_000
    assert (tmp_path / "spaghetti.png").read_bytes()[:4] == b"\x89PNG"


def test_pk_plot_command_from_files(tmp_path):
    sim = simulate_isatuximab(isak_phase1b_regimen(1, n_cycles=1), n=4, seed=2)
    sim.conc.assign(dose_level="DL1").to_csv(tmp_path / "c.csv", index=False)
    sim.doses.to_csv(tmp_path / "d.csv", index=False)
    out = tmp_path / "fig.png"
    run = _cli(
        "pk",
        "plot",
        "--conc",
        str(tmp_path / "c.csv"),
        "--doses",
        str(tmp_path / "d.csv"),
        "--out",
        str(out),
        "--kind",
        "spaghetti",
    )
    assert run.returncode == 0, run.stderr
    assert out.read_bytes()[:4] == b"\x89PNG"
    bad = _cli("pk", "plot", "--conc", str(tmp_path / "c.csv"), "--out", str(out))
    assert bad.returncode == 2 and "both or neither" in bad.stderr


def test_profile_summary_clips_the_log_lower_bar():
    from earlyphase.pk.plots import profile_summary

    data = pd.DataFrame(
        {
            "subject_id": [1, 2, 3, 1, 2, 3],
            "dose_level": "DL1",
            "interval": "C1",
            "time_after_dose": [1.0, 1.0, 1.0, 2.0, 2.0, 2.0],
            "conc": [1.0, 2.0, 30.0, 4.0, 5.0, np.nan],
        }
    )
    s = profile_summary(data).set_index("time")
    # 1 h: mean 11, SD 16.5 (numpy ddof=1) -> linear lower bar -5.5, log lower bar clipped
    assert s.loc[1.0, "mean"] == pytest.approx(11.0)
    assert s.loc[1.0, "sd"] == pytest.approx(np.std([1.0, 2.0, 30.0], ddof=1))
    assert s.loc[1.0, "lower"] < 0 and s.loc[1.0, "lower_log"] == pytest.approx(11.0)
    # 2 h: the BLQ (missing) sample is left out: n = 2, mean 4.5, lower bar 4.5 - 0.707 > 0
    assert s.loc[2.0, "n"] == 2 and s.loc[2.0, "lower_log"] == pytest.approx(4.5 - np.sqrt(0.5))
    assert (s["lower_log"] > 0).all()

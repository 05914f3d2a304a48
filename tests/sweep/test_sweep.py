"""Sweeps: the same numbers whatever the backend, workers and partitioning; correct operating
characteristics (exact 3+3 OCs of earlyphase.designs, which match bcrm::threep3 — see
tests/designs); resumable; bad grids refused before anything is written."""

from __future__ import annotations

import json

import numpy as np
import pandas as pd
import pytest

from earlyphase.designs import ThreePlusThree
from earlyphase.errors import DataError, DesignError, LimitError, OptionsError
from earlyphase.sweep import load_grid, run_sweep

GRID = {  # the grid of issue 15, with fewer trials
    "designs": [
        {"name": "3+3", "variant": "de-escalate"},
        {"name": "boin", "target": 0.3, "cohort_size": 3, "n_cohorts": 10},
        {
            "name": "crm",
            "target": 0.3,
            "skeleton": [0.05, 0.12, 0.25, 0.40, 0.55],
            "max_n": 30,
            "cohort_size": 3,
        },
    ],
    "scenarios": [
        {"name": "S1", "true_dlt": [0.05, 0.10, 0.20, 0.30, 0.45]},
        {"name": "S2", "true_dlt": [0.02, 0.05, 0.10, 0.15, 0.30]},
    ],
    "n_trials": 2000,
    "seed": 2026,
    "trials_per_task": 1000,
}


@pytest.fixture(scope="module")
def local(tmp_path_factory):
    return run_sweep(GRID, tmp_path_factory.mktemp("local"), backend="local", workers=1)


def test_results_columns_and_exact_3plus3(local):
    r = local.results
    for col in ("design", "scenario", "dose", "p_select", "mean_n", "mean_dlt", "target"):
        assert col in r.columns
    assert list(dict.fromkeys(r["design"])) == ["3+3", "boin", "crm"]
    assert set(r["dose"]) == set(range(6))
    sums = r.groupby(["design", "scenario"])["p_select"].sum()
    assert np.allclose(sums, 1.0)
    exact = ThreePlusThree(5, "de-escalate").exact_oc([0.05, 0.10, 0.20, 0.30, 0.45])
    s1 = r[(r["design"] == "3+3") & (r["scenario"] == "S1")].sort_values("dose")
    se = np.sqrt(exact.p_select * (1 - exact.p_select) / 2000)
    assert np.all(np.abs(s1["p_select"].to_numpy() - exact.p_select) <= 4 * se + 1e-12)
    assert (local.out / "summary.html").read_text().count("<tr") == 7  # header + 6 cells
    assert len(pd.read_csv(local.out / "summary.csv")) == 6
    assert (local.out / "selection.png").stat().st_size > 10_000


def test_same_results_on_dask_and_any_partitioning(local, tmp_path):
    from dask.distributed import Client, LocalCluster

    with (
        LocalCluster(
            n_workers=2, threads_per_worker=1, processes=False, dashboard_address=None
        ) as cluster,
        Client(cluster) as client,
    ):
        dask = run_sweep(GRID, tmp_path / "dask", backend="dask", client=client)
    pd.testing.assert_frame_equal(local.results, dask.results)
    other = run_sweep(dict(GRID, trials_per_task=2000), tmp_path / "one-task", workers=1)
    cols = ["design", "scenario", "dose", "p_select", "mean_n", "mean_dlt"]
    pd.testing.assert_frame_equal(local.results[cols], other.results[cols])
    stored = pd.read_parquet(tmp_path / "dask" / "results.parquet")
    pd.testing.assert_frame_equal(stored, dask.results)


def test_cells_do_not_depend_on_the_rest_of_the_grid(local, tmp_path):
    one = dict(GRID, designs=GRID["designs"][1:2], scenarios=GRID["scenarios"][1:])
    r = run_sweep(one, tmp_path, workers=1).results
    ref = local.results[(local.results["design"] == "boin") & (local.results["scenario"] == "S2")]
    assert np.array_equal(r["p_select"].to_numpy(), ref["p_select"].to_numpy())


def test_resume_recomputes_only_missing_tasks(tmp_path):
    grid = dict(GRID, designs=GRID["designs"][:2])
    calls = []

    def stop_after_two(done, total):
        calls.append(done)
        if done == 2:
            raise KeyboardInterrupt

    with pytest.raises(KeyboardInterrupt):
        run_sweep(grid, tmp_path, workers=1, progress=stop_after_two)
    assert not (tmp_path / "results.parquet").exists()
    stored = sorted((tmp_path / "tasks").glob("*.json"))
    assert len(stored) == 2
    before = {p.name: p.stat().st_mtime_ns for p in stored}
    res = run_sweep(grid, tmp_path, workers=1)
    assert res.n_resumed == 2 and res.n_tasks == 8
    assert {p.name: p.stat().st_mtime_ns for p in stored} == before
    fresh = run_sweep(grid, tmp_path / "fresh", workers=1)
    pd.testing.assert_frame_equal(res.results, fresh.results)
    with pytest.raises(OptionsError, match="same grid"):
        run_sweep(dict(grid, seed=1), tmp_path, workers=1)


BAD = [
    ({"designs": [{"name": "magic"}]}, DesignError, "magic"),
    (
        {"designs": [{"name": "crm", "target": 0.3, "skeleton": [0.1, 0.2, 0.3]}]},
        DesignError,
        r"skeleton: got \[0.1, 0.2, 0.3\]; expected 5",
    ),
    ({"scenarios": [{"name": "S", "true_dlt": [0.1, 1.2, 0.3]}]}, OptionsError, r"true_dlt\[1\]"),
    (
        {"scenarios": [{"name": "S", "true_dlt": [0.1, float("nan"), 0.3]}]},
        OptionsError,
        "finite",
    ),
    ({"designs": [{"name": "boin", "target": float("inf")}]}, OptionsError, "finite"),
    ({"n_trials": 10**9}, LimitError, "n_trials.*documented limit"),
    ({"colour": "red"}, OptionsError, "grid key"),
]


@pytest.mark.parametrize(("change", "error", "match"), BAD)
def test_bad_grids_fail_before_anything_is_written(tmp_path, change, error, match):
    out = tmp_path / "out"
    with pytest.raises(error, match=match):
        run_sweep(dict(GRID, **change), out, workers=1)
    assert not out.exists()


def test_unreachable_scheduler_writes_nothing(tmp_path):
    out = tmp_path / "out"
    with pytest.raises(OptionsError, match="--scheduler: got 'tcp://127.0.0.1:9'"):
        run_sweep(GRID, out, backend="dask", scheduler="tcp://127.0.0.1:9", connect_timeout_s=0.5)
    assert not out.exists()
    with pytest.raises(OptionsError, match="--backend"):
        run_sweep(GRID, out, backend="spark")
    assert not out.exists()


def test_grid_file_and_cli(tmp_path):
    import yaml
    from typer.testing import CliRunner

    from earlyphase.cli import app

    path = tmp_path / "grid.yaml"
    path.write_text(yaml.safe_dump(dict(GRID, designs=GRID["designs"][1:2], n_trials=1000)))
    assert len(load_grid(path).cells) == 2
    out = tmp_path / "out"
    res = CliRunner().invoke(app, ["sweep", str(path), "--out", str(out), "--workers", "1"])
    assert res.exit_code == 0, res.output
    assert "results.parquet" in res.output
    frame = pd.read_parquet(out / "results.parquet")
    assert set(frame["scenario"]) == {"S1", "S2"}
    manifest = json.loads((out / "sweep.json").read_text())
    assert manifest["grid"]["n_trials"] == 1000
    with pytest.raises(DataError, match="existing YAML"):
        load_grid(tmp_path / "missing.yaml")

"""``earlyphase recist`` as a user runs it, and the RECIST figures it draws."""

from __future__ import annotations

import io

import numpy as np
import pandas as pd
from PIL import Image
from tests.clinical.recist_cases import frame, new, non_targets, targets
from typer.testing import CliRunner

from earlyphase.cli import app
from earlyphase.clinical.recist import assess
from earlyphase.errors import DataError
from earlyphase.report.figures.tumor import (
    adam_from_recist,
    recist_swimmer_figure,
    spider_figure,
    waterfall_figure,
)

runner = CliRunner()


def lesions():
    return frame(
        targets("A", [1, 43, 85], [[30, 20], [18, 12], [15, 10]], nodes=("T2",)),
        non_targets("A", [1, 43, 85], [["present"], ["present"], ["present"]]),
        targets("B", [1, 43, 85], [[40], [44], [52]]),
        targets("C", [1, 43, 71], [[50], [30], [30]]),
        new("C", 71, "equivocal"),
    ).assign(group=lambda d: np.where(d.subject_id == "B", "DL1", "DL2"))


def test_recist_command_prints_writes_and_draws(tmp_path):
    path = tmp_path / "lesions.csv"
    lesions().to_csv(path, index=False)
    res = runner.invoke(
        app,
        [
            "recist",
            str(path),
            "--out",
            str(tmp_path / "best.csv"),
            "--figures",
            str(tmp_path / "fig"),
        ],
    )
    assert res.exit_code == 0, res.output
    best = pd.read_csv(tmp_path / "best.csv").set_index("subject_id")
    # A: 50 -> 30 mm (-40%, PR); B: SD at day 43 (42 days after day 1), then 52 mm = +30%
    # and +12 mm from the nadir (40) -> PD, best SD; C: 50 -> 30 mm, PR
    assert best["best_response"].to_dict() == {"A": "PR", "B": "SD", "C": "PR"}
    assert best.loc["B", "progression_day"] == 85
    for name in ("waterfall.png", "spider.png", "swimmer.png"):
        with Image.open(tmp_path / "fig" / name) as image:
            assert image.size[0] > 500
    confirmed = runner.invoke(
        app,
        ["recist", str(path), "--confirm", "--by-visit", "--out", str(tmp_path / "visits.json")],
    )
    assert confirmed.exit_code == 0, confirmed.output
    visits = pd.read_json(tmp_path / "visits.json")
    assert len(visits) == 9 and "rule" in visits.columns


def test_recist_command_bad_input_is_a_clean_error(tmp_path):
    path = tmp_path / "bad.csv"
    lesions().assign(diameter_mm=-1.0).to_csv(path, index=False)
    res = runner.invoke(app, ["recist", str(path)])
    assert res.exit_code != 0
    assert isinstance(res.exception, DataError)
    assert "lesions.diameter_mm (row 0): got -1.0; expected a value >= 0" in str(res.exception)


def test_figures_plot_the_numbers_of_the_assessment():
    result = assess(lesions())
    adam = adam_from_recist(result, {"B": "DL1"})
    water = waterfall_figure(adam)
    got = water.data.set_index("usubjid")["best_pct_change"].round(6).to_dict()
    assert got == {"A": -50.0, "B": 10.0, "C": -40.0}  # best = lowest post-baseline change
    assert list(water.data["usubjid"]) == ["B", "C", "A"]  # sorted, largest increase first
    spider = spider_figure(adam).data
    assert spider.loc[spider.usubjid == "B", "weeks"].tolist() == [0.0, 6.0, 12.0]
    swim = recist_swimmer_figure(adam)
    marks = swim.data.dropna(subset=["response"])
    assert marks.groupby("usubjid")["response"].apply(list).to_dict() == {
        "A": ["PR", "PR"],
        "B": ["SD", "PD"],
        "C": ["PR", "PR"],
    }
    with Image.open(io.BytesIO(swim.png)) as image:
        assert image.size[0] > 500 and image.size[1] > 300

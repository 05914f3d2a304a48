"""Decimal alignment of table columns (earlyphase.report.render._align)."""

from earlyphase.report.render._align import FIGURE_SPACE as F
from earlyphase.report.render._align import align_columns


def test_decimal_points_and_integers_line_up():
    rows = [["3 (100)", "1.5"], ["24 (75)", "12.25"], ["0", "NE"], ["", "—"]]
    out = align_columns(rows)
    assert out[0][0] == F + "3 (100)"
    assert out[1][0] == "24 (75)" + F
    assert out[2][0] == F + "0" + F * 6
    # second column: the point of 1.5 under the point of 12.25; text cells untouched
    assert out[0][1] == F + "1.5" + F
    assert out[1][1] == "12.25"
    assert out[2][1] == "NE" and out[3][1] == "—"
    # every numeric cell of a column has the same length, the point at the same index
    assert len({len(r[0]) for r in out[:3]}) == 1


def test_skipped_rows_and_single_numbers_are_left_alone():
    assert align_columns([["1"], ["22"]], skip=[True, False]) == [["1"], ["22"]]
    assert align_columns([]) == []


def test_a_whole_number_among_decimals_takes_a_punctuation_space():
    """``151`` among ``28.2`` and ``3.88`` (the PK listing's Cmax): the point's width is a
    punctuation space (U+2008), not a figure space, so proportional fonts align it too."""
    from earlyphase.report.render._align import PUNCTUATION_SPACE as P

    out = align_columns([["28.2"], ["151"], ["3.88"], ["NE"]])
    assert out[0][0] == F + "28.2" + F
    assert out[1][0] == "151" + P + F * 2
    assert out[2][0] == F * 2 + "3.88"
    assert out[3][0] == "NE"
    # integers among integers keep figure spaces (no decimal point in the column)
    assert align_columns([["3 (100)"], ["0"]])[1][0] == "0" + F * 6

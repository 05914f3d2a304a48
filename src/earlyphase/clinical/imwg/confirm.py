"""Confirmation of responses and progression, best overall response and its dates.

Rules (IMWG 2006/2016; operational form as in pharmaverse/admiralonco ``adrs_imwg``):

- a category from serum/urine/FLC is confirmed by the next assessment that is not NE; the
  confirmed category of the pair is the worse of the two (so PR then VGPR confirms PR);
- bone-marrow and imaging results need no confirmation (marrow and plasmacytoma values are
  carried forward into later assessments, and PD from marrow, plasmacytoma or new lesions is
  confirmed at once);
- PD is confirmed when the next non-NE assessment is also PD; the progression day is the
  first of the two;
- a patient stays in the best confirmed category until confirmed progression;
- best overall response = best confirmed category before progression; an assessment that
  could not be confirmed counts as SD (unless ``sd_needs_confirmation``).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd

from earlyphase.clinical.imwg.categorise import NE, PD, PR, SD
from earlyphase.clinical.imwg.options import IMWGOptions

__all__ = ["Confirmed", "confirm"]


@dataclass(frozen=True)
class Confirmed:
    """Per-row confirmed state and per-subject summary arrays (indexed by subject code)."""

    state: np.ndarray  # confirmed category rank per row (-1 baseline)
    pd_confirmed: np.ndarray  # row is the first assessment of a confirmed progression
    best: np.ndarray
    first_response_day: np.ndarray
    best_response_day: np.ndarray
    progression_day: np.ndarray


def confirm(
    group: np.ndarray,
    day: np.ndarray,
    rank: np.ndarray,
    pd_immediate: np.ndarray,
    n_subjects: int,
    opts: IMWGOptions,
) -> Confirmed:
    """Confirm per-assessment categories; see the module docstring for the rules."""
    n = len(rank)
    post = rank >= 0
    usable = post & (rank != NE)
    idx = np.flatnonzero(usable)
    next_rank = np.full(n, -1, dtype=np.int64)  # -1: no later non-NE assessment
    if len(idx):
        nxt = pd.Series(rank[idx]).groupby(group[idx]).shift(-1)
        next_rank[idx] = nxt.fillna(-1).to_numpy(dtype=np.int64)

    is_pd = rank == PD
    pd_conf = is_pd & (pd_immediate | (next_rank == PD) | ((next_rank == -1) & opts.last_pd_counts))
    prog_day = np.full(n_subjects, np.nan)
    if pd_conf.any():
        first_pd = pd.Series(day[pd_conf]).groupby(group[pd_conf]).min()
        prog_day[first_pd.index.to_numpy()] = first_pd.to_numpy()
    prog_row = prog_day[group]
    before_prog = np.isnan(prog_row) | (day < prog_row)

    both = usable & (rank <= SD) & (next_rank >= 0) & (next_rank <= SD)
    pair = np.where(both, np.maximum(rank, next_rank), NE)
    if not opts.sd_needs_confirmation:
        pair = np.where(usable & (rank <= SD), np.minimum(pair, SD), pair)
    pair = np.where(post & before_prog, pair, NE)

    state = pd.Series(np.where(post, pair, NE)).groupby(group).cummin().to_numpy()
    state = np.where(post & ~before_prog, PD, state)
    state = np.where(post, state, -1)

    best = np.full(n_subjects, NE, dtype=np.int64)
    cand = post & (pair < NE)
    if cand.any():
        b = pd.Series(pair[cand]).groupby(group[cand]).min()
        best[b.index.to_numpy()] = b.to_numpy()
    best = np.where((best == NE) & ~np.isnan(prog_day), PD, best)

    def first_day(mask: np.ndarray) -> np.ndarray:
        out = np.full(n_subjects, np.nan)
        if mask.any():
            d = pd.Series(day[mask]).groupby(group[mask]).min()
            out[d.index.to_numpy()] = d.to_numpy()
        return out

    first_resp = first_day(cand & (pair <= PR))
    best_day = first_day(cand & (pair == best[group]))
    best_day = np.where(best == PD, prog_day, best_day)
    first_pd_row = pd_conf & (day == prog_row)
    return Confirmed(state, first_pd_row, best, first_resp, best_day, prog_day)

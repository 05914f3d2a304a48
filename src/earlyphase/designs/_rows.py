"""Distinct rows of per-dose (n, y) counts: many simulated trials end in the same state, so
posterior integrals (CRM) and MTD selections (interval designs) are computed once per state."""

from __future__ import annotations

import numpy as np

__all__ = ["distinct_rows"]


def distinct_rows(n: np.ndarray, y: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Index of one row per distinct (n, y) state and the map back from every row.

    Each dose's (n, y) pair gets a triangular code ``n (n + 1) / 2 + y``; the codes of all doses
    are combined in mixed radix into one int64 key when it fits (fast 1-D unique), otherwise
    rows are compared whole.
    """
    codes = n * (n + 1) // 2 + y
    radix = int(codes.max()) + 1 if codes.size else 1
    if radix ** codes.shape[1] < 2**62:
        key = np.zeros(codes.shape[0], dtype=np.int64)
        for j in range(codes.shape[1]):
            key = key * radix + codes[:, j]
        _, first, inverse = np.unique(key, return_index=True, return_inverse=True)
    else:
        _, first, inverse = np.unique(codes, axis=0, return_index=True, return_inverse=True)
    return first, inverse.reshape(-1)

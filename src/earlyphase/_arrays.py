"""Read-only arrays for frozen result objects.

A frozen dataclass stops ``result.survival = x`` but not ``result.survival[0] = x``, which would
silently change every number derived from it (``km.median``). Result classes call
:func:`freeze_arrays` in ``__post_init__``: each NumPy array field is replaced by a read-only
view, so writing into it raises ``ValueError: assignment destination is read-only``. The
caller's own array is not touched (a view, not a flag on the original).
"""

from __future__ import annotations

import dataclasses
from typing import Any

import numpy as np

__all__ = ["freeze_arrays", "read_only"]


def read_only(array: np.ndarray) -> np.ndarray:
    """A read-only view of ``array`` (the original stays writeable)."""
    view = array.view()
    view.flags.writeable = False
    return view


def freeze_arrays(obj: Any) -> None:
    """Replace every ndarray field of the dataclass instance ``obj`` by a read-only view."""
    for f in dataclasses.fields(obj):
        value = getattr(obj, f.name)
        if isinstance(value, np.ndarray) and value.flags.writeable:
            object.__setattr__(obj, f.name, read_only(value))

"""The frozen, strict pydantic base shared by every protocol model."""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict

__all__ = ["FrozenModel"]


class FrozenModel(BaseModel):
    """Immutable model that rejects unknown keys (a typo in a YAML key is an error) and
    non-finite numbers (``.inf``, ``.nan``)."""

    model_config = ConfigDict(
        frozen=True, extra="forbid", str_strip_whitespace=True, allow_inf_nan=False
    )

"""A design from a plain mapping, as written in a sweep grid or on the command line.

Examples (YAML)::

    {name: 3+3, variant: de-escalate}
    {name: boin, target: 0.3, cohort_size: 3, n_cohorts: 10}
    {name: crm, target: 0.3, skeleton: [0.05, 0.12, 0.25, 0.40, 0.55], max_n: 30, cohort_size: 3}
    {name: keyboard, target: 0.25, cohort_size: 3, n_cohorts: 8, n_earlystop: 12}

``name`` is any spelling :func:`earlyphase.designs.make_design` knows; the other keys are the
design's constructor options (``max_n`` is accepted for every model-based design and means
``cohort_size * n_cohorts``). The command-line short form is ``"boin:target=0.3,n_cohorts=10"``.
Errors name the key, the value and what was expected.
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Mapping
from typing import Any

import yaml

from earlyphase.designs.crm import CRM
from earlyphase.designs.factory import _canonical, make_design
from earlyphase.errors import DesignError, describe_problem

__all__ = ["design_from_spec", "parse_design_option"]

_COMMON = {"name", "target", "cohort_size", "n_cohorts", "start_dose", "variant", "skeleton"}


def parse_design_option(text: str) -> dict[str, Any]:
    """``"boin:target=0.3,n_cohorts=10"`` (or a YAML mapping) -> a design mapping."""
    text = text.strip()
    if text.startswith("{"):
        try:
            value = yaml.safe_load(text)
        except yaml.YAMLError as exc:
            raise DesignError(
                describe_problem("--design", text, f"a YAML mapping ({exc})")
            ) from None
        if not isinstance(value, dict):
            raise DesignError(describe_problem("--design", text, "a YAML mapping"))
        return value
    name, _, rest = text.partition(":")
    spec: dict[str, Any] = {"name": name.strip()}
    for item in filter(None, (p.strip() for p in rest.split(","))):
        key, eq, raw = item.partition("=")
        if not eq or not key.strip():
            raise DesignError(describe_problem("--design", item, "key=value"))
        spec[key.strip()] = yaml.safe_load(raw)
    return spec


def _finite(key: str, value: Any) -> None:
    values = value if isinstance(value, list | tuple) else [value]
    for v in values:
        if isinstance(v, float) and not math.isfinite(v):
            raise DesignError(describe_problem(key, value, "finite numbers"))


def design_from_spec(spec: Mapping[str, Any] | str, n_doses: int) -> Any:
    """Build the design a mapping (or the short form) describes, for ``n_doses`` dose levels.

    Raises
    ------
    DesignError
        Unknown design or option, wrong skeleton length, a value out of range (the message
        names the key).
    """
    raw = parse_design_option(spec) if isinstance(spec, str) else dict(spec)
    if "name" not in raw:
        raise DesignError(describe_problem("design.name", None, "a design name"))
    kind = _canonical(str(raw["name"]))
    for key, value in raw.items():
        _finite(f"design.{key}", value)
    opts = {k: v for k, v in raw.items() if k != "name"}
    if kind == "3+3":
        unknown = sorted(set(opts) - {"variant", "expansion"})
        if unknown:
            raise DesignError(
                describe_problem(f"design {raw['name']!r} option", unknown[0], "variant")
            )
        return make_design("3+3", n_doses, **opts)
    if "skeleton" in opts:
        sk = opts["skeleton"]
        if not isinstance(sk, list | tuple) or len(sk) != n_doses:
            raise DesignError(
                describe_problem("skeleton", sk, f"{n_doses} probabilities, one per dose level")
            )
        if kind != "crm":
            raise DesignError(describe_problem("skeleton", sk, "no skeleton except for crm"))
    if "max_n" in opts:
        max_n, cs = opts.pop("max_n"), int(opts.get("cohort_size", 3))
        if isinstance(max_n, bool) or not isinstance(max_n, int) or max_n < cs or max_n % cs:
            raise DesignError(
                describe_problem("max_n", max_n, f"a positive multiple of cohort_size = {cs}")
            )
        opts["n_cohorts"] = max_n // cs
    allowed = _allowed_options(kind)
    unknown = sorted(set(opts) - allowed)
    if unknown:
        raise DesignError(
            describe_problem(
                f"design {raw['name']!r} option", unknown[0], "one of " + ", ".join(sorted(allowed))
            )
        )
    try:
        return make_design(kind, n_doses, **opts)
    except TypeError as exc:
        raise DesignError(describe_problem(f"design {raw['name']!r}", opts, str(exc))) from None


def _allowed_options(kind: str) -> set[str]:
    from earlyphase.designs.boin import BOIN
    from earlyphase.designs.mtpi2 import MTPI2, Keyboard

    cls = {"boin": BOIN, "mtpi2": MTPI2, "keyboard": Keyboard, "crm": CRM}[kind]
    fields = {f.name for f in dataclasses.fields(cls)}
    fields -= {"n_doses", "max_n"}
    return (fields | _COMMON) - {"name", "variant"} - ({"skeleton"} if kind != "crm" else set())

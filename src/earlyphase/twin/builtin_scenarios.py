"""Scenario files shipped with the built-in protocols (``twin/scenarios/<protocol id>.yaml``)."""

from __future__ import annotations

from importlib import resources

from earlyphase._yaml import load_yaml
from earlyphase.errors import DataError, describe_problem
from earlyphase.twin.scenario import Scenario, load_scenario

__all__ = ["builtin_scenario", "builtin_scenarios"]


def builtin_scenarios() -> list[str]:
    """Protocol ids that ship with a default scenario."""
    folder = resources.files("earlyphase.twin") / "scenarios"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def builtin_scenario(protocol_id: str) -> Scenario:
    """The default (illustrative) scenario of a built-in protocol."""
    if protocol_id not in builtin_scenarios():
        raise DataError(
            describe_problem("scenario of protocol", protocol_id, f"one of {builtin_scenarios()}")
        )
    text = (resources.files("earlyphase.twin") / "scenarios" / f"{protocol_id}.yaml").read_text()
    return load_scenario(load_yaml(text, f"{protocol_id}.yaml"))

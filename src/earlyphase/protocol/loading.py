"""Load protocols from YAML with line-aware validation errors.

:func:`load_protocol` accepts a path or the name of a built-in protocol. A malformed file
raises :class:`ProtocolValidationError` listing *every* problem, each with its YAML path and
line number, e.g.::

    bad.yaml:41: dose_levels[0].regimens.isatuximab[0].doses[0].days[1]: got 29; expected a day
    between 1 and the cycle length (28)
"""

from __future__ import annotations

import os
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any

import yaml
from pydantic import ValidationError

from earlyphase._files import read_text_file
from earlyphase._yaml import YamlFileError, compose_yaml
from earlyphase.errors import InputTypeError, ProtocolError, describe_problem
from earlyphase.limits import MAX_YAML_BYTES
from earlyphase.protocol.consistency import Loc, _dotted, find_inconsistencies
from earlyphase.protocol.model import Protocol

__all__ = [
    "ProtocolProblem",
    "ProtocolValidationError",
    "builtin_protocols",
    "load_protocol",
    "parse_protocol",
]


@dataclass(frozen=True)
class ProtocolProblem:
    """One problem in a protocol file: YAML path, 1-based line (None if unknown), message."""

    path: str
    line: int | None
    message: str

    def __str__(self) -> str:
        return f"line {self.line}: {self.message}" if self.line else self.message


class ProtocolValidationError(ProtocolError):
    """A protocol file has one or more problems; ``problems`` lists them all in line order."""

    def __init__(self, source: str, problems: list[ProtocolProblem]) -> None:
        self.source = source
        self.problems = tuple(sorted(problems, key=lambda p: (p.line or 0, p.path)))
        lines = [
            f"{source}:{p.line}: {p.message}" if p.line else f"{source}: {p.message}"
            for p in self.problems
        ]
        super().__init__(
            f"{len(self.problems)} problem(s) in protocol {source}\n" + "\n".join(lines)
        )


def builtin_protocols() -> list[str]:
    """Names of the protocols shipped with earlyphase (``["isak-phase1b"]``)."""
    folder = resources.files("earlyphase.protocol") / "builtin"
    return sorted(p.name[: -len(".yaml")] for p in folder.iterdir() if p.name.endswith(".yaml"))


def _line_map(node: yaml.Node, loc: Loc = (), out: dict[Loc, int] | None = None) -> dict[Loc, int]:
    """Map every YAML path (keys and list indices) to its 1-based line."""
    out = {} if out is None else out
    out.setdefault(loc, node.start_mark.line + 1)
    if isinstance(node, yaml.MappingNode):
        for key, value in node.value:
            k = key.value if isinstance(key, yaml.ScalarNode) else str(key)
            out[(*loc, k)] = key.start_mark.line + 1
            _line_map(value, (*loc, k), out)
            out[(*loc, k)] = (
                key.start_mark.line + 1
                if isinstance(value, yaml.CollectionNode)
                else value.start_mark.line + 1
            )
    elif isinstance(node, yaml.SequenceNode):
        for i, item in enumerate(node.value):
            _line_map(item, (*loc, i), out)
    return out


def _line_for(loc: Loc, lines: dict[Loc, int]) -> int | None:
    for n in range(len(loc), -1, -1):
        if loc[:n] in lines:
            return lines[loc[:n]]
    return None


def _clean_loc(loc: tuple[Any, ...]) -> Loc:
    """Drop pydantic's internal loc parts (``function-after[...]``, union tags)."""
    return tuple(p for p in loc if isinstance(p, int) or ("[" not in str(p) and "(" not in str(p)))


def _expected(err: Any) -> str:
    msg = str(err["msg"])
    kind = err["type"]
    if kind == "missing":
        return "this required field to be present"
    if kind == "extra_forbidden":
        return "no such key (check the spelling)"
    if msg.startswith("Value error, "):
        msg = msg[len("Value error, ") :]
    return msg.replace("Input should be ", "")


def parse_protocol(text: str, source: str = "<string>") -> Protocol:
    """Parse and validate protocol YAML text (see :func:`load_protocol`)."""
    try:
        data, root = compose_yaml(text, source)
    except YamlFileError as exc:
        raise ProtocolValidationError(
            source, [ProtocolProblem("", exc.line, exc.problem)]
        ) from None
    if not isinstance(data, dict) or root is None:
        raise ProtocolValidationError(
            source,
            [
                ProtocolProblem(
                    "",
                    1,
                    describe_problem(
                        "protocol", type(data).__name__, "a YAML mapping of protocol fields"
                    ),
                )
            ],
        )
    lines = _line_map(root)
    problems: list[ProtocolProblem] = []
    for loc, message in find_inconsistencies(data):
        problems.append(ProtocolProblem(_dotted(loc), _line_for(loc, lines), message))
    try:
        protocol = Protocol.model_validate(data)
    except ValidationError as exc:
        errors = exc.errors()
        locs = [_clean_loc(e["loc"]) for e in errors]
        for err, loc in zip(errors, locs, strict=True):
            if not loc and problems:
                continue  # the whole-model consistency check: already listed with exact paths
            if err["type"] == "too_short" and any(
                o[: len(loc)] == loc and len(o) > len(loc) for o in locs
            ):
                continue  # "empty after validation" only because its items failed: reported there
            field = _dotted(loc) or "protocol"
            value = err.get("input") if err["type"] != "missing" else None
            if isinstance(value, dict | list):
                value = f"<{type(value).__name__}>"
            problems.append(
                ProtocolProblem(
                    field, _line_for(loc, lines), describe_problem(field, value, _expected(err))
                )
            )
        raise ProtocolValidationError(source, problems) from None
    if problems:  # pragma: no cover - the model validator runs the same checks
        raise ProtocolValidationError(source, problems)
    return protocol


def load_protocol(path_or_name: str | os.PathLike[str]) -> Protocol:
    """Load a protocol from a YAML file or by built-in name.

    Parameters
    ----------
    path_or_name : str or path-like
        A path to a ``.yaml`` file, or the name of a built-in protocol (``"isak-phase1b"``,
        see :func:`builtin_protocols`).

    Returns
    -------
    Protocol

    Raises
    ------
    ProtocolValidationError
        The file is malformed or inconsistent; every problem is listed with its line.
    ProtocolError
        No such file or built-in protocol.
    """
    if isinstance(path_or_name, Protocol):
        return path_or_name
    if not isinstance(path_or_name, str | os.PathLike):
        raise InputTypeError(
            describe_problem(
                "protocol",
                path_or_name,
                f"a Protocol, a path to a YAML file or a built-in name {builtin_protocols()}",
            )
        )
    name = os.fspath(path_or_name)
    if name in builtin_protocols():
        ref = resources.files("earlyphase.protocol") / "builtin" / f"{name}.yaml"
        return parse_protocol(ref.read_text(encoding="utf-8"), source=f"{name}.yaml")
    path = Path(name)
    if not path.is_file():
        raise ProtocolError(
            describe_problem(
                "protocol", name, f"a YAML file or a built-in protocol name {builtin_protocols()}"
            )
        )
    text = read_text_file(path, "protocol YAML", MAX_YAML_BYTES)
    return parse_protocol(text, source=str(path))

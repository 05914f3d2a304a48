"""Bounded JSON parsing: size and nesting limits, duplicate keys refused, clean errors.

Every JSON file earlyphase reads (Dataset-JSON, metadata sidecars) goes through
:func:`load_json`. Python's decoder raises ``RecursionError`` on deeply nested input and
``ValueError`` on integers over 4,300 digits; both become a
:class:`~earlyphase.errors.FileFormatError` naming the file, as do syntax errors.
"""

from __future__ import annotations

import json
from typing import Any

from earlyphase.errors import FileFormatError
from earlyphase.limits import MAX_JSON_BYTES, MAX_NESTING_DEPTH

__all__ = ["load_json"]


def _no_duplicates(source: str):  # type: ignore[no-untyped-def]
    def hook(pairs: list[tuple[str, Any]]) -> dict[str, Any]:
        seen: dict[str, Any] = {}
        for key, value in pairs:
            if key in seen:
                raise FileFormatError(f"{source}: duplicate key {key!r}; expected unique keys")
            seen[key] = value
        return seen

    return hook


def _depth(obj: Any) -> int:
    """Nesting depth of a parsed document (iterative: no recursion limit)."""
    deepest = 0
    stack: list[tuple[Any, int]] = [(obj, 1)]
    while stack:
        item, level = stack.pop()
        if isinstance(item, dict):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item.values() if isinstance(v, dict | list))
        elif isinstance(item, list):
            deepest = max(deepest, level)
            stack.extend((v, level + 1) for v in item if isinstance(v, dict | list))
    return deepest


def load_json(text: str | bytes, source: str = "<string>", what: str = "JSON") -> Any:
    """Parse JSON ``text`` with size and nesting bounds.

    Parameters
    ----------
    text : str or bytes
        The document (bytes must be UTF-8).
    source : str
        File name used in messages.
    what : str
        What the document should be (``"Dataset-JSON"``), for messages.

    Raises
    ------
    FileFormatError
        Not valid JSON (with line and column), not UTF-8, a duplicate key, larger than
        :data:`~earlyphase.limits.MAX_JSON_BYTES` or nested deeper than
        :data:`~earlyphase.limits.MAX_NESTING_DEPTH`.
    """
    if len(text) > MAX_JSON_BYTES:
        raise FileFormatError(
            f"{source}: {len(text):,} bytes; expected {what} of at most {MAX_JSON_BYTES:,} bytes "
            "(the documented limit)"
        )
    if isinstance(text, bytes):
        try:
            text = text.decode("utf-8")
        except UnicodeDecodeError as exc:
            raise FileFormatError(
                f"{source}: byte {text[exc.start : exc.start + 1]!r} at offset {exc.start} is "
                f"not UTF-8; expected {what} encoded in UTF-8"
            ) from None
    try:
        obj = json.loads(text, object_pairs_hook=_no_duplicates(source))
    except json.JSONDecodeError as exc:
        raise FileFormatError(
            f"{source}: invalid JSON ({exc.msg} at line {exc.lineno} column {exc.colno}); "
            f"expected well-formed {what}"
        ) from None
    except RecursionError:
        raise FileFormatError(
            f"{source}: JSON nested too deeply; expected {what} nested at most "
            f"{MAX_NESTING_DEPTH} levels"
        ) from None
    except ValueError as exc:  # integers over 4,300 digits
        problem = "an integer of more than 4,300 digits" if "digits" in str(exc) else str(exc)
        raise FileFormatError(f"{source}: {problem}; expected {what}") from None
    if _depth(obj) > MAX_NESTING_DEPTH:
        raise FileFormatError(
            f"{source}: JSON nested deeper than {MAX_NESTING_DEPTH} levels; expected {what} "
            "(the documented limit)"
        )
    return obj

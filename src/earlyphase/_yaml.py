"""Bounded, strict YAML loading: every YAML file earlyphase reads goes through here.

Compared with ``yaml.safe_load`` the loader

* refuses duplicate mapping keys (the last value silently winning hides typos),
* refuses documents above :data:`~earlyphase.limits.MAX_YAML_BYTES` bytes, nested deeper than
  :data:`~earlyphase.limits.MAX_NESTING_DEPTH`, or that expand to more than
  :data:`~earlyphase.limits.MAX_YAML_NODES` nodes once every alias is followed (a "billion
  laughs" file), and recursive aliases,
* turns integers too long for Python (over 4,300 digits) and every parser error into a
  :class:`~earlyphase.errors.FileFormatError` naming the file and the line.

Aliases themselves are fine (the shipped protocol uses them); what is bounded is the size of the
document they expand to, computed once per node.
"""

from __future__ import annotations

from typing import Any

import yaml

from earlyphase.errors import FileFormatError
from earlyphase.limits import MAX_NESTING_DEPTH, MAX_YAML_BYTES, MAX_YAML_NODES

__all__ = ["YamlFileError", "compose_yaml", "load_yaml"]


class YamlFileError(FileFormatError):
    """A YAML document is invalid or over a bound; ``line`` (1-based or None) and ``problem``."""

    def __init__(self, source: str, line: int | None, problem: str) -> None:
        self.source, self.line, self.problem = source, line, problem
        super().__init__(f"{source}:{line}: {problem}" if line else f"{source}: {problem}")


def _line(node_or_mark: Any) -> int | None:
    mark = getattr(node_or_mark, "start_mark", node_or_mark)
    line = getattr(mark, "line", None)
    return line + 1 if line is not None else None


class _StrictLoader(yaml.SafeLoader):
    """SafeLoader with a nesting bound, duplicate-key refusal and clean integer errors."""

    def __init__(self, stream: str, source: str) -> None:
        super().__init__(stream)
        self.source = source
        self._depth = 0

    def compose_node(self, parent: Any, index: Any) -> Any:
        self._depth += 1
        try:
            if self._depth > MAX_NESTING_DEPTH:
                raise YamlFileError(
                    self.source,
                    _line(self.peek_event()),
                    f"YAML nested deeper than {MAX_NESTING_DEPTH} levels (the documented limit)",
                )
            return super().compose_node(parent, index)
        finally:
            self._depth -= 1

    def construct_mapping(self, node: Any, deep: bool = False) -> Any:
        if isinstance(node, yaml.MappingNode):
            seen: dict[Any, int] = {}
            for key_node, _ in node.value:
                if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":merge"):
                    continue
                key = self.construct_object(key_node, deep=True)
                line = key_node.start_mark.line + 1
                if key in seen:
                    raise YamlFileError(
                        self.source,
                        line,
                        f"duplicate key {key!r} (first given on line {seen[key]}); "
                        "expected each key once",
                    )
                seen[key] = line
        return super().construct_mapping(node, deep=deep)

    def construct_yaml_int(self, node: Any) -> Any:
        try:
            return super().construct_yaml_int(node)
        except ValueError:
            raise YamlFileError(
                self.source,
                _line(node),
                f"integer with {len(str(node.value))} characters; expected a number of at most "
                "4,300 digits",
            ) from None


_StrictLoader.add_constructor("tag:yaml.org,2002:int", _StrictLoader.construct_yaml_int)


def _expanded_size(root: yaml.Node, source: str) -> int:
    """Number of nodes of ``root`` with every alias followed (memoised per node)."""
    sizes: dict[int, int] = {}
    active: set[int] = set()

    def size(node: yaml.Node) -> int:
        key = id(node)
        if key in sizes:
            return sizes[key]
        if key in active:
            raise YamlFileError(
                source, _line(node), "recursive YAML alias; expected a finite document"
            )
        active.add(key)
        total = 1
        if isinstance(node, yaml.SequenceNode):
            total += sum(size(item) for item in node.value)
        elif isinstance(node, yaml.MappingNode):
            total += sum(size(k) + size(v) for k, v in node.value)
        active.discard(key)
        sizes[key] = min(total, MAX_YAML_NODES + 1)
        return sizes[key]

    return size(root)


def _check_size(text: str, source: str) -> None:
    if len(text) > MAX_YAML_BYTES:
        raise YamlFileError(
            source,
            None,
            f"{len(text):,} characters; expected a YAML file of at most {MAX_YAML_BYTES:,} bytes "
            "(the documented limit)",
        )


def _parser_error(exc: yaml.YAMLError, source: str) -> YamlFileError:
    mark = getattr(exc, "problem_mark", None)
    line = _line(mark) if mark is not None else None
    return YamlFileError(source, line, f"not valid YAML: {getattr(exc, 'problem', None) or exc}")


def compose_yaml(text: str, source: str = "<string>") -> tuple[Any, yaml.Node | None]:
    """Parse YAML ``text`` into ``(data, root node)`` with the bounds of this module.

    Parameters
    ----------
    text : str
        The YAML document.
    source : str
        File name used in messages.

    Raises
    ------
    FileFormatError
        Invalid YAML, a duplicate key, or a bound exceeded; the message names ``source`` and the
        line.
    """
    _check_size(text, source)
    try:
        loader = _StrictLoader(text, source)  # the reader checks every character here
    except yaml.YAMLError as exc:
        raise _parser_error(exc, source) from None
    try:
        root = loader.get_single_node()
        if root is None:
            return None, None
        if _expanded_size(root, source) > MAX_YAML_NODES:
            raise YamlFileError(
                source,
                None,
                f"YAML expands to more than {MAX_YAML_NODES:,} nodes once its aliases are "
                "followed (the documented limit)",
            )
        return loader.construct_document(root), root
    except yaml.YAMLError as exc:
        raise _parser_error(exc, source) from None
    except RecursionError:
        raise YamlFileError(
            source, None, f"YAML nested too deeply; expected at most {MAX_NESTING_DEPTH} levels"
        ) from None
    finally:
        loader.dispose()


def load_yaml(text: str, source: str = "<string>") -> Any:
    """Parse YAML ``text`` with the bounds of this module (see :func:`compose_yaml`)."""
    return compose_yaml(text, source)[0]

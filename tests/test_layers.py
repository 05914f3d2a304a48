"""The import layers of docs/architecture.md hold for every module of src/earlyphase.

The layer table is read from the ``text`` block of docs/architecture.md, so the documentation
and this test cannot disagree. Imports are found with ``ast``: module level, inside functions,
under ``TYPE_CHECKING`` and ``importlib.import_module("earlyphase...")`` with a literal name.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
SRC = ROOT / "src" / "earlyphase"
DOC = ROOT / "docs" / "architecture.md"
PRESENTATION_LIBRARIES = {"typer", "rich", "click", "fastapi", "starlette", "uvicorn"}


def read_layers(text: str) -> dict[str, int]:
    """``package -> layer number`` from the first ```text block after the layers marker."""
    block = text.split("<!-- layers:", 1)[1].split("```text", 1)[1].split("```", 1)[0]
    layers: dict[str, int] = {}
    for line in filter(None, map(str.strip, block.splitlines())):
        m = re.fullmatch(r"(\d+) [^:]+: (.+)", line)
        assert m, f"docs/architecture.md: layer line {line!r} is not 'N name: a, b'"
        for package in (p.strip() for p in m.group(2).split(",")):
            assert package not in layers, f"{package} is in two layers"
            layers[package] = int(m.group(1))
    return layers


def package_of(module: str) -> str:
    """``earlyphase.pk.nca.auc`` -> ``pk``; ``earlyphase`` -> ``__init__``."""
    parts = module.split(".")
    return parts[1] if len(parts) > 1 else "__init__"


def module_name(path: Path, src: Path) -> str:
    rel = path.relative_to(src.parent).with_suffix("")
    parts = list(rel.parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imports_of(source: str, module: str, is_package: bool) -> list[tuple[str, int]]:
    """Every module named by an import in ``source`` (absolute names), with its line."""
    found: list[tuple[str, int]] = []
    base = module.split(".") if is_package else module.split(".")[:-1]
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [(a.name, node.lineno) for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                anchor = base[: len(base) - node.level + 1]
                name = ".".join([*anchor, *([node.module] if node.module else [])])
            else:
                name = node.module or ""
            found.append((name, node.lineno))
            if name == "earlyphase":  # ``from earlyphase import cli`` names the package
                found += [(f"{name}.{a.name}", node.lineno) for a in node.names]
        elif (
            isinstance(node, ast.Call)
            and node.args
            and isinstance(node.args[0], ast.Constant)
            and isinstance(node.args[0].value, str)
            and (
                (isinstance(node.func, ast.Attribute) and node.func.attr == "import_module")
                or (
                    isinstance(node.func, ast.Name)
                    and node.func.id in {"import_module", "__import__"}
                )
            )
        ):
            found.append((node.args[0].value, node.lineno))
    return found


def violations(
    modules: dict[str, tuple[str, bool]], layers: dict[str, int]
) -> tuple[list[str], dict[str, set[str]]]:
    """Layer breaches and presentation-library imports; the package import graph."""
    problems: list[str] = []
    graph: dict[str, set[str]] = {}
    top = max(layers.values())
    for module, (source, is_package) in sorted(modules.items()):
        own = package_of(module)
        if own not in layers:
            problems.append(f"{module}: package {own!r} is not in the layer table of {DOC.name}")
            continue
        for name, line in imports_of(source, module, is_package):
            root = name.split(".")[0]
            if root in PRESENTATION_LIBRARIES and layers[own] < top:
                problems.append(f"{module}:{line} imports {name} (presentation library)")
            if root != "earlyphase" or name == "earlyphase":
                continue
            target = package_of(name)
            if target not in layers:
                # ``from earlyphase import errors`` names a module; ``earlyphase.x`` may be a
                # function re-exported by the package root
                if (SRC / f"{target}.py").exists() or (SRC / target).is_dir():
                    problems.append(f"{module}:{line} imports {name}: {target!r} not in the table")
                continue
            if layers[target] > layers[own]:
                problems.append(
                    f"{module}:{line} imports {name}: layer {layers[own]} ({own}) must not "
                    f"import layer {layers[target]} ({target})"
                )
            if target != own:
                graph.setdefault(own, set()).add(target)
    return problems, graph


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Package import cycles (each found once, as a path)."""
    found: list[list[str]] = []
    state: dict[str, int] = {}

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for nxt in sorted(graph.get(node, ())):
            if state.get(nxt) == 1:
                found.append([*path[path.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt, [*path, nxt])
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [node])
    return found


def load_modules() -> dict[str, tuple[str, bool]]:
    return {
        module_name(path, SRC): (path.read_text(encoding="utf-8"), path.name == "__init__.py")
        for path in sorted(SRC.rglob("*.py"))
    }


def test_no_module_imports_a_higher_layer():
    problems, graph = violations(load_modules(), read_layers(DOC.read_text(encoding="utf-8")))
    assert not problems, "\n".join(problems)
    assert not cycles(graph), f"package import cycles: {cycles(graph)}"


def test_every_package_is_in_the_table():
    layers = read_layers(DOC.read_text(encoding="utf-8"))
    packages = {p.stem if p.is_file() else p.name for p in SRC.iterdir()}
    packages = {p for p in packages if not p.startswith(".") and p not in {"py", "__pycache__"}}
    code = {p for p in packages if (SRC / p).is_dir() or (SRC / f"{p}.py").is_file()}
    data_only = {p for p in code if (SRC / p).is_dir() and not any((SRC / p).rglob("*.py"))}
    assert code - data_only - set(layers) == set()


# ----------------------------------------------------------------- the checker itself can fail
LAYERS = {"cli": 3, "cdisc": 2, "clinical": 1, "stats": 1, "errors": 0, "__init__": 0}


@pytest.mark.parametrize(
    ("module", "source", "expected"),
    [
        ("earlyphase.clinical.dlt", "from earlyphase.cdisc.terms import X", "layer 1 (clinical)"),
        ("earlyphase.clinical.dlt", "def f():\n    import earlyphase.cli\n", "layer 3 (cli)"),
        ("earlyphase.clinical.imwg.x", "from ...cdisc import terms", "earlyphase.cdisc"),
        (
            "earlyphase.stats.x",
            "import importlib\nimportlib.import_module('earlyphase.cdisc.io')",
            "earlyphase.cdisc.io",
        ),
        (
            "earlyphase.stats.x",
            "from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from earlyphase import cli\n",
            "earlyphase.cli",
        ),
        ("earlyphase.cdisc.x", "from rich.console import Console", "presentation library"),
        ("earlyphase.newthing.x", "import os", "'newthing' is not in the layer table"),
    ],
)
def test_checker_reports_a_breach(module, source, expected):
    problems, _ = violations({module: (source, False)}, LAYERS)
    assert any(expected in p for p in problems), problems


def test_checker_accepts_downward_and_reports_cycles():
    modules = {
        "earlyphase.cdisc.a": (
            "from earlyphase.clinical import b\nimport earlyphase.errors",
            False,
        ),
        "earlyphase.clinical.b": ("from earlyphase.stats import c", False),
        "earlyphase.stats.c": ("from earlyphase.clinical import b", False),
    }
    problems, graph = violations(modules, LAYERS)
    assert problems == []
    assert cycles(graph) == [["clinical", "stats", "clinical"]]

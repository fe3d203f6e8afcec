"""The package's layers and their import rules.

Five layers, lowest first: `definition` (YAML reader, models, loading, Result),
`engine` (answers, scoring, measures, assessment), and above them `report`, `analysis`,
`interop` (FHIR) and `tooling`. A module imports only from its own layer or lower ones; the two
lowest never reach up, except through the lazy calls listed in `UPWARD`. Imports, lazy ones
included (but for those calls), form no cycle.
"""

from __future__ import annotations

import ast
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

PACKAGE = Path(__file__).resolve().parents[1] / "src" / "risk_scoring"
LOWER = ("definition", "engine")
UPPER = ("report", "analysis", "interop", "tooling", "server")
RANK = {
    "definition": 0,
    "engine": 1,
    "report": 2,
    "analysis": 2,
    "interop": 2,
    "tooling": 3,
    "server": 3,
}
UPWARD = {
    # (importing module, function that imports lazily, imported module)
    ("definition.instrument", "assess", "engine.assessment"),
    ("definition.instrument", "_repr_html_", "report.cards"),
    ("definition.result", "_repr_html_", "report.cards"),
}


def _modules() -> dict[str, Path]:
    found = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE).with_suffix("").parts
        if parts[-1] == "__init__":
            parts = parts[:-1]
        found[".".join(parts)] = path
    return found


def _imports(name: str, path: Path) -> Iterator[tuple[str, str | None, bool]]:
    """(imported module, enclosing function or None, under TYPE_CHECKING) per import."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name.split(".") if path.name == "__init__.py" else name.split(".")[:-1]

    def resolve(node: ast.ImportFrom) -> list[str]:
        if node.level == 0:
            if not (node.module or "").startswith("risk_scoring"):
                return []
            base = (node.module or "").split(".")[1:]
        else:
            base = package[: len(package) - node.level + 1] + (node.module or "").split(".")
            base = [b for b in base if b]
        known = _modules()
        out = []
        for alias in node.names:
            full = ".".join([*base, alias.name])
            out.append(full if full in known else ".".join(base))
        return out

    def visit(
        node: ast.AST, function: str | None, typing_only: bool
    ) -> Iterator[tuple[str, str | None, bool]]:
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.ImportFrom):
                for target in resolve(child):
                    yield target, function, typing_only
            elif isinstance(child, (ast.FunctionDef, ast.AsyncFunctionDef)):
                yield from visit(child, function or child.name, typing_only)
            elif isinstance(child, ast.If) and "TYPE_CHECKING" in ast.dump(child.test):
                yield from visit(child, function, True)
            else:
                yield from visit(child, function, typing_only)

    yield from visit(tree, None, False)


def _layer(module: str) -> str | None:
    head = module.split(".")[0]
    return head if head in RANK else None


def test_lower_layers_never_import_from_report_analysis_or_tooling() -> None:
    wrong = []
    for name, path in _modules().items():
        layer = _layer(name)
        if layer not in LOWER:
            continue
        for target, function, typing_only in _imports(name, path):
            other = _layer(target)
            if other is None or typing_only or RANK[other] <= RANK[layer]:
                continue
            if (name, function, target) not in UPWARD:
                wrong.append(f"{name} ({function or 'module level'}) imports {target}")
    assert wrong == []


def test_the_definition_layer_needs_only_pydantic_and_pyyaml() -> None:
    allowed = {"pydantic", "pydantic_core", "yaml", "__future__"}  # pydantic_core is pydantic's
    wrong = []
    for name, path in _modules().items():
        if _layer(name) != "definition":
            continue
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                roots = [alias.name.split(".")[0] for alias in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0:
                roots = [(node.module or "").split(".")[0]]
            else:
                continue
            wrong += [
                f"{name} imports {root}"
                for root in roots
                if root not in allowed
                and root not in sys.stdlib_module_names
                and root != "risk_scoring"
            ]
    assert wrong == []


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    graph: dict[str, set[str]] = {name: set() for name in modules}
    for name, path in modules.items():
        for target, function, typing_only in _imports(name, path):
            lazy_upward = (name, function, target) in UPWARD
            if not typing_only and not lazy_upward and target in modules and target != name:
                graph[name].add(target)
    return graph


def test_imports_form_no_cycle() -> None:
    graph = _graph()
    cycles: list[list[str]] = []
    state: dict[str, int] = {}
    stack: list[str] = []

    def visit(node: str) -> None:
        state[node] = 1
        stack.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                cycles.append([*stack[stack.index(nxt) :], nxt])
            elif nxt not in state:
                visit(nxt)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node)
    assert cycles == []


@pytest.mark.parametrize("layer", [*LOWER, *UPPER])
def test_each_layer_is_a_package(layer: str) -> None:
    assert (PACKAGE / layer / "__init__.py").is_file()

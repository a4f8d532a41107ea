"""The layering of the package, read from the source: the engine imports nothing of the care model or
of the outer layer, the care model nothing of the outer layer, and no module imports itself round a
cycle. Imports inside functions count too: a late import is still a dependency."""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

from tests.conftest import ROOT

PACKAGE = ROOT / "caresim"

# Each layer and the layers it may import, bottom to top.
ALLOWED = {
    "caresim.sim": {"caresim.sim"},
    "caresim.models": {"caresim.sim", "caresim.models"},
}


def module_name(path: Path, root: Path = ROOT) -> str:
    parts = path.relative_to(root).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def imported(path: Path, root: Path = ROOT) -> set[str]:
    """The caresim modules a source file imports, at any depth of its code."""
    names: set[str] = set()
    name = module_name(path, root)
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.rsplit(".", node.level - 1)[0] if node.level > 1 else package
                target = f"{base}.{node.module}" if node.module else base
            else:
                target = node.module or ""
            names.add(target)
            names.update(f"{target}.{alias.name}" for alias in node.names)
    return {name for name in names if name == "caresim" or name.startswith("caresim.")}


SOURCES = {module_name(path): path for path in sorted(PACKAGE.rglob("*.py"))}


def layer(module: str) -> str:
    for name in ALLOWED:
        if module == name or module.startswith(name + "."):
            return name
    return "caresim"


@pytest.mark.parametrize("module", sorted(SOURCES))
def test_no_module_imports_a_layer_above_its_own(module):
    allowed = ALLOWED.get(layer(module))
    if allowed is None:
        return  # the outer layer may import everything below it
    upward = sorted(
        name for name in imported(SOURCES[module]) if name in SOURCES and layer(name) not in allowed
    )
    assert not upward, f"{module} ({layer(module)}) imports {upward}"


def test_no_cycle_among_the_modules_imported_at_load_time():
    """A cycle of top-level imports: each module of it needs another half-loaded to load."""
    graph: dict[str, set[str]] = {}
    for module, path in SOURCES.items():
        tree = ast.parse(path.read_text(encoding="utf-8"))
        top = ast.Module(
            body=[n for n in tree.body if isinstance(n, ast.Import | ast.ImportFrom)],
            type_ignores=[],
        )
        names: set[str] = set()
        for node in top.body:
            if isinstance(node, ast.ImportFrom) and node.module and not node.level:
                names.add(node.module)
                names.update(f"{node.module}.{a.name}" for a in node.names)
            elif isinstance(node, ast.Import):
                names.update(a.name for a in node.names)
        graph[module] = {n for n in names if n in SOURCES and n != module}

    state: dict[str, int] = {}
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return path[path.index(nxt) :] + [nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        state[node] = 2
        path.pop()
        return None

    for module in sorted(graph):
        if module not in state and (cycle := visit(module)):
            pytest.fail("import cycle: " + " -> ".join(cycle))


def test_the_layer_check_sees_an_upward_import(tmp_path):
    """The check itself: a care-model file importing the outer layer is caught."""
    source = tmp_path / "caresim" / "models" / "bad.py"
    source.parent.mkdir(parents=True)
    source.write_text("def f():\n    from ...runs.stats import t_interval\n")
    found = imported(source, tmp_path)
    assert "caresim.runs.stats" in found
    assert layer("caresim.runs.stats") not in ALLOWED["caresim.models"]

"""The house's floors: each package imports only its own floor and the ones below, and no module
imports itself back through others. Read from the code's own ``import`` statements (lazy ones
and ``TYPE_CHECKING`` ones included): an arrow is an arrow, wherever it is written."""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# Bottom first: pure domain; settings, time formats and small helpers; the database; the bots;
# the jobs that drive them; the web app; entry points and wiring.
FLOORS = ["news", "base", "storage", "bot", "jobs", "web", "loa"]


def _modules() -> dict[str, Path]:
    found = {}
    for package in FLOORS:
        for path in sorted((ROOT / package).rglob("*.py")):
            if "migrations" in path.parts:
                continue
            parts = path.relative_to(ROOT).with_suffix("").parts
            name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
            found[name] = path
    return found


def _imports(name: str, path: Path, known: set[str]) -> set[str]:
    """Loa's modules that ``name`` imports (``from a import b`` counts ``a.b`` when a module)."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            targets = [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
        else:
            continue
        found.update(t for t in targets if t in known and t != name)
    return found


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    return {name: _imports(name, path, set(modules)) for name, path in modules.items()}


def test_every_arrow_points_down_or_sideways() -> None:
    rank = {package: i for i, package in enumerate(FLOORS)}
    upward = sorted(
        f"{name} imports {target}"
        for name, targets in _graph().items()
        for target in targets
        if rank[target.split(".")[0]] > rank[name.split(".")[0]]
    )
    assert upward == []


def test_no_module_imports_itself_back() -> None:
    graph = _graph()
    # Packages import their own modules (re-exports); a circle through a package's
    # __init__ and its child is not a design circle.
    edges = {
        name: {t for t in targets if not name.startswith(t + ".") and not t.startswith(name + ".")}
        for name, targets in graph.items()
    }
    circles: list[list[str]] = []
    state: dict[str, int] = {}  # 1: on the current path, 2: done

    def visit(node: str, path: list[str]) -> None:
        state[node] = 1
        for target in sorted(edges[node]):
            if state.get(target) == 1:
                circles.append([*path[path.index(target) :], target])
            elif target not in state:
                visit(target, [*path, target])
        state[node] = 2

    for node in sorted(edges):
        if node not in state:
            visit(node, [node])
    assert circles == []


def test_the_floors_are_all_of_loa() -> None:
    # A new top-level package must take its floor here, or the checks above would not see it.
    packages = {p.parent.name for p in ROOT.glob("*/__init__.py")} - {"tests"}
    assert packages == set(FLOORS)

"""The shape of the code (docs: ARCHITECTURE, "Shape"): which app may import which, that no app
imports another app's views, and that no two modules import each other, even through a chain.

Read from the source with `ast`, so an import inside a function counts as much as one at the top
of a module: a lazy import that only hides a cycle is still a cycle. Imports under TYPE_CHECKING
count too (a type from a higher layer is still a dependency on it).
"""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]

# Lowest first: an app may import the apps of the layers below its own, never beside or above.
LAYERS = [
    {"lib"}, {"audit"}, {"tenancy"}, {"accounts"}, {"notices"}, {"plans"}, {"indicators"},
    {"progress", "surveys"},
    {"exchange"},  # the plan file; the public pages and the API may publish it (ADR 0007)
    {"reports", "public", "api"},  # nothing imports these but config/urls.py
]
# Glue and tooling that may import anything: the project's settings and URLs, the package itself
# and its console script, the demo loader, backup and restore (every model), and the tests with
# their helpers.
FREE = {"config", "sasaeai", "__main__", "demo", "backup", "tests", "testing", "testing_smtp",
        "conftest"}

# Imports against the direction of the layers, each with why it is there. A debt is written as
# one; the test below fails when an entry is no longer needed, so the list only shrinks.
EXCEPTIONS = {
    # By design: the get_<thing>_for_user() helpers live in accounts and fetch plans through a
    # user's standing (ARCHITECTURE, "Where logic lives").
    ("sasaeai.accounts.access", "sasaeai.plans.models"),
    # Debt: the audit label and the security log name the actor's memberships; the standing
    # should be handed to audit by its callers instead of audit reading accounts.
    ("sasaeai.audit.actions", "sasaeai.accounts.models"),
    # Debt: the client address helper belongs in lib (it reads the request only).
    ("sasaeai.audit.security", "sasaeai.accounts.throttle"),
    # Debt: the plan pages count and list each element's indicators; a plan-level summary that
    # indicators provides would turn this around.
    ("sasaeai.plans.views", "sasaeai.indicators.models"),
    # Debt: the municipality's home page lists its plans and asks the user's standing; it is the
    # entry page of everything above tenancy.
    ("sasaeai.tenancy.views", "sasaeai.accounts.access"),
    ("sasaeai.tenancy.views", "sasaeai.plans.models"),
}


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


@cache
def modules() -> dict[str, Path]:
    paths = [*ROOT.glob("sasaeai/**/*.py"), *ROOT.glob("config/*.py")]
    return {module_name(p): p for p in paths}


def imported_modules(name: str, path: Path) -> set[str]:
    """The project's modules this module imports, anywhere in it (the deepest module a dotted
    name belongs to: `from a.b import c` imports the module a.b.c if there is one, else a.b)."""
    known = modules()
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                parts = package.split(".")
                base = ".".join([*parts[: len(parts) - node.level + 1],
                                 *([node.module] if node.module else [])])
            names.update(f"{base}.{alias.name}" if f"{base}.{alias.name}" in known else base
                         for alias in node.names)
    found = set()
    for dotted in names:
        while dotted and dotted not in known:
            dotted = dotted.rpartition(".")[0]
        if dotted and dotted != name:
            found.add(dotted)
    return found


@cache
def graph() -> dict[str, set[str]]:
    """Module → the project's modules it imports."""
    return {name: imported_modules(name, path) for name, path in modules().items()}


def app_of(module: str) -> str:
    parts = module.split(".")
    if parts[0] != "sasaeai" or len(parts) == 1:
        return parts[0]
    if "tests" in parts:
        return "tests"
    return parts[1]


def layer_of(app: str) -> int | None:
    return next((n for n, layer in enumerate(LAYERS) if app in layer), None)


def is_views(module: str) -> bool:
    last = module.rpartition(".")[2]
    return last == "views" or last.startswith("views_")


def against_the_layers() -> set[tuple[str, str]]:
    found = set()
    for module, targets in graph().items():
        app = app_of(module)
        if app in FREE:
            continue
        mine = layer_of(app)
        assert mine is not None, f"{module}: app {app} is in no layer of this test"
        for target in targets:
            other = app_of(target)
            if other == app:
                continue
            theirs = layer_of(other)
            if theirs is None or theirs >= mine:
                found.add((module, target))
    return found


def test_it_sees_every_app_and_imports_inside_functions():
    apps = {app_of(m) for m in modules()}
    assert set().union(*LAYERS) | FREE >= apps
    # charts (matplotlib) is imported inside indicator_detail only.
    assert "sasaeai.indicators.charts" in graph()["sasaeai.indicators.views"]
    assert "sasaeai.reports.packet" in graph()["sasaeai.reports.tasks"]


def test_it_imports_no_other_apps_views():
    crossing = sorted(f"{module} → {target}" for module, targets in graph().items()
                      for target in targets
                      if is_views(target) and app_of(target) != app_of(module)
                      and app_of(module) not in FREE)
    assert crossing == [], "logic two apps need lives in a model, a QuerySet, actions or a module"


def test_it_points_every_dependency_one_way():
    wrong = sorted(f"{m} → {t}" for m, t in against_the_layers() - EXCEPTIONS)
    assert wrong == []


def test_it_lists_only_exceptions_that_still_exist():
    assert sorted(EXCEPTIONS - against_the_layers()) == []


def test_it_has_no_import_cycles():
    edges = graph()
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    cycles: list[list[str]] = []

    def visit(node: str) -> None:  # Tarjan's strongly connected components
        index[node] = low[node] = len(index)
        stack.append(node)
        for target in edges[node]:
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    for node in sorted(edges):
        if node not in index:
            visit(node)
    assert cycles == []

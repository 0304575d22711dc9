"""No view, API endpoint, action or template decides access on its own (ARCHITECTURE.md).

Every rule lives in `sasaeai.accounts.access` (the `Standing` and its `can_*` questions) and the
thin fetchers built on it (`progress.access`, `surveys.access`). The code is read with `ast`:

- views and the API never raise PermissionDenied themselves (they call `forbid_unless`, whose
  403 carries the Japanese message), never call `hide_unless` (what is hidden is hidden by the
  fetchers, as a 404), and never raise Http404 on an access condition;
- views, the API, actions, importers and commands never read `is_superuser`, `Membership`, a
  membership's role or a standing's role flags: they ask a `can_*` question;
- views never compare a status: the models name their states (`cycle.is_open_for_input`…);
- templates never compare status strings either.
"""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
ACCESS_MODULES = {ROOT / "accounts" / "access.py", ROOT / "progress" / "access.py",
                  ROOT / "surveys" / "access.py"}
VIEW_MODULES = sorted({*ROOT.glob("*/views*.py"), ROOT / "api" / "api.py"})
# audit/actions.py lies below accounts: it lists memberships to name who acted, deciding nothing.
WRITING_MODULES = sorted({*ROOT.glob("*/actions.py"), ROOT / "exchange" / "planimport.py",
                          ROOT / "exchange" / "planupdate.py", ROOT / "reports" / "packet.py",
                          *ROOT.glob("*/management/commands/*.py")}
                         - {ROOT / "audit" / "actions.py"})
# Who someone is, rather than what they may do: only the access modules read these.
ROLE_NAMES = {"is_superuser", "Membership", "secretariat", "committee", "viewer", "staff_orgs",
              "superuser", "roles", "shakyo_orgs", "reads_everything"}
MEMBERSHIP_ROLES = {"secretariat", "staff", "committee", "viewer",
                    "SECRETARIAT", "STAFF", "COMMITTEE", "VIEWER"}
ACCESS_WORDS = re.compile(r"standing|user|can_|is_member|secretariat|superuser|role")
STATUS_COMPARISON = re.compile(
    r"""status\s*(==|!=)|(==|!=)\s*[\w.]*status\b|status\s+(not\s+)?in\b""")


def names_in(node: ast.AST) -> set[str]:
    found = set()
    for child in ast.walk(node):
        if isinstance(child, ast.Name):
            found.add(child.id)
        elif isinstance(child, ast.Attribute):
            found.add(child.attr)
    return found


def raised(node: ast.Raise) -> str:
    exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
    if isinstance(exc, ast.Name):
        return exc.id
    return exc.attr if isinstance(exc, ast.Attribute) else ""


def role_reads(tree: ast.AST) -> list[str]:
    """Every read of who someone is (`user.is_superuser`, `standing.secretariat`,
    `Membership`, `m.role == …`)."""
    found = []
    for node in ast.walk(tree):
        name = (node.id if isinstance(node, ast.Name)
                else node.attr if isinstance(node, ast.Attribute) else None)
        if name in ROLE_NAMES:
            found.append(f"line {node.lineno}: {name}")  # type: ignore[attr-defined]
        if isinstance(node, ast.Compare) and any(
                isinstance(n, ast.Attribute) and n.attr == "role" for n in ast.walk(node)) and any(
                (isinstance(n, ast.Constant) and n.value in MEMBERSHIP_ROLES)
                or (isinstance(n, ast.Attribute) and n.attr in MEMBERSHIP_ROLES)
                for n in ast.walk(node)):
            found.append(f"line {node.lineno}: compares a membership role")
    return found


def decisions_in_view(tree: ast.AST) -> list[str]:
    """Access decided in a view module rather than asked of the access module."""
    found = role_reads(tree)
    parents = {child: parent for parent in ast.walk(tree) for child in ast.iter_child_nodes(parent)}
    for node in ast.walk(tree):
        if isinstance(node, ast.Raise) and node.exc is not None:
            kind = raised(node)
            if kind == "PermissionDenied":
                found.append(f"line {node.lineno}: raises PermissionDenied itself")
            if kind == "Http404":
                parent = parents.get(node)
                while parent is not None and not isinstance(parent, ast.If):
                    parent = parents.get(parent)
                test = parent.test if isinstance(parent, ast.If) else None
                if test is None or any(ACCESS_WORDS.search(n) for n in names_in(test)):
                    found.append(f"line {node.lineno}: raises Http404 on an access condition")
        if isinstance(node, ast.Call):
            func = node.func
            name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", "")
            if name == "hide_unless":
                found.append(f"line {node.lineno}: hides an object itself (a fetcher's job)")
        if isinstance(node, ast.Compare) and any(
                isinstance(n, ast.Attribute) and n.attr == "status" for n in ast.walk(node)):
            found.append(f"line {node.lineno}: compares a status")
    return found


def parse(path: Path) -> ast.AST:
    return ast.parse(path.read_text(encoding="utf-8"), filename=str(path))


def test_it_finds_every_kind_of_decision_a_view_could_take():
    """The check is not trivially satisfied: each way of deciding access alone is caught."""
    samples = {
        "if not standing.secretariat:\n    raise PermissionDenied": 2,
        "if request.user.is_superuser:\n    pass": 1,
        "Membership.objects.filter(user=u)": 1,
        "if m.role == Membership.Role.STAFF:\n    pass": 2,
        "if m.role in {'staff', 'viewer'}:\n    pass": 1,
        "if not standing.can_view_cycle(c):\n    raise Http404": 1,
        "if cycle.status in {S.COLLECTING}:\n    pass": 1,
        "hide_unless(standing.can_view_packets(c))": 1,
    }
    for code, count in samples.items():
        assert len(decisions_in_view(ast.parse(code))) == count, code
    allowed = ("if not (code.isdigit() and len(code) == 6):\n    raise Http404\n"
               "forbid_unless(standing.can_edit_entry(e, c), '編集できません。')\n"
               "if cycle.is_open_for_input:\n    pass")
    assert decisions_in_view(ast.parse(allowed)) == []


def test_it_reads_every_views_module_and_the_api():
    names = {p.relative_to(ROOT).as_posix() for p in VIEW_MODULES}
    assert {"progress/views.py", "indicators/views_import.py", "api/api.py",
            "reports/views.py", "surveys/views.py"} <= names
    assert not ACCESS_MODULES & set(VIEW_MODULES)


@pytest.mark.parametrize("path", VIEW_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_view_decides_access_by_itself(path: Path):
    assert decisions_in_view(parse(path)) == []


@pytest.mark.parametrize("path", WRITING_MODULES, ids=lambda p: p.relative_to(ROOT).as_posix())
def test_no_action_importer_or_command_reads_roles_itself(path: Path):
    assert role_reads(parse(path)) == []


def test_no_template_compares_a_status_string():
    offenders = [f"{t.relative_to(ROOT)}:{n}"
                 for t in sorted(ROOT.glob("**/templates/**/*.html"))
                 for n, line in enumerate(t.read_text(encoding="utf-8").splitlines(), 1)
                 if STATUS_COMPARISON.search(line)]
    assert offenders == []

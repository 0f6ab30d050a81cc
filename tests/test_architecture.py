"""The shape of the code, checked: every app has the same rooms, dependencies point down with no circle, every
model has a permission policy. README "Kiến trúc" and CONTRIBUTING describe the rules; a change that breaks one
fails here with what to do."""

from __future__ import annotations

import ast
import re
from pathlib import Path

import pytest

SRC = Path(__file__).resolve().parents[1] / "src" / "dangbo"
# Apps from the bottom layer to the top: a module may import its own app and the apps below it.
LAYERS = [
    "core", "audit", "accounts", "organizations", "jobs", "members", "meetings", "steering", "evaluation", "dues",
    "reports", "api", "workspace", "demo",
]  # fmt: skip
# Rooms of an app (a module or a package of that name). UI rooms compose pages and may read any app below the
# workspace; the others are the domain and keep strictly to the layers.
DOMAIN_ROOMS = {
    "apps", "models", "choices", "rules", "services", "selectors", "policies", "filters", "documents", "jobs",
    "imports", "exports",
}  # fmt: skip
# api/schemas: the JSON API (django-ninja) and its shapes — a UI like the pages, for other programs.
UI_ROOMS = {"views", "forms", "urls", "context_processors", "api", "schemas"}
FOLDERS = {"migrations", "management", "templates", "docx_templates", "data", "static"}
# core is infrastructure, not a domain app: its modules are named for what they do.
INFRASTRUCTURE = {"core", "demo", "jobs"}
# Apps split into feature packages, each with the rooms (models and choices stay at the app level).
FEATURE_PACKAGES: dict[str, set[str]] = {
    "audit": {"concurrency"},
    "evaluation": {"evidence"},
    "members": {"admission", "counts", "history", "letters"},
    "organizations": {"tree"},
    "reports": {"rollups"},
    "steering": {"documents", "support", "targets", "tasks"},
}

# Known departures still being removed (issue 12). Each entry must still be a departure: the test fails when one
# is fixed, so that the list only shrinks.
PENDING_ROOMS: set[str] = set()
PENDING_LAYERS: set[tuple[str, str]] = set()


def _modules() -> dict[str, Path]:
    out = {}
    for path in SRC.rglob("*.py"):
        rel = path.relative_to(SRC)
        if "migrations" in rel.parts:
            continue
        parts = list(rel.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts = parts[:-1]
        out[".".join(["dangbo", *parts])] = path
    return out


MODULES = _modules()


def _imports(name: str, path: Path) -> set[str]:
    """The dangbo modules ``name`` imports anywhere in its body (function-level imports count)."""
    package = name if path.name == "__init__.py" else name.rsplit(".", 1)[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        targets = []
        if isinstance(node, ast.Import):
            targets = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[: len(base) - node.level + 1]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            targets = [module] + [f"{module}.{a.name}" for a in node.names]
        for t in targets:
            while t and t not in MODULES:
                t = t.rpartition(".")[0]
            if t.startswith("dangbo.") and t != name:
                found.add(t)
    return found


GRAPH = {name: _imports(name, path) for name, path in MODULES.items()}


def _app(module: str) -> str | None:
    parts = module.split(".")
    return parts[1] if len(parts) > 2 or (len(parts) == 2 and (SRC / parts[1]).is_dir()) else None


def _room(module: str) -> str | None:
    parts = module.split(".")
    if len(parts) < 3:
        return None
    app, first = parts[1], parts[2]
    if first in FEATURE_PACKAGES.get(app, ()) and len(parts) > 3:
        return parts[3]
    return first


def test_core_imports_no_domain_app():
    bad = sorted(
        f"{m} → {t}" for m, targets in GRAPH.items() if _app(m) == "core"
        for t in targets if _app(t) not in (None, "core")
    )  # fmt: skip
    assert bad == [], "core is below every app (move the code up, or offer a registry in core/registries.py)"


def test_dependencies_point_down():
    rank = {app: i for i, app in enumerate(LAYERS)}
    found = set()
    for m, targets in GRAPH.items():
        app = _app(m)
        if app not in rank:
            continue
        ui = _room(m) in UI_ROOMS
        ceiling = rank["workspace"] - 1 if ui else rank[app]
        for t in targets:
            other = _app(t)
            if other in rank and other != app and rank[other] > ceiling:
                found.add((m, t))
    assert found - PENDING_LAYERS == set(), (
        "import from a higher layer: offer a registry (core/registries.py) instead"
    )
    assert PENDING_LAYERS - found == set(), "fixed: remove these from PENDING_LAYERS"


def test_no_import_cycles():
    """Tarjan's strongly connected components over every import (function-level ones too)."""
    index, low, stack, on_stack, cycles = {}, {}, [], set(), []
    counter = [0]

    def visit(v):
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on_stack.add(v)
        for w in GRAPH.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on_stack:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            component = []
            while True:
                w = stack.pop()
                on_stack.discard(w)
                component.append(w)
                if w == v:
                    break
            if len(component) > 1:
                cycles.append(sorted(component))

    import sys

    sys.setrecursionlimit(10_000)
    for v in GRAPH:
        if v not in index:
            visit(v)
    assert cycles == []


def test_every_app_has_the_same_rooms():
    strays = set()
    for app_dir in sorted(p for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()):
        app = app_dir.name
        if app in INFRASTRUCTURE or app not in LAYERS:
            continue
        allowed = (
            DOMAIN_ROOMS | UI_ROOMS | FOLDERS | FEATURE_PACKAGES.get(app, set()) | {"__init__", "__pycache__"}
        )
        for entry in app_dir.iterdir():
            name = entry.stem if entry.suffix == ".py" else entry.name
            if entry.suffix not in ("", ".py") or name not in allowed:
                if entry.suffix in ("", ".py"):
                    strays.add(f"{app}/{entry.name}")
        for feature in FEATURE_PACKAGES.get(app, ()):
            for entry in (app_dir / feature).glob("*"):
                name = entry.stem if entry.suffix == ".py" else entry.name
                if entry.suffix in ("", ".py") and name not in DOMAIN_ROOMS | UI_ROOMS | {
                    "__init__",
                    "__pycache__",
                }:
                    strays.add(f"{app}/{feature}/{entry.name}")
    assert strays - PENDING_ROOMS == set(), (
        "a module outside the rooms: put it in the room its content belongs to"
    )
    assert PENDING_ROOMS - strays == set(), "fixed: remove these from PENDING_ROOMS"


def test_selectors_never_import_services():
    """Services write, selectors read (the HackSoft styleguide): a service may use a selector, a read never depends on a
    write. A read that a selector needs from a services module belongs in a selectors module."""
    bad = sorted(
        f"{m} → {t}" for m, targets in GRAPH.items() if _room(m) == "selectors"
        for t in targets if _room(t) == "services"
    )  # fmt: skip
    assert bad == [], "move the read into the selectors.py of its package"


def test_services_define_no_reads_of_scope():
    """What a user may see or do (``*_scope``, ``can_*``) is read in selectors.py over ``core.policies`` (or decided in
    the policies), never defined in a services module."""
    found = sorted(
        f"{m}.{node.name}" for m, path in MODULES.items() if _room(m) == "services"
        for node in ast.parse(path.read_text()).body
        if isinstance(node, ast.FunctionDef) and (node.name.endswith("_scope") or node.name.startswith("can_"))
    )  # fmt: skip
    assert found == [], "move it to the selectors.py of its package"


# What the rule of a scope is made of: the reach of the role rules (``accounts.policies.reach``, ``may``), the
# organization work (``work_reach``/``work_q``/``work_scope``), the administrator test, the tops of a reach, and a
# reach's answer for one row (``.covers``). Only the policies (``*/policies.py``) and the machinery under them
# (``core/policies.py``, and ``accounts/selectors.py`` that reads the grants) call them; everything else asks
# ``core.policies``: ``scope``, ``can``, ``get_scoped_or_404``, ``where`` (the typed reach), ``anywhere``, ``in_state``.
SCOPE_PREDICATES = {
    "is_root", "reach", "work_reach", "work_q", "work_scope", "roots", "may", "member_reach", "staff_reach",
    "covers", "can_manage_accounts",
}  # fmt: skip
SCOPE_MACHINERY = {"dangbo.core.policies", "dangbo.accounts.selectors"}
# Functions that answer a scope (``*_scope``) or a permission (``can_*``) are defined in the policies only.
# Known departures still being removed (issue 12). Each entry must still be a departure: the test fails when one
# is fixed, so that the list only shrinks.
PENDING_SCOPE_DEFINITIONS: set[str] = set()


def _calls(path: Path) -> set[str]:
    found = set()
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Call):
            f = node.func
            found.add(f.id if isinstance(f, ast.Name) else f.attr if isinstance(f, ast.Attribute) else "")
    return found


def test_scope_predicates_live_in_the_policies():
    """``grep`` finds no scope predicate outside the policies: a view, selector, service, job or template tag that
    needs one asks ``core.policies`` (CONTRIBUTING: who may see or change what)."""
    found = sorted(
        f"{m}: {name}()" for m, path in MODULES.items()
        if _room(m) != "policies" and m not in SCOPE_MACHINERY
        for name in _calls(path) & SCOPE_PREDICATES
    )  # fmt: skip
    assert found == [], (
        "ask core.policies (scope, can, where, anywhere), or add an action to the model's policy"
    )


def test_scope_and_permission_functions_are_defined_in_the_policies():
    found = {
        f"{m}.{node.name}" for m, path in MODULES.items() if _room(m) != "policies"
        for node in ast.walk(ast.parse(path.read_text()))
        if isinstance(node, ast.FunctionDef) and (node.name.rstrip("_").endswith("_scope") or node.name.startswith("can_"))
    }  # fmt: skip
    assert found - PENDING_SCOPE_DEFINITIONS == set(), (
        "call core.policies.scope/can where it is needed, or make it an action of the model's policy"
    )
    assert PENDING_SCOPE_DEFINITIONS - found == set(), "fixed: remove these from PENDING_SCOPE_DEFINITIONS"


def test_only_the_accounts_policies_hold_the_role_rules():
    """What each role may do where (``RULES``) is policy data: defined in ``accounts/policies.py`` only."""
    holders = sorted(m for m, path in MODULES.items() if re.search(r"^RULES\b[^=]*=", path.read_text(), re.M))
    assert holders == ["dangbo.accounts.policies"]


@pytest.mark.django_db
def test_every_model_has_a_policy():
    from django.apps import apps

    from dangbo.core import policies

    missing = sorted(
        m._meta.label for m in apps.get_models()
        if m.__module__.startswith("dangbo.") and m not in policies.registered()
    )  # fmt: skip
    assert missing == [], "register a policy in the app's policies.py (CONTRIBUTING: add a model)"


def test_domain_code_never_imports_the_template_library():
    users = sorted(m for m, targets in GRAPH.items() if "dangbo.core.templatetags.vn" in targets
                   and _room(m) not in UI_ROOMS and _app(m) not in (None,) and ".templatetags." not in m)  # fmt: skip
    assert users == [], "format with dangbo.core.formats"


def test_pages_save_forms_through_the_one_edit_view():
    """form → service → message → redirect is written once (``core.views.form_page``): a page's view never calls
    the form helpers under it."""
    import re

    helpers = re.compile(r"\b(save_form|run_service|check_with_service)\(")
    found = sorted(str(p.relative_to(SRC)) for p in SRC.rglob("views.py")
                   if p.parent.name != "core" and helpers.search(p.read_text(encoding="utf-8")))  # fmt: skip
    assert found == [], "save the form with core.views.form_page (CONTRIBUTING: an edit page)"


def test_layers_name_every_app():
    apps = {p.name for p in SRC.iterdir() if p.is_dir() and (p / "__init__.py").exists()} - {"formats"}
    assert apps <= set(LAYERS), f"place the new app in LAYERS: {sorted(apps - set(LAYERS))}"


def test_graph_sees_the_imports():
    """The checks above are only as good as the graph: it must see a known relative and a known absolute import."""
    assert "dangbo.core.policies" in GRAPH["dangbo.organizations.policies"]
    assert any(t.startswith("dangbo.members.") for t in GRAPH["dangbo.members.apps"])

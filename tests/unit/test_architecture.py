"""Dependencies point one way: domains -> anonymity, and chorus/ wires them together."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("governance", "proposals", "feedback")


def imported_packages(package: str) -> dict[str, set[str]]:
    """Each module of the package, and the top-level packages it imports."""
    return {
        module: {name.split(".")[0] for name in names}
        for module, names in imported_modules(package).items()
    }


def test_anonymity_imports_no_domain_and_no_web_code():
    forbidden = {*DOMAINS, "chorus", "starlette", "jinja2", "httpx"}
    for module, names in imported_packages("anonymity").items():
        assert not names & forbidden, f"{module} imports {names & forbidden}"


def test_proposals_know_nothing_of_governance_or_feedback():
    for module, names in imported_packages("proposals").items():
        assert not names & {"governance", "feedback"}, module


def test_feedback_knows_nothing_of_proposals():
    for module, names in imported_packages("feedback").items():
        assert "proposals" not in names, module


# The shell and the domains ------------------------------------------------------------

WIRING = {"chorus/app.py", "chorus/__main__.py"}  # the one place that knows the domains
PACKAGES = ("chorus", "governance", "proposals", "feedback", "anonymity")


def test_the_shell_imports_no_domain_but_in_its_one_wiring_module():
    importing = {
        module
        for module, names in imported_packages("chorus").items()
        if names & {*DOMAINS, "anonymity"} - {"anonymity"} or "chorus.app" in names
    }
    assert importing <= WIRING, f"only chorus/app.py may import a domain: {importing - WIRING}"


def imported_modules(package: str) -> dict[str, set[str]]:
    """Each module of the package, and the full names of the modules it imports."""
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module)
        found[str(path.relative_to(ROOT))] = names
    return found


def node_of(module: str) -> str:
    """The package a module counts under; the wiring module is a node of its own."""
    path = module if module.endswith(".py") else module.replace(".", "/") + ".py"
    if path in WIRING or module in {"chorus.app", "chorus.__main__"}:
        return "wiring"
    return module.split("/")[0].split(".")[0]


def package_graph() -> dict[str, set[str]]:
    graph: dict[str, set[str]] = {}
    for package in PACKAGES:
        for module, names in imported_modules(package).items():
            edges = {node_of(name) for name in names if name.split(".")[0] in PACKAGES}
            graph.setdefault(node_of(module), set()).update(edges - {node_of(module)})
    return graph


def cycle_in(graph: dict[str, set[str]]) -> list[str] | None:
    """A cycle of the graph as a path of nodes, or None."""
    visiting: list[str] = []
    done: set[str] = set()

    def visit(node: str) -> list[str] | None:
        if node in visiting:
            return [*visiting[visiting.index(node) :], node]
        if node in done:
            return None
        visiting.append(node)
        for following in sorted(graph.get(node, ())):
            found = visit(following)
            if found:
                return found
        visiting.pop()
        done.add(node)
        return None

    for node in sorted(graph):
        found = visit(node)
        if found:
            return found
    return None


def test_no_import_cycle_between_packages():
    graph = package_graph()
    assert graph["wiring"] >= {"chorus", "governance", "proposals"}
    assert cycle_in(graph) is None, f"packages import each other: {cycle_in(graph)}"


def test_the_cycle_finder_finds_a_cycle():
    assert cycle_in({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert cycle_in({"a": {"b"}, "b": set()}) is None


def test_role_names_are_defined_once():
    """Only chorus/roles.py spells the roles out; everyone else names them through Role."""
    spelled = re.compile(r"""["'](member|ally|lead|committee|steward|provider)["']""")
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" in path.parts or path.name == "roles.py":
                continue
            found = spelled.findall(path.read_text())
            assert not found, f"{path.relative_to(ROOT)} spells out roles {found}"


def test_every_route_belongs_to_a_domain(app):
    """A route registered anywhere but in a domain's list (chorus.domain) fails here."""
    from chorus.app import DOMAINS as WIRED

    routes_of_domains = {id(route) for domain in WIRED for route in domain.routes}
    outside = [route.path for route in app.routes if id(route) not in routes_of_domains]
    assert outside == [], f"routes outside any domain: {outside}"
    assert len(app.routes) == len(routes_of_domains)


def test_each_domain_package_exposes_one_domain_object():
    from chorus.app import DOMAINS as WIRED
    from chorus.domain import Domain

    for domain in WIRED:
        if domain.name in ("chorus", "anonymity"):
            continue  # the shell's own pages, and the library's tables, are wired in chorus/
        package = importlib.import_module(domain.name)
        assert isinstance(package.domain, Domain)
        assert package.domain is domain


def test_what_each_domain_names_exists():
    """Its templates folder, its message catalog in every language, its migrations."""
    from chorus.app import DOMAINS as WIRED

    languages = [path.name for path in (ROOT / "locales").iterdir() if path.is_dir()]
    assert "fr" in languages
    for domain in WIRED:
        if domain.templates:
            assert (ROOT / "templates" / domain.templates).is_dir(), domain.name
        for language in languages:
            catalog = ROOT / "locales" / language / "LC_MESSAGES" / f"{domain.messages}.po"
            assert catalog.is_file(), (domain.name, language)
        if domain.models:
            assert domain.migrations, domain.name
            importlib.import_module(domain.migrations)
            for module in domain.models:
                importlib.import_module(module)


# Thin routes --------------------------------------------------------------------------

QUERIES = {"filter", "get", "get_or_none", "all", "exists", "create", "select_for_update"}


def route_modules() -> dict[str, Path]:
    """Every module of a domain that registers routes (a top-level `routes = [...]`), by
    its dotted name; the modules beside them in routes/ (shared helpers) register none."""
    found = {}
    for package in DOMAINS:
        for path in (ROOT / package).rglob("*.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            assigns = [node for node in tree.body if isinstance(node, ast.Assign)]
            if (
                any(
                    isinstance(target, ast.Name) and target.id == "routes"
                    for node in assigns
                    for target in node.targets
                )
                and path.name != "__init__.py"
            ):
                dotted = ".".join(path.relative_to(ROOT).with_suffix("").parts)
                found[dotted] = path
    return found


def models_named(tree: ast.Module) -> set[str]:
    """The names a module imports from a models module (its tables)."""
    return {
        alias.asname or alias.name
        for node in ast.walk(tree)
        if isinstance(node, ast.ImportFrom) and node.module and node.module.endswith(".models")
        for alias in node.names
    }


def test_route_modules_query_no_model_and_import_no_other_route_module():
    modules = route_modules()
    assert len(modules) >= 8
    room = {
        ".".join(path.relative_to(ROOT).with_suffix("").parts): path
        for package in DOMAINS
        for path in (ROOT / package).rglob("*.py")
        if path.name == "routes.py" or path.parent.name == "routes"
    }
    for dotted, path in (room | modules).items():
        tree = ast.parse(path.read_text(), filename=str(path))
        tables = models_named(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                imported = {node.module, *(f"{node.module}.{a.name}" for a in node.names)}
                others = sorted(imported & set(modules) - {dotted}) if dotted in modules else []
                assert not others, f"{path.relative_to(ROOT)} imports route modules {others}"
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Attribute)
                and isinstance(node.func.value, ast.Name)
                and node.func.value.id in tables
                and node.func.attr in QUERIES
            ):
                where = f"{path.relative_to(ROOT)}:{node.lineno}"
                raise AssertionError(f"{where} queries {node.func.value.id} (a service's job)")


# Names that mean one thing ------------------------------------------------------------

ROOMS = {"__init__", "models", "service", "routes", "forms", "errors", "jobs", "demo"}


def test_a_module_name_means_one_thing_across_packages():
    """The same rooms in every domain share their names; any other module name is used by
    one package only (chorus/scrubbing.py beside anonymity/scrubbing.py read as one)."""
    packages_of: dict[str, set[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("*.py"):
            if "migrations" not in path.parts and path.stem not in ROOMS:
                packages_of.setdefault(path.stem, set()).add(package)
    shared = {name: found for name, found in packages_of.items() if len(found) > 1}
    assert shared == {}, f"module names used by several packages: {shared}"


def test_a_class_of_the_tables_is_defined_once():
    defined: dict[str, list[str]] = {}
    for package in PACKAGES:
        for path in (ROOT / package).rglob("models.py"):
            tree = ast.parse(path.read_text(), filename=str(path))
            for node in tree.body:
                if isinstance(node, ast.ClassDef):
                    defined.setdefault(node.name, []).append(str(path.relative_to(ROOT)))
    twice = {name: where for name, where in defined.items() if len(where) > 1}
    assert twice == {}, f"defined in several models: {twice}"


def test_every_domain_has_the_same_rooms():
    rooms = ("models", "service", "routes", "forms", "errors")
    for folder in ("governance", "governance/identity", "proposals"):
        for room in rooms:
            here = ROOT / folder
            assert (here / f"{room}.py").is_file() or (here / room / "__init__.py").is_file(), (
                f"{folder} has no {room}"
            )

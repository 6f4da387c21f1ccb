"""Dependencies point one way: domains -> anonymity, and chorus/ wires them together."""

from __future__ import annotations

import ast
import importlib
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
DOMAINS = ("governance", "proposals", "feedback")


def imported_packages(package: str) -> dict[str, set[str]]:
    found: dict[str, set[str]] = {}
    for path in (ROOT / package).rglob("*.py"):
        tree = ast.parse(path.read_text(), filename=str(path))
        names = set()
        for node in ast.walk(tree):
            if isinstance(node, ast.Import):
                names |= {alias.name.split(".")[0] for alias in node.names}
            elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
                names.add(node.module.split(".")[0])
        found[str(path.relative_to(ROOT))] = names
    return found


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

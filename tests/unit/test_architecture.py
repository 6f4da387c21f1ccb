"""Dependencies point one way: domains -> anonymity, and chorus/ wires them together."""

from __future__ import annotations

import ast
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

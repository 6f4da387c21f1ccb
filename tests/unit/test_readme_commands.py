"""The README's commands work for a newcomer: after `make setup` or `make demo` the
`chorus` command is `.venv/bin/chorus` (uv lives in `.tools/`, not on PATH), and the
settings it shows for acting on the demo are the ones `chorus demo` uses."""

from __future__ import annotations

import re
from pathlib import Path

from chorus.cli import DEMO_DIRECTORY

README = (Path(__file__).parents[2] / "README.md").read_text(encoding="utf-8")
SHELL_BLOCKS = re.findall(r"```sh\n(.*?)```", README, flags=re.S)


def commands() -> list[str]:
    lines = [line.split("#", 1)[0].strip() for block in SHELL_BLOCKS for line in block.splitlines()]
    return [line for line in lines if line]


def test_every_shell_command_is_one_a_newcomer_has():
    assert commands()
    allowed = ("make ", "export ", ".venv/bin/chorus ", "CHORUS_")
    assert [line for line in commands() if not line.startswith(allowed)] == []
    assert not re.search(r"(?m)^\s*uv run", README)


def test_the_readme_says_how_to_point_chorus_at_the_demo():
    exported = dict(
        line.removeprefix("export ").split("=", 1)
        for line in commands()
        if line.startswith("export ")
    )
    demo = [block for block in SHELL_BLOCKS if "var/demo" in block]
    assert demo, "no shell block acts on the demo"
    assert f"CHORUS_DATABASE_URL=sqlite://{DEMO_DIRECTORY}/chorus.sqlite3" in demo[0]
    assert f"CHORUS_KEY_DIRECTORY={DEMO_DIRECTORY}/keys" in demo[0]
    assert ".venv/bin/chorus" in demo[0]
    assert "CHORUS_DATABASE_URL" in exported

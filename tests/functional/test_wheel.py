"""Chorus runs from an installed wheel, not only from the checkout.

The wheel is built with uv from the working tree and listed: code, static
files, templates and compiled catalogs must all be inside it, with the
`chorus` console script. It is then installed into a fresh virtual
environment and run from a directory outside the checkout: `chorus keys
init`, `chorus migrate`, `chorus serve`, then the home page, its stylesheet
and the French home page must all be served.
"""

from __future__ import annotations

import os
import re
import shutil
import signal
import socket
import subprocess
import sys
import time
import zipfile
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

REPO_ROOT = Path(__file__).resolve().parents[2]
HOST = "127.0.0.1"
COMMAND_TIMEOUT_SECONDS = 60
START_TIMEOUT_SECONDS = 30
UV = shutil.which("uv")

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(UV is None, reason="uv is not on PATH: it builds and installs the wheel"),
]

EXPECTED_IN_WHEEL = [
    "chorus/app.py",
    "chorus/cli.py",
    "chorus/migrations/0001_initial.py",
    "governance/__init__.py",
    "chorus/static/htmx.min.js",
    "chorus/static/chorus.css",
    "chorus/_data/templates/base.html",
    "chorus/_data/templates/chorus/home.html",
    "chorus/_data/locales/en/LC_MESSAGES/messages.mo",
    "chorus/_data/locales/fr/LC_MESSAGES/messages.mo",
]
EXPECTED_PACKAGES = ["proposals/", "feedback/", "anonymity/"]


def run(
    command: list[str], cwd: Path | None = None, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """Run a command to completion; on failure, show what it printed."""
    result = subprocess.run(
        command,
        cwd=cwd,
        env=env,
        capture_output=True,
        text=True,
        timeout=COMMAND_TIMEOUT_SECONDS,
        check=False,
    )
    if result.returncode != 0:
        pytest.fail(f"{' '.join(command)} failed:\n{result.stdout}\n{result.stderr}")
    return result


def compile_catalogs_if_stale() -> None:
    """What `make setup` does, when needed: the wheel ships compiled catalogs (*.mo, not in git)."""
    catalogs = list((REPO_ROOT / "locales").glob("*/LC_MESSAGES/messages.po"))
    assert catalogs, "no catalogs under locales/"
    compiled = [po.with_suffix(".mo") for po in catalogs]
    if all(
        mo.is_file() and mo.stat().st_mtime >= po.stat().st_mtime
        for po, mo in zip(catalogs, compiled, strict=True)
    ):
        return
    pybabel = [sys.executable, "-m", "babel.messages.frontend"]
    run([*pybabel, "compile", "-d", "locales", "-D", "messages"], cwd=REPO_ROOT)


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    assert UV is not None
    compile_catalogs_if_stale()
    out = tmp_path_factory.mktemp("wheel")
    run([UV, "build", "--wheel", "--out-dir", str(out)], cwd=REPO_ROOT)
    [built] = out.glob("chorus-*.whl")
    return built


def test_the_wheel_holds_code_static_files_templates_and_catalogs(wheel: Path) -> None:
    with zipfile.ZipFile(wheel) as archive:
        names = archive.namelist()
        [entry_points] = [name for name in names if name.endswith(".dist-info/entry_points.txt")]
        scripts = archive.read(entry_points).decode()

    missing = [name for name in EXPECTED_IN_WHEEL if name not in names]
    assert missing == [], f"missing from the wheel: {missing}"
    for package in EXPECTED_PACKAGES:
        assert any(name.startswith(package) for name in names), f"no {package} in the wheel"
    assert re.search(r"^chorus\s*=\s*chorus\.app:main$", scripts, re.MULTILINE), scripts


# --- The installed wheel, run from elsewhere ---------------------------------------------------


def install(wheel: Path, venv: Path) -> Path:
    """A fresh virtual environment holding only the wheel and its dependencies."""
    assert UV is not None
    run([UV, "venv", "--quiet", "--python", sys.executable, str(venv)])
    python = venv / "bin" / "python"
    run([UV, "pip", "install", "--quiet", "--python", str(python), str(wheel)])
    return venv / "bin"


def environment_outside_checkout(workdir: Path) -> dict[str, str]:
    """No CHORUS_* settings, no path back to the checkout; the database and keys in workdir."""
    kept = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CHORUS_", "PYTHON", "VIRTUAL_ENV", "UV_"))
    }
    return kept | {
        "CHORUS_DATABASE_URL": f"sqlite://{workdir / 'x.sqlite3'}",
        "CHORUS_KEY_DIRECTORY": str(workdir / "keys"),
    }


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


@pytest.fixture(scope="module")
def installed(
    wheel: Path, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Path, Path, dict[str, str]]:
    """The venv's bin directory, a working directory outside the checkout, its environment."""
    bin_directory = install(wheel, tmp_path_factory.mktemp("venv") / "venv")
    workdir = tmp_path_factory.mktemp("elsewhere")
    return bin_directory, workdir, environment_outside_checkout(workdir)


@pytest.fixture
def served(installed: tuple[Path, Path, dict[str, str]]) -> Iterator[str]:
    """`chorus keys init`, `chorus migrate`, then `chorus serve`; yields the base URL."""
    bin_directory, workdir, env = installed
    chorus = str(bin_directory / "chorus")
    run([chorus, "keys", "init"], cwd=workdir, env=env)
    run([chorus, "migrate"], cwd=workdir, env=env)
    port = free_port()
    log = workdir / "serve.log"
    with log.open("wb") as output:
        server = subprocess.Popen(
            [chorus, "serve", "--host", HOST, "--port", str(port)],
            cwd=workdir,
            env=env,
            stdout=output,
            stderr=subprocess.STDOUT,
        )
    try:
        wait_until_listening(server, port, log)
        yield f"http://{HOST}:{port}"
    finally:
        server.send_signal(signal.SIGINT)
        try:
            server.wait(timeout=15)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait()


def wait_until_listening(server: subprocess.Popen[bytes], port: int, log: Path) -> None:
    deadline = time.monotonic() + START_TIMEOUT_SECONDS
    while time.monotonic() < deadline:
        if server.poll() is not None:
            pytest.fail(f"chorus serve exited early:\n{log.read_text(errors='replace')}")
        try:
            socket.create_connection((HOST, port), timeout=1).close()
            return
        except OSError:
            time.sleep(0.1)
    pytest.fail(f"chorus serve did not listen within {START_TIMEOUT_SECONDS} s")


def test_the_installed_wheel_finds_its_data_inside_the_environment(
    installed: tuple[Path, Path, dict[str, str]],
) -> None:
    bin_directory, workdir, env = installed
    show = (
        "from chorus import resources as r; print(r.templates_directory(), r.locales_directory())"
    )
    printed = run([str(bin_directory / "python"), "-c", show], cwd=workdir, env=env).stdout
    templates, locales = (Path(path) for path in printed.split())
    venv = bin_directory.parent.resolve()
    assert templates.is_relative_to(venv) and templates.is_dir()
    assert locales.is_relative_to(venv) and locales.is_dir()


def test_the_installed_wheel_sets_up_and_serves_pages_in_every_language(served: str) -> None:
    with httpx.Client(base_url=served, timeout=10) as http:
        home = http.get("/", headers={"Accept-Language": "en"})
        assert home.status_code == 200
        assert "Exit this page" in home.text

        stylesheet = re.search(r'href="(/static/[^"]+\.css)"', home.text)
        assert stylesheet, "the home page links no stylesheet"
        css = http.get(stylesheet.group(1))
        assert css.status_code == 200
        assert css.headers["content-type"].startswith("text/css")

        french = http.get("/", headers={"Accept-Language": "fr"})
        assert french.status_code == 200
        assert "Quitter cette page" in french.text

"""The package as a user installs it: dependencies that match the imports, and a wheel
that runs every non-optional command with no extras, and the demo with ``[demo]``."""

from __future__ import annotations

import ast
import json
import os
import signal
import subprocess
import sys
import time
import tomllib
import urllib.request
from collections.abc import Iterator
from importlib.metadata import packages_distributions
from pathlib import Path

import pytest
from packaging.requirements import Requirement
from packaging.utils import canonicalize_name

from syndicator.demo.portal import ReplicaPortal
from tests.support.configs import write_config
from tests.support.net import free_port

ROOT = Path(__file__).parents[2]
PACKAGE = ROOT / "syndicator"
PYPROJECT = tomllib.loads((ROOT / "pyproject.toml").read_text("utf-8"))
# Read by the standard library (zoneinfo), never imported by name.
DATA_ONLY = {"tzdata"}
# Optional packages, imported only where the feature needs them (and checked for first),
# by the extra that installs them.
OPTIONAL_IMPORTS = {"apprise": "apprise"}


def _names(requirements: list[str]) -> set[str]:
    return {canonicalize_name(Requirement(r).name) for r in requirements}


def _imports(path: Path) -> set[str]:
    """Top-level names of the third-party modules a file imports, anywhere in it."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text("utf-8"))):
        if isinstance(node, ast.Import):
            found |= {alias.name.partition(".")[0] for alias in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.partition(".")[0])
    return {name for name in found if name not in sys.stdlib_module_names} - {"syndicator"}


def _distributions(modules: set[str]) -> set[str]:
    owners = packages_distributions()
    return {canonicalize_name(d) for module in modules for d in owners.get(module, [module])}


def imports_by_extra() -> dict[str, set[str]]:
    """Distributions the package imports: "" for the paths every install runs, else by
    the extra whose feature imports them."""
    out: dict[str, set[str]] = {"": set(), "demo": set(), "apprise": set()}
    for path in PACKAGE.rglob("*.py"):
        relative = path.relative_to(PACKAGE).as_posix()
        for module in _imports(path):
            extra = OPTIONAL_IMPORTS.get(module, "demo" if relative.startswith("demo/") else "")
            out[extra] |= _distributions({module})
    return out


def test_runtime_dependencies_are_exactly_what_the_package_imports() -> None:
    runtime = _names(PYPROJECT["project"]["dependencies"])
    used = imports_by_extra()
    assert used[""] == runtime - DATA_ONLY
    extras = PYPROJECT["project"]["optional-dependencies"]
    assert used["demo"] - runtime == _names(extras["demo"])
    assert used["apprise"] - runtime == _names(extras["apprise"])
    # psycopg is loaded by SQLAlchemy for postgresql+psycopg:// URLs, never by name.
    assert _names(extras["postgres"]) == {"psycopg"}


# ------------------------------------------------------------ the wheel, installed plain


@pytest.fixture(scope="module")
def plain_venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtualenv holding the wheel built from this checkout and nothing else of ours."""
    work = tmp_path_factory.mktemp("install")
    wheels = work / "wheels"
    run(
        [sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "-w", str(wheels), str(ROOT)],
        timeout=300,
    )
    [wheel] = wheels.glob("syndicator-*.whl")
    venv = work / "venv"
    run([sys.executable, "-m", "venv", str(venv)], timeout=120)
    pip = [str(venv / "bin" / "python"), "-m", "pip"]
    run([*pip, "install", "-q", "--upgrade", "pip"], timeout=300)
    run([*pip, "install", "-q", str(wheel)], timeout=600)
    (work / "wheel").write_text(str(wheel))
    return venv


def run(
    argv: list[str], *, timeout: float, cwd: Path | None = None, check: bool = True
) -> subprocess.CompletedProcess[str]:
    # A clean environment: nothing of this checkout on the path.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "VIRTUAL_ENV")}
    result = subprocess.run(
        argv, capture_output=True, text=True, timeout=timeout, cwd=cwd or ROOT.parent, env=env
    )
    if check:
        assert result.returncode == 0, (argv, result.stdout, result.stderr)
    return result


@pytest.fixture
def served_portal(clock: object) -> Iterator[ReplicaPortal]:
    with ReplicaPortal(now=clock) as portal:  # type: ignore[arg-type]
        yield portal


@pytest.mark.slow
def test_plain_install_runs_every_non_optional_command(
    plain_venv: Path, served_portal: ReplicaPortal, tmp_path: Path
) -> None:
    syndicator = str(plain_venv / "bin" / "syndicator")
    python = str(plain_venv / "bin" / "python")
    # Not this checkout's package: the installed one, from site-packages.
    where = run([python, "-c", "import syndicator; print(syndicator.__file__)"], timeout=60)
    assert "site-packages" in where.stdout and str(ROOT) not in where.stdout
    missing = run(
        [
            python,
            "-c",
            "import importlib.util as u; print([m for m in "
            "('aiosmtpd', 'standardwebhooks', 'psycopg', 'apprise', 'pytest') if u.find_spec(m)])",
        ],
        timeout=60,
    )
    assert missing.stdout.strip() == "[]"

    assert "syndicator" in run([syndicator, "--help"], timeout=60).stdout
    checked = run([syndicator, "check", "-c", str(ROOT / "config" / "syndicator.yaml")], timeout=60)
    assert "zgkjcx/kjyw" in checked.stdout

    case = json.loads((ROOT / "tests/data/articles/zgkjcx_custom.json").read_text("utf-8"))
    page = ROOT / "tests/data/articles/zgkjcx_custom.html"
    extracted = run([syndicator, "extract", str(page), "--url", case["url"]], timeout=60)
    assert json.loads(extracted.stdout)["title"] == case["expected"]["title"]

    config = write_config(tmp_path, served_portal)
    once = run(
        [syndicator, "run", "-c", str(config), "--once", "--out", str(tmp_path / "out")],
        timeout=120,
        cwd=tmp_path,
    )
    assert "zgkjcx/kjyw" in once.stderr
    feed = (tmp_path / "out" / "feeds" / "zgkjcx" / "kjyw.atom").read_bytes()
    assert feed.count(b"<entry>") >= 10

    # What needs an extra says which, in one line, and exits 2.
    demo = run([syndicator, "demo", "--port", str(free_port())], timeout=60, check=False)
    assert demo.returncode == 2
    assert demo.stderr.strip().splitlines() == [
        "syndicator: demo needs the [demo] extra, not installed here: "
        "pip install 'syndicator[demo]'"
    ]
    pg = tmp_path / "pg.yaml"
    pg.write_text(
        config.read_text("utf-8").replace(
            config.read_text("utf-8").splitlines()[0],
            "storage: postgresql+psycopg://u@127.0.0.1/db",
        )
    )
    refused = run([syndicator, "check", "-c", str(pg)], timeout=60, check=False)
    assert refused.returncode == 2
    assert "[postgres] extra" in refused.stderr and len(refused.stderr.splitlines()) == 1


@pytest.mark.slow
def test_demo_extra_runs_the_demo(plain_venv: Path, tmp_path: Path) -> None:
    wheel = (plain_venv.parent / "wheel").read_text()
    run(
        [str(plain_venv / "bin" / "python"), "-m", "pip", "install", "-q", f"{wheel}[demo]"],
        timeout=600,
    )
    port = free_port()
    proc = subprocess.Popen(
        [str(plain_venv / "bin" / "syndicator"), "demo", "--port", str(port)],
        cwd=tmp_path,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    try:
        deadline = time.monotonic() + 60
        entries = 0
        while time.monotonic() < deadline and entries == 0:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/feeds/all.atom") as answer:
                    entries = answer.read().count(b"<entry>")
            except OSError:
                time.sleep(0.3)
        assert entries > 0
        proc.send_signal(signal.SIGINT)
        assert proc.wait(timeout=30) == 0
    finally:
        if proc.poll() is None:
            proc.kill()
            proc.wait()

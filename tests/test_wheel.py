"""Installed as a user installs it: the built wheel, not editable, in a fresh venv, run from another folder.

The venv has no system site-packages, so a dependency missing from pyproject.toml fails here. pip's cache
makes the install take seconds once the dependencies have been downloaded.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import zipfile
from collections.abc import Sequence
from importlib.metadata import version
from pathlib import Path

import pytest

from tests.support.provider import run_provider

# Builds the wheel and installs it into a new venv: the full tier (tests/conftest.py).
pytestmark = pytest.mark.full

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "shop"
VERSION = version("atlas-provider")  # of the checkout's own (editable) install
# What a source checkout holds that is not the project (the copy leaves them out; the tests and bench stay in,
# so that the wheel is shown to leave them out itself).
NOT_SOURCE = shutil.ignore_patterns(".git", ".venv*", "build", "dist", "*.egg-info", "__pycache__", ".*_cache",
                                    ".hypothesis", ".work", ".venvs", "results")


def run(command: Sequence[str | Path], cwd: Path) -> subprocess.CompletedProcess[str]:
    # The project's own PYTHONPATH (if any) must not leak in: the installed copy alone should answer.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME", "VIRTUAL_ENV")}
    env["PIP_DISABLE_PIP_VERSION_CHECK"] = "1"
    return subprocess.run([str(part) for part in command], cwd=cwd, env=env, stdin=subprocess.DEVNULL,
                          capture_output=True, text=True, timeout=600, check=False)


def succeed(command: Sequence[str | Path], cwd: Path) -> str:
    result = run(command, cwd)
    assert result.returncode == 0, f"{' '.join(map(str, command))}:\n{result.stdout}\n{result.stderr}"
    return result.stdout


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The project's wheel, built by pip from a copy of the source tree (so the checkout gets no build/)."""
    source = tmp_path_factory.mktemp("source") / "atlas-provider"
    shutil.copytree(ROOT, source, ignore=NOT_SOURCE)
    out = tmp_path_factory.mktemp("wheel")
    succeed([sys.executable, "-m", "pip", "wheel", "-q", "--no-deps", "--wheel-dir", out, source], cwd=out)
    (built,) = out.glob("atlas_provider-*.whl")
    return built


@pytest.fixture(scope="module")
def installed(wheel: Path, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The bin/ folder of a fresh venv (no system site-packages) with the wheel and its dependencies."""
    venv = tmp_path_factory.mktemp("venv")
    succeed([sys.executable, "-m", "venv", venv], cwd=venv)
    succeed([venv / "bin" / "python", "-m", "pip", "install", "-q", wheel], cwd=venv)
    return venv / "bin"


def test_wheel_holds_the_package_and_nothing_else(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    assert "atlas_provider/py.typed" in names
    assert "atlas_provider/__main__.py" in names
    assert {name.split("/")[0] for name in names} == {"atlas_provider", f"atlas_provider-{VERSION}.dist-info"}
    assert not [name for name in names if "tests/" in name or "bench/" in name]


def test_installed_script_prints_the_example_from_another_folder(installed: Path, tmp_path: Path) -> None:
    command = [installed / "atlas-provider", "--path", EXAMPLE, "--dialect", "postgresql"]
    result = run(command, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("CREATE TABLE ") >= 5
    # the same bytes as the source checkout prints
    from_checkout = run_provider("--path", str(EXAMPLE), "--dialect", "postgresql", cwd=tmp_path)
    assert result.stdout == from_checkout.stdout
    # and it is the installed copy that answered, not the checkout
    located = succeed([installed / "python", "-c", "import atlas_provider; print(atlas_provider.__file__)"],
                      cwd=tmp_path)
    assert Path(located.strip()).is_relative_to(installed.parent)


def test_installed_module_reports_its_version(installed: Path, tmp_path: Path) -> None:
    reported = succeed([installed / "python", "-m", "atlas_provider", "--version"], cwd=tmp_path)
    assert reported == f"atlas-provider {VERSION}\n"

"""Every model module is compiled from the bytes its file holds now, whichever loader imports it, and nothing
is written into the user's tree.

CPython trusts a `__pycache__/*.pyc` whose recorded mtime (whole seconds) and size match the source. Each test
leaves one there, as the user's own runs of the application do, then edits the file within the same second to
the same size, through one way of loading model code: a folder on `sys.path`, an editable install (the `.pth`
kind that adds the project's folder, and setuptools' `__editable__` finder kind), a plugin loaded with
`importlib.util.spec_from_file_location`, and `runpy`. The provider runs as Atlas does, with the interpreter's
defaults (bytecode writing on).
"""

from __future__ import annotations

import os
import py_compile
import subprocess
import sys
import textwrap
from importlib.util import cache_from_source
from pathlib import Path

import pytest
import sqlalchemy

from atlas_provider.freshsource import BytecodeStore, store_folder
from tests.models import ROOT
from tests.property.layouts import EDITABLE_FINDER

OLD = """\
import sqlalchemy as sa

metadata = sa.MetaData()
payments = sa.Table("payments", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("amount_old", sa.Numeric(12, 2)))
"""
NEW = OLD.replace("amount_old", "amount_new")

PLUGIN_HOST = {
    "spec_from_file_location": """\
        import importlib.util
        from pathlib import Path

        _file = Path(__file__).parent.parent / "plugins" / "payments.py"
        _spec = importlib.util.spec_from_file_location("plugins_payments", _file)
        payments = importlib.util.module_from_spec(_spec)
        _spec.loader.exec_module(payments)
        metadata = payments.metadata
        """,
    "runpy.run_path": """\
        import runpy
        from pathlib import Path

        metadata = runpy.run_path(str(Path(__file__).parent.parent / "plugins" / "payments.py"))["metadata"]
        """,
    "runpy.run_module": """\
        import runpy

        metadata = runpy.run_module("plugins.payments")["metadata"]
        """,
}


def write(path: Path, text: str) -> Path:
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    return path


def virtual_env(tmp_path: Path) -> tuple[Path, Path]:
    """A fresh virtual environment (its python and site-packages) that sees this environment's packages."""
    home = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / "bin" / "python"
    purelib = Path(subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                                  capture_output=True, text=True, check=True).stdout.strip())
    ours = Path(sqlalchemy.__file__).parent.parent
    write(purelib / "provider.pth", f"import site; site.addsitedir({str(ours)!r})\n{ROOT}\n")
    return python, purelib


def layout(kind: str, tmp_path: Path) -> tuple[Path, list[str], Path]:
    """The model file, the provider's command (python and arguments) and its working directory, for `kind`."""
    python = Path(sys.executable)
    if kind == "sys.path":
        write(tmp_path / "app" / "__init__.py", "")
        return write(tmp_path / "app" / "models.py", OLD), [str(python), "--path", "app"], tmp_path
    if kind.startswith("editable"):
        project = tmp_path / "project" / "src"
        source = write(project / "shopapp" / "__init__.py", OLD)  # a flat layout's package, the model in it
        python, purelib = virtual_env(tmp_path)
        if kind == "editable .pth":
            write(purelib / "__editable__.shopapp-0.1.pth", f"{project}\n")
        else:
            write(purelib / "__editable___shopapp_0_1_finder.py",
                  EDITABLE_FINDER.format(mapping={"shopapp": str(project / "shopapp")}))
            write(purelib / "__editable__.shopapp-0.1.pth",
                  "import __editable___shopapp_0_1_finder; __editable___shopapp_0_1_finder.install()\n")
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        return source, [str(python), "--model", "shopapp"], elsewhere
    if kind == "symlinked module":  # `flit install --symlink` of a one-module project: site-packages links the file
        source = write(tmp_path / "project" / "shopmod.py", OLD)
        python, purelib = virtual_env(tmp_path)
        link = purelib / "shopmod.py"
        link.symlink_to(source)
        py_compile.compile(str(link), cfile=cache_from_source(str(link)), doraise=True)  # where CPython looks
        elsewhere = tmp_path / "elsewhere"
        elsewhere.mkdir()
        return source, [str(python), "--model", "shopmod"], elsewhere
    write(tmp_path / "app" / "__init__.py", PLUGIN_HOST[kind])
    write(tmp_path / "plugins" / "__init__.py", "")
    return write(tmp_path / "plugins" / "payments.py", OLD), [str(python), "--path", "app"], tmp_path


def run(command: list[str], cwd: Path, tmp_path: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONPATH")}
    env["XDG_CACHE_HOME"] = str(tmp_path / "cache")
    python, *args = command
    return subprocess.run([python, "-m", "atlas_provider", *args, "--dialect", "postgresql"], cwd=cwd, env=env,
                          capture_output=True, encoding="utf-8", stdin=subprocess.DEVNULL, timeout=120, check=False)


def files_under(folder: Path) -> set[Path]:
    return {path for path in folder.rglob("*") if "venv" not in path.parts and "cache" not in path.parts}


# Two provider runs each (~3 s): the loaders that once went stale stay in the default tier, the rest run in --full.
@pytest.mark.parametrize("kind", [
    pytest.param("sys.path", marks=pytest.mark.full), pytest.param("editable .pth", marks=pytest.mark.full),
    "editable finder", "spec_from_file_location", pytest.param("symlinked module", marks=pytest.mark.full),
    pytest.param("runpy.run_path", marks=pytest.mark.full),
    pytest.param("runpy.run_module", marks=pytest.mark.full),
])
def test_a_same_second_same_size_edit_is_seen_through_every_loader(kind: str, tmp_path: Path) -> None:
    source, command, cwd = layout(kind, tmp_path)
    py_compile.compile(str(source), cfile=cache_from_source(str(source)), doraise=True)  # the user's own run
    stamp = source.stat().st_mtime_ns
    first = run(command, cwd, tmp_path)
    assert first.returncode == 0, first.stderr
    assert "amount_old" in first.stdout
    before = files_under(tmp_path)

    write(source, NEW)  # the same size, and the same mtime as far as the .pyc can tell
    os.utime(source, ns=(stamp, stamp))
    second = run(command, cwd, tmp_path)

    assert second.returncode == 0, second.stderr
    assert "amount_new" in second.stdout and "amount_old" not in second.stdout
    assert files_under(tmp_path) == before, "the provider wrote into the user's tree"


@pytest.mark.parametrize(("xdg", "home"), [("cache", True), ("", False), ("cache", False)],
                         ids=["relative XDG_CACHE_HOME", "empty HOME", "both"])
def test_a_relative_cache_folder_is_never_used(xdg: str, home: bool, monkeypatch: pytest.MonkeyPatch,
                                               tmp_path: Path) -> None:
    """Atlas runs the provider in the project: a relative cache folder would put the store there. The XDG spec
    says to ignore a relative XDG_CACHE_HOME; without an absolute home there is no store, and code is compiled."""
    project, user = tmp_path / "project", tmp_path / "home"
    project.mkdir()
    monkeypatch.chdir(project)
    monkeypatch.setenv("XDG_CACHE_HOME", xdg)
    monkeypatch.setenv("HOME", str(user) if home else "")
    monkeypatch.setattr(sys, "dont_write_bytecode", False)
    store = BytecodeStore(store_folder())
    code = store.code(str(project / "m.py"), b"x = 1\n", lambda source, path: compile(source, path, "exec"))

    assert code.co_filename == str(project / "m.py")
    assert list(project.iterdir()) == [], "the store was written into the working folder"
    if home:
        assert len(list((user / ".cache" / "atlas-provider" / "bytecode").iterdir())) == 1

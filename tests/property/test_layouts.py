"""Wherever the model lives, the provider finds exactly the tables a plain import of it creates (issue 9).

Hypothesis draws package trees (layouts.py: regular packages, namespace portions, plain folders, relative and
absolute imports, re-exports through ``__init__.py``, an installed copy, several ``--path``s), writes them,
and runs the provider on them as Atlas does, with an environment's ``atlas-provider``. The same modules are
imported by a tiny script in the same environment, which lists every table of every MetaData their globals
reach. Then either the provider printed exactly those tables, or it refused with one line on stderr and
nothing on stdout, which is right only where two plain folders define the same top-level module names.

The environment is a virtual environment (made once per module) that sees the test environment's packages,
so an "installed" package really sits in a venv's site-packages, as in issue 9's first case.

How many examples: ``ATLAS_PROPERTY_EXAMPLES`` (default 15, the CI share); ``test_layouts_long`` (marked
slow) draws another series, 500 by default (README.md).
"""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
import sysconfig
import tempfile
import textwrap
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
from hypothesis import HealthCheck, Phase, event, given, note, settings

from tests.support.sqlsplit import split_statements

from .layouts import Tree, trees

CI_EXAMPLES = int(os.environ.get("ATLAS_PROPERTY_EXAMPLES", "15"))
LONG_EXAMPLES = int(os.environ.get("ATLAS_PROPERTY_EXAMPLES", "500"))

# Lists the tables of every MetaData that the globals of the given modules reach, after importing them.
ORACLE = textwrap.dedent("""
    import importlib, json, sys
    import sqlalchemy as sa
    from sqlalchemy.orm import registry

    def metadata_of(value):
        if isinstance(value, sa.MetaData):
            return value
        if isinstance(value, (sa.Table, registry)):
            return value.metadata
        if isinstance(value, type):
            found = vars(value).get("metadata") or getattr(vars(value).get("__table__"), "metadata", None)
            return found if isinstance(found, sa.MetaData) else None
        return None

    folders, modules = json.loads(sys.argv[1])
    sys.path[:0] = folders
    tables = set()
    for name in modules:
        for value in list(vars(importlib.import_module(name)).values()):
            metadata = metadata_of(value)
            if metadata is not None:
                tables.update(metadata.tables)
    print(json.dumps(sorted(tables)))
""")
CREATE_TABLE = re.compile(r"CREATE TABLE (\w+) \(")


def _settings(examples: int) -> settings:
    phases = [p for p in Phase if p is not Phase.shrink or os.environ.get("ATLAS_PROPERTY_SHRINK", "1") != "0"]
    return settings(max_examples=examples, deadline=None, derandomize=True, database=None, print_blob=True,
                    phases=phases, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])


class Python:
    """A virtual environment whose site-packages sees this one's packages (SQLAlchemy, the provider)."""

    def __init__(self, path: Path) -> None:
        subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(path)], check=True)
        self.python = path / "bin" / "python"
        self.site_packages = Path(subprocess.run(
            [self.python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
            check=True, capture_output=True, text=True).stdout.strip())
        # addsitedir, not a bare path line: it also runs the .pth files there (the provider's editable install).
        ours = sysconfig.get_paths()["purelib"]
        (self.site_packages / "_test_environment.pth").write_text(f"import site; site.addsitedir({ours!r})\n")
        self.provider = path / "bin" / "atlas-provider"
        self.provider.write_text(f"#!{self.python}\nimport sys\nfrom atlas_provider.__main__ import main\n"
                                 "sys.exit(main())\n")
        self.provider.chmod(0o755)

    def run(self, argv: list[str], cwd: Path) -> subprocess.CompletedProcess[str]:
        env = {k: v for k, v in os.environ.items() if k != "PYTHONPATH"}
        return subprocess.run(argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                              encoding="utf-8", timeout=120, check=False)


@pytest.fixture(scope="module")
def python(tmp_path_factory: pytest.TempPathFactory) -> Python:
    return Python(tmp_path_factory.mktemp("layout-venv") / "venv")


@contextmanager
def _written(tree: Tree, python: Python) -> Iterator[Path]:
    with tempfile.TemporaryDirectory(prefix="layout-") as folder:
        for path, source in tree.files.items():
            (Path(folder) / path).parent.mkdir(parents=True, exist_ok=True)
            (Path(folder) / path).write_text(source, encoding="utf-8")
        installed = {Path(p).parts[0] for p in tree.installed}
        try:
            for path, source in tree.installed.items():
                (python.site_packages / path).parent.mkdir(parents=True, exist_ok=True)
                (python.site_packages / path).write_text(source, encoding="utf-8")
            yield Path(folder)
        finally:
            for package in installed:
                shutil.rmtree(python.site_packages / package, ignore_errors=True)


def _check(python: Python, tree: Tree) -> None:
    note(tree.describe())
    for kind in tree.kinds:
        event(kind)
    with _written(tree, python) as folder:
        if not tree.clash:
            query = json.dumps([tree.sys_path, tree.imports])
            oracle = python.run([str(python.python), "-c", ORACLE, query], folder)
            assert oracle.returncode == 0, oracle.stderr
            assert set(json.loads(oracle.stdout)) == tree.tables, "the generator's expectation is off"
        result = python.run([str(python.provider), *tree.args, "--dialect", "sqlite"], folder)
        if result.returncode == 0:
            printed = {m.group(1) for s in split_statements(result.stdout) if (m := CREATE_TABLE.match(s))}
            assert printed == tree.tables, f"exit 0 with other tables than a plain import's\n{result.stderr}"
            event("loaded")
        else:
            event("refused")
            assert result.stdout == "", result.stdout
            assert len(result.stderr.splitlines()) == 1, result.stderr
            assert tree.clash, f"refused a layout that plain Python imports: {result.stderr}"


@given(tree=trees())
@_settings(CI_EXAMPLES)
def test_layouts(python: Python, tree: Tree) -> None:
    _check(python, tree)


@pytest.mark.slow
@given(tree=trees())
@_settings(LONG_EXAMPLES)
def test_layouts_long(python: Python, tree: Tree) -> None:
    _check(python, tree)

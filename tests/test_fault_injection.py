"""A failure while rendering the very last statement must leave stdout empty.

The provider runs on examples/shop in a subprocess whose ``sitecustomize`` wraps the real
``atlas_provider.rendering.compile_sql``, the one function every statement is compiled through. A first
run counts the calls and reports the SQL of the last one, which the test checks is the last statement of
the printed schema; a second run makes exactly that call fail, after every other statement compiled.
If the pipeline stops compiling through ``compile_sql``, the count is 0 and the test says so.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from importlib.util import find_spec
from pathlib import Path

import pytest

from atlas_provider.dialects import REGISTRY
from tests.support.sqlsplit import split_statements

REPO = Path(__file__).resolve().parents[1]

SITECUSTOMIZE = '''
"""Fault injection for tests/test_fault_injection.py: wrap atlas_provider.rendering.compile_sql."""
import atexit, json, os, sys

import atlas_provider.rendering as _rendering
from atlas_provider.errors import RenderError

_real = _rendering.compile_sql
_mode = os.environ["ATLAS_FAULT"]
_at = int(os.environ.get("ATLAS_FAULT_AT", "0"))
_calls = []


def compile_sql(element, adapter, table=None):
    _calls.append(None)
    sql = _real(element, adapter, table)  # the real work is done first: the failure comes after it
    if _mode == "count":
        _calls[-1] = sql
    elif len(_calls) == _at:
        if _mode == "exception":
            raise RuntimeError("injected fault")
        if _mode == "render-error":
            raise RenderError("injected fault", dialect=adapter.name, table=table)
        if _mode == "interrupt":
            raise KeyboardInterrupt
    return sql


def _report():
    # Only the process that rendered reports: the supervising atlas-provider process imports this hook
    # too, but never compiles a statement.
    if _mode == "count" and _calls:
        os.write(2, ("FAULT-REPORT " + json.dumps({"calls": len(_calls), "last": _calls[-1] if _calls else None})
                     + "\\n").encode())


_rendering.compile_sql = compile_sql
atexit.register(_report)
'''


def _dialects() -> list[object]:
    params: list[object] = []
    for name, where in sorted(REGISTRY.items()):
        ready = find_spec(f"atlas_provider.dialects.{where.split(':')[0]}") is not None
        marks = [pytest.mark.skipif(not ready, reason=f"no {name} adapter yet")]
        if name != "postgresql":  # the same pipeline through each other dialect: the full tier
            marks.append(pytest.mark.full)
        params.append(pytest.param(name, marks=marks))
    return params


def run_with_fault(dialect: str, tmp: Path, mode: str, at: int = 0) -> subprocess.CompletedProcess[str]:
    hook = tmp / "fault-hook"
    hook.mkdir(exist_ok=True)
    (hook / "sitecustomize.py").write_text(SITECUSTOMIZE, encoding="utf-8")
    env = {
        **os.environ,
        "PYTHONPATH": os.pathsep.join([str(hook), *filter(None, [os.environ.get("PYTHONPATH")])]),
        "ATLAS_FAULT": mode,
        "ATLAS_FAULT_AT": str(at),
    }
    return subprocess.run([sys.executable, "-m", "atlas_provider", "--path", "shop", "--dialect", dialect],
                          cwd=tmp, env=env, stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8",
                          timeout=120, check=False)


@pytest.fixture
def shop(tmp_path: Path) -> Path:
    shutil.copytree(REPO / "examples" / "shop", tmp_path / "shop", ignore=shutil.ignore_patterns("__pycache__"))
    return tmp_path


EXPECTED = {
    # a bug in the provider or a dialect: one line, no traceback unless asked
    "exception": "atlas-provider: internal error: RuntimeError: injected fault (run with --traceback for details)",
    # one of our errors
    "render-error": "atlas-provider: error: {table} ({dialect}): injected fault",
    # Ctrl-C at the worst moment: a failure like any other, so one line and exit 1
    "interrupt": "atlas-provider: error: interrupted",
}
EXIT = {"exception": 1, "render-error": 1, "interrupt": 1}


@pytest.mark.parametrize("mode", sorted(EXPECTED))
@pytest.mark.parametrize("dialect", _dialects())
def test_failure_on_the_last_statement_leaves_stdout_empty(dialect: str, mode: str, shop: Path) -> None:
    counted = run_with_fault(dialect, shop, "count")
    assert counted.returncode == 0, counted.stderr
    assert "FAULT-REPORT " in counted.stderr, "compile_sql was never called: the pipeline no longer compiles through it"
    report = json.loads(counted.stderr.rsplit("FAULT-REPORT ", 1)[1])
    statements = split_statements(counted.stdout)
    assert len(statements) == report["calls"]
    last = statements[-1]
    assert last.removesuffix(";").strip() == report["last"].strip(), "the last compile_sql call is not the last statement"

    failed = run_with_fault(dialect, shop, mode, at=report["calls"])
    assert failed.stdout == ""
    assert failed.returncode == EXIT[mode], failed.stderr
    line = EXPECTED[mode].format(dialect=dialect, table=_table_of_last_statement(last))
    assert failed.stderr.splitlines() == [line]


def _table_of_last_statement(sql: str) -> str:
    """The table named by the last statement (ALTER TABLE x / CREATE INDEX ... ON x / CREATE TABLE x)."""
    words = sql.replace("(", " ").split()
    upper = [w.upper() for w in words]
    for keyword in ("TABLE", "ON"):
        if keyword in upper:
            name = words[upper.index(keyword) + 1]
            return name.strip('"`[]')
    return ""

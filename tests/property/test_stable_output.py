"""The same model prints the same bytes on every run.

Found by the property test (the CLI's output differed from the in-process one): a table that is copied for
its target (SQLite flattens schemas, ClickHouse always adapts) had its constraints copied in the order of a
Python set, which follows memory addresses and so changes from one process to the next. UNIQUE (a, b) and
UNIQUE (b, a) then swapped places between runs.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from tests.support.provider import run_provider

MODEL = textwrap.dedent("""
    from sqlalchemy import CheckConstraint, Column, Integer, MetaData, String, Table, UniqueConstraint

    metadata = MetaData()
    payload = Table(
        "payload", metadata,
        Column("id", Integer, primary_key=True),
        Column("label", Integer, nullable=False),
        Column("code", String(10), unique=True),
        UniqueConstraint("id", "label"),
        UniqueConstraint("label", "id"),
        CheckConstraint("label >= 0", name="positive"),
        CheckConstraint("label < 100", name="small"),
        schema="sales",
    )
""")


@pytest.mark.parametrize("dialect", ["sqlite", "postgresql", "clickhouse"])
def test_output_is_the_same_on_every_run(dialect: str, tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(MODEL, encoding="utf-8")
    outputs = set()
    for _ in range(6):
        result = run_provider("--path", "app", "--dialect", dialect, cwd=tmp_path)
        assert result.returncode == 0, result.stderr
        outputs.add(result.stdout)
    assert len(outputs) == 1, "the output changed between runs:\n" + "\n----\n".join(sorted(outputs))

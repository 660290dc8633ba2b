"""The DDL command lets the model's modules go once the tables are collected (loading/release.py): model code
that still runs while rendering (a TypeDecorator's methods) keeps working, and the output is what it was."""

from __future__ import annotations

import textwrap
from pathlib import Path

from tests.support.provider import run_provider

TYPES = textwrap.dedent("""
    from sqlalchemy import String
    from sqlalchemy.types import TypeDecorator

    WIDTH = 42  # read while rendering, through the method's globals


    class Code(TypeDecorator):
        impl = String
        cache_ok = True

        def load_dialect_impl(self, dialect):
            from app import sizes  # imported lazily, after the model's modules were let go

            return dialect.type_descriptor(String(WIDTH + sizes.EXTRA))
""")

MODELS = textwrap.dedent("""
    from sqlalchemy import Column, Integer, MetaData, Table

    from app.types import Code

    metadata = MetaData()
    items = Table("items", metadata, Column("id", Integer, primary_key=True), Column("code", Code()))
""")


def test_model_code_run_while_rendering_still_sees_its_module(tmp_path: Path) -> None:
    app = tmp_path / "app"
    app.mkdir()
    (app / "__init__.py").write_text("", encoding="utf-8")
    (app / "types.py").write_text(TYPES, encoding="utf-8")
    (app / "models.py").write_text(MODELS, encoding="utf-8")
    (app / "sizes.py").write_text("EXTRA = 8\n", encoding="utf-8")

    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert "code VARCHAR(50)" in result.stdout

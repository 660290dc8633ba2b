"""The same model prints the same DDL on SQLAlchemy 2.0 and 2.1 (CI's leg sa20 runs this file on 2.0).

Each case is a difference found by running the suite on 2.0.58 and fixed in atlas_provider/compat.py.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tests.dialects import ddl


def numeric_key_model() -> sa.MetaData:
    metadata = sa.MetaData()
    sa.Table("codes", metadata, sa.Column("code", sa.Numeric(4, 0), primary_key=True))
    sa.Table("plain", metadata, sa.Column("id", sa.Integer, primary_key=True))
    return metadata


# The NUMERIC key keeps its type and gets no numbering; the INTEGER key next to it still does.
NUMERIC_KEYS = {
    "postgresql": ("code NUMERIC(4, 0) NOT NULL,", "id SERIAL NOT NULL,"),
    "mysql": ("code NUMERIC(4, 0) NOT NULL,", "id INTEGER NOT NULL AUTO_INCREMENT,"),
    "mariadb": ("code NUMERIC(4, 0) NOT NULL,", "id INTEGER NOT NULL AUTO_INCREMENT,"),
    "mssql": ("code NUMERIC(4, 0) NOT NULL,", "id INTEGER NOT NULL IDENTITY,"),
}


@pytest.mark.parametrize("dialect", sorted(NUMERIC_KEYS))
def test_numeric_primary_key_is_not_autoincrement(dialect: str) -> None:
    codes, plain = ddl(numeric_key_model(), dialect=dialect)
    numeric_line, integer_line = NUMERIC_KEYS[dialect]
    assert codes.splitlines()[1].strip() == numeric_line
    assert plain.splitlines()[1].strip() == integer_line


def test_numeric_primary_key_marked_autoincrement_is_numbered() -> None:
    metadata = sa.MetaData()
    sa.Table("codes", metadata, sa.Column("code", sa.Numeric(4, 0), primary_key=True, autoincrement=True))
    (codes,) = ddl(metadata, dialect="mariadb")
    assert codes.splitlines()[1].strip() == "code NUMERIC(4, 0) NOT NULL AUTO_INCREMENT,"


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_function_defaults_are_parenthesized(dialect: str) -> None:
    metadata = sa.MetaData()
    sa.Table(
        "events", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("added", sa.DateTime, server_default=sa.func.now()),
        sa.Column("token", sa.String(36), server_default=sa.func.uuid()),
    )
    (events,) = ddl(metadata, dialect=dialect)
    lines = [line.strip() for line in events.splitlines()]
    assert "added DATETIME DEFAULT (now())," in lines
    assert "token VARCHAR(36) DEFAULT (uuid())," in lines

"""The default schema is not a schema to create: a model that names it (schema="public" on PostgreSQL, "dbo"
on SQL Server, "default" on ClickHouse) gets its tables without a CREATE SCHEMA the database would refuse
("already exists"). Other schemas are still created. And it is one schema: an object named there and one
left without a schema are the same object."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from atlas_provider.api import build_schema
from atlas_provider.dialects import get_adapter
from atlas_provider.errors import ModelError
from atlas_provider.loading import Model, Origin, table_key
from tests.support import BACKENDS, load_ddl


@pytest.fixture
def fresh_pg() -> Iterator[Engine]:
    """A new empty PostgreSQL database: what the output loads into."""
    with BACKENDS["postgresql"].fresh_database() as engine:
        yield engine


def _model(default: str) -> Model:
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), schema=default)
    sa.Table("plain", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("events", md, sa.Column("id", sa.Integer, primary_key=True), schema="analytics")
    return Model(tables=sorted(md.tables.values(), key=table_key))


@pytest.mark.parametrize("dialect", ["postgresql", "mssql", "clickhouse"])
def test_the_default_schema_is_not_created(dialect: str) -> None:
    default = get_adapter(dialect).default_schema
    assert default
    text = build_schema(_model(default), dialect).text
    creates = [line for line in text.splitlines() if line.startswith(("CREATE SCHEMA", "CREATE DATABASE"))]
    assert len(creates) == 1 and "analytics" in creates[0], text


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_mysql_has_no_named_default_so_every_named_schema_is_a_database(dialect: str) -> None:
    assert get_adapter(dialect).default_schema is None
    text = build_schema(_model("public"), dialect).text
    assert "CREATE SCHEMA public" in text and "CREATE SCHEMA analytics" in text


# --- the default schema is one schema: a table, an index name, an enum type named there and left without a
# schema are one object (identical: emitted once, with a note; different: an error naming both places) -----------

DEFAULTS = ["postgresql", "mssql", "clickhouse", "sqlite"]


def _twice(default: str, *, extra: bool = False, referrer: bool = False) -> Model:
    """`users` in one MetaData and `<default>.users` in another (with one more column when `extra`), and, when
    `referrer`, an `orders` table whose foreign key names the second spelling."""
    plain, named = sa.MetaData(), sa.MetaData(schema=default)
    first = sa.Table("users", plain, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)))
    second = sa.Table("users", named, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)),
                      *([sa.Column("extra", sa.Integer)] if extra else []))
    tables = [first, second]
    if referrer:
        tables.append(sa.Table("orders", named, sa.Column("id", sa.Integer, primary_key=True),
                               sa.Column("user_id", sa.ForeignKey(f"{default}.users.id"))))
    origins = {t.fullname: Origin(f"app/{'a' if t.metadata is plain else 'b'}.py", n) for n, t in enumerate(tables, 3)}
    return Model(tables=sorted(tables, key=table_key), origins=origins)


@pytest.mark.parametrize("dialect", DEFAULTS)
def test_a_table_in_the_default_schema_by_name_and_without_one_is_one_table(dialect: str) -> None:
    default = get_adapter(dialect).default_schema
    schema = build_schema(_twice(default), dialect)
    creates = [s for s in schema.statements if s.startswith("CREATE TABLE")]
    assert len(creates) == 1, schema.text
    assert schema.notes == [f"table 'users' (also as '{default}.users', the same table on {dialect}) is defined 2 "
                            f"times, identically for {dialect} (app/a.py:3, app/b.py:4); it is emitted once"]

    with pytest.raises(ModelError) as error:
        build_schema(_twice(default, extra=True), dialect)
    message = str(error.value)
    assert f"as 'users' at app/a.py:3 and as '{default}.users' at app/b.py:4" in message
    assert "('nothing' at app/a.py:3, 'extra " in message


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_on_mysql_a_named_schema_is_another_database(dialect: str) -> None:
    schema = build_schema(_twice("public", extra=True), dialect)
    assert len([s for s in schema.statements if s.startswith("CREATE TABLE")]) == 2


def test_a_foreign_key_to_the_other_spelling_waits_for_the_table_kept(fresh_pg: Engine) -> None:
    schema = build_schema(_twice("public", referrer=True), "postgresql")
    load_ddl(schema.text, fresh_pg)
    assert sorted(sa.inspect(fresh_pg).get_table_names()) == ["orders", "users"]


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_one_index_name_in_the_default_schema_named_or_not_is_refused(dialect: str) -> None:
    """PostgreSQL and SQLite index names are unique per schema: `ix_email` on `users` and on `main.accounts`
    (SQLite's default) or `public.accounts` collide in the database."""
    default = get_adapter(dialect).default_schema
    md = sa.MetaData()
    sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)),
             sa.Index("ix_email", "email"))
    sa.Table("accounts", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)),
             sa.Index("ix_email", "email"), schema=default)
    with pytest.raises(ModelError, match="index 'ix_email' on .*the name is used on"):
        build_schema(Model(tables=sorted(md.tables.values(), key=table_key)), dialect)


def test_an_enum_type_in_the_default_schema_named_or_not_is_one_type(fresh_pg: Engine) -> None:
    md = sa.MetaData()
    sa.Table("invoices", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("state", sa.Enum("open", "paid", name="state")))
    sa.Table("payments", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("state", sa.Enum("open", "paid", name="state", schema="public")))
    schema = build_schema(Model(tables=sorted(md.tables.values(), key=table_key)), "postgresql")
    assert len([s for s in schema.statements if s.startswith("CREATE TYPE")]) == 1, schema.text
    load_ddl(schema.text, fresh_pg)

"""The default schema is not a schema to create: a model that names it (schema="public" on PostgreSQL, "dbo"
on SQL Server, "default" on ClickHouse) gets its tables without a CREATE SCHEMA the database would refuse
("already exists"). Other schemas are still created."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from atlas_provider.api import build_schema
from atlas_provider.dialects import get_adapter
from atlas_provider.loading import Model, table_key


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

"""SQL Server, offline (no engine here): the exact T-SQL for comments, schemas and boolean defaults."""

from __future__ import annotations

import sqlalchemy as sa

from tests.dialects import cycle_model, ddl, heads, schema_of, stock_model


def test_boolean_defaults_comments_and_schemas_are_valid_t_sql() -> None:
    metadata = sa.MetaData()
    sa.Table(
        "flags",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("a", sa.Boolean, nullable=False, server_default=sa.true(), comment="Shown on the home page"),
        sa.Column("b", sa.Boolean, nullable=False, server_default=sa.text("true")),
        sa.Column("c", sa.Boolean, nullable=False, server_default="false"),
        sa.Column("d", sa.Boolean, nullable=False, server_default=sa.false()),
        sa.Column("e", sa.Boolean, nullable=False, server_default=sa.text(" FALSE ")),
        schema="sales",
        comment="Feature flags",
    )
    sa.Table("notes", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("body", sa.Text, comment="It's free text"))

    assert ddl(metadata, dialect="mssql") == [
        "CREATE SCHEMA sales;",
        "CREATE TABLE notes (\n"
        "\tid INTEGER NOT NULL IDENTITY, \n\tbody VARCHAR(max) NULL, \n\tPRIMARY KEY (id)\n);",
        # comments are extended properties; a table without a schema is in dbo
        "execute sp_addextendedproperty 'MS_Description', N'It''s free text', "
        "'schema', dbo, 'table', notes, 'column', body;",
        # T-SQL has no TRUE/FALSE: a BIT default is 1 or 0
        "CREATE TABLE sales.flags (\n"
        "\tid INTEGER NOT NULL IDENTITY, \n"
        "\ta BIT NOT NULL DEFAULT 1, \n"
        "\tb BIT NOT NULL DEFAULT 1, \n"
        "\tc BIT NOT NULL DEFAULT 0, \n"
        "\td BIT NOT NULL DEFAULT 0, \n"
        "\te BIT NOT NULL DEFAULT 0, \n"
        "\tPRIMARY KEY (id)\n"
        ");",
        "execute sp_addextendedproperty 'MS_Description', N'Feature flags', 'schema', sales, 'table', flags;",
        "execute sp_addextendedproperty 'MS_Description', N'Shown on the home page', "
        "'schema', sales, 'table', flags, 'column', a;",
    ]


def test_everything_the_model_declares_reaches_the_ddl() -> None:
    schema = schema_of(stock_model(), dialect="mssql")

    assert ddl(stock_model(), dialect="mssql") == [
        "CREATE TABLE items (\n"
        "\tid INTEGER NOT NULL IDENTITY(100,1), \n"
        "\tname VARCHAR(50) NOT NULL DEFAULT 'unnamed', \n"
        "\tqty INTEGER NOT NULL DEFAULT 0, \n"
        "\tdouble_qty AS (qty * 2) PERSISTED, \n"
        "\tsize VARCHAR(5) NOT NULL, \n"
        "\tgrade VARCHAR(5) NOT NULL, \n"
        "\tactive BIT NOT NULL DEFAULT 1, \n"
        "\tadded DATETIMEOFFSET NULL DEFAULT CURRENT_TIMESTAMP, \n"
        "\tcode VARCHAR(10) NULL, \n"
        "\tCONSTRAINT pk_items PRIMARY KEY (id), \n"
        "\tCONSTRAINT ck_items_qty_range CHECK (qty >= 0\nAND qty < 1000), \n"
        "\tCONSTRAINT ck_items_item_grade CHECK (grade IN ('small', 'large')), \n"
        "\tCONSTRAINT uq_items_code UNIQUE (code)\n"
        ");",
        "execute sp_addextendedproperty 'MS_Description', N'Stock items', 'schema', dbo, 'table', items;",
        "execute sp_addextendedproperty 'MS_Description', N'Display name', 'schema', dbo, 'table', items, "
        "'column', name;",
        "CREATE INDEX ix_items_name ON items (name) WHERE active = 1;",  # a filtered index
        "CREATE VIEW item_names AS SELECT name FROM items;",
        "CREATE TABLE notes (\n"
        "\tid INTEGER NOT NULL IDENTITY, \n"
        "\titem_id INTEGER NULL, \n"
        "\tCONSTRAINT pk_notes PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_notes_item_id_items FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE\n"
        ");",
    ]
    assert schema.losses.lines() == [
        "mssql: 1 expression index left out (SQL Server indexes columns only; index a computed column "
        "instead): items.ix_items_lower_name"
    ]


def test_foreign_key_cycle_is_closed_by_alter_table() -> None:
    assert heads(ddl(cycle_model(), dialect="mssql")) == [
        "CREATE TABLE a_side (",
        "CREATE TABLE b_side (",
        "CREATE TABLE c_after (",
        "ALTER TABLE a_side ADD FOREIGN KEY(b_id) REFERENCES b_side (id);",
    ]


def test_no_create_schema_when_asked() -> None:
    metadata = sa.MetaData()
    sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True), schema="audit")

    assert heads(ddl(metadata, dialect="mssql", create_schemas=False)) == ["CREATE TABLE audit.events ("]

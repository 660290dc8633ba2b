"""The offline tier: models built in the test, compiled for one dialect, the statements asserted exactly."""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy import DDL, MetaData, Table, event

from atlas_provider import Model, Schema, TargetOptions, build_schema, check_model, get_adapter
from atlas_provider.loading import table_key
from tests.support import split_statements


def schema_of(*models: MetaData | Table, dialect: str, create_schemas: bool | None = None) -> Schema:
    """What the provider makes of these tables (or every table of these MetaData) for `dialect`."""
    tables = [t for m in models for t in (m.tables.values() if isinstance(m, MetaData) else [m])]
    model = Model(tables=sorted(tables, key=table_key))
    check_model(model)
    return build_schema(model, get_adapter(dialect, TargetOptions(create_schemas=create_schemas)))


def ddl(*models: MetaData | Table, dialect: str, create_schemas: bool | None = None) -> list[str]:
    """The statements, split as Atlas splits them (a `;` ending stays, a custom delimiter is cut off)."""
    return split_statements(schema_of(*models, dialect=dialect, create_schemas=create_schemas).text, dialect)


def heads(statements: list[str]) -> list[str]:
    """The first line of each statement: enough to assert an order."""
    return [s.splitlines()[0] for s in statements]


# --- models the dialect tests share; each dialect's file asserts its own statements for them ------------------


class Size(enum.Enum):
    small = "small"
    large = "large"


NAMING_CONVENTION = {
    "ix": "ix_%(table_name)s_%(column_0_name)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


def stock_model() -> MetaData:
    """Everything a table declares that must reach the DDL: identity and computed columns, server defaults,
    comments, native and non-native enums, a CHECK whose text has a newline, a partial and an expression
    index, a naming convention, and an after_create DDL event (a view) that belongs right after its table."""
    metadata = MetaData(naming_convention=NAMING_CONVENTION)
    items = sa.Table(
        "items",
        metadata,
        sa.Column("id", sa.Integer, sa.Identity(start=100), primary_key=True),
        sa.Column("name", sa.String(50), nullable=False, server_default="unnamed", comment="Display name"),
        sa.Column("qty", sa.Integer, nullable=False, server_default=sa.text("0")),
        sa.Column("double_qty", sa.Integer, sa.Computed("qty * 2", persisted=True)),
        sa.Column("size", sa.Enum(Size, name="item_size"), nullable=False),
        sa.Column("grade", sa.Enum(Size, name="item_grade", native_enum=False, create_constraint=True),
                  nullable=False),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("added", sa.DateTime(timezone=True), server_default=sa.func.now()),
        sa.Column("code", sa.String(10), unique=True),
        sa.CheckConstraint("qty >= 0\nAND qty < 1000", name="qty_range"),
        sa.Index(None, "name", postgresql_where=sa.text("active"), sqlite_where=sa.text("active"),
                 mssql_where=sa.text("active = 1")),
        sa.Index("ix_items_lower_name", sa.func.lower(sa.column("name"))),
        comment="Stock items",
    )
    event.listen(items, "after_create", DDL("CREATE VIEW item_names AS SELECT name FROM %(fullname)s"))
    sa.Table(
        "notes",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("item_id", sa.ForeignKey("items.id", ondelete="CASCADE")),
    )
    return metadata


def cycle_model() -> MetaData:
    """Two tables that refer to each other (no use_alter), and one that needs the first."""
    metadata = MetaData()
    sa.Table("b_side", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a_id", sa.ForeignKey("a_side.id")))
    sa.Table("a_side", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("b_id", sa.ForeignKey("b_side.id")))
    sa.Table("c_after", metadata, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("a_id", sa.ForeignKey("a_side.id")))
    return metadata

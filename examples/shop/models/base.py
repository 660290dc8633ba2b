# The one DeclarativeBase every shop model shares, so the whole shop is a single MetaData.
# Demonstrates: a MetaData naming_convention (ix/uq/ck/fk/pk), so every constraint and index has a stable,
# dialect-independent name that Atlas can diff; reusable Annotated column types; and a type variant
# (BIGINT everywhere, INTEGER on SQLite, where only "INTEGER PRIMARY KEY" auto-increments).
"""Declarative base, naming convention and shared column types of the shop models."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Annotated

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, mapped_column

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}

# Surrogate keys are BIGINT, except on SQLite: there only a column declared exactly "INTEGER PRIMARY KEY"
# aliases the rowid and gets auto-increment (https://www.sqlite.org/autoinc.html).
BigId = sa.BigInteger().with_variant(sa.Integer(), "sqlite")


class Base(DeclarativeBase):
    """Base class of every shop model; ``Base.metadata`` holds the whole schema."""

    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)


# Column shapes reused across modules.
id_pk = Annotated[int, mapped_column(BigId, primary_key=True)]
money = Annotated[Decimal, mapped_column(sa.Numeric(12, 2))]
created_timestamp = Annotated[
    dt.datetime,
    mapped_column(
        sa.DateTime(timezone=True), server_default=sa.func.now(), comment="When the row was created"
    ),
]
updated_timestamp = Annotated[
    dt.datetime,
    mapped_column(
        sa.DateTime(timezone=True),
        server_default=sa.func.now(),
        onupdate=sa.func.now(),
        comment="When the row was last changed",
    ),
]

"""Every generic SQLAlchemy type in one table, for `verify` (tests/test_verify_live.py)."""

from __future__ import annotations

import enum

import sqlalchemy as sa

metadata = sa.MetaData()


class Mood(enum.Enum):
    happy = "happy"
    sad = "sad"
    o_reilly = "O'Reilly"


every_type = sa.Table(
    "every_type",
    metadata,
    sa.Column("id", sa.BigInteger, primary_key=True, autoincrement=False),
    sa.Column("small", sa.SmallInteger),
    sa.Column("integer", sa.Integer, nullable=False),
    sa.Column("big", sa.BigInteger),
    sa.Column("flag", sa.Boolean),
    sa.Column("single", sa.Float(precision=24)),
    sa.Column("double", sa.Double),
    sa.Column("money", sa.Numeric(12, 2)),
    sa.Column("wide", sa.Numeric(38, 10)),
    sa.Column("unbounded", sa.Numeric),
    sa.Column("short", sa.String(8)),
    sa.Column("text", sa.Text),
    sa.Column("unicode", sa.Unicode(100)),
    sa.Column("blob", sa.LargeBinary),
    sa.Column("day", sa.Date),
    sa.Column("naive", sa.DateTime),
    sa.Column("aware", sa.DateTime(timezone=True)),
    sa.Column("clock", sa.Time),
    sa.Column("span", sa.Interval),
    sa.Column("ident", sa.Uuid),
    sa.Column("mood", sa.Enum(Mood, name="mood", values_callable=lambda e: [m.value for m in e])),
    sa.Column("label", sa.Enum("a", "b", name="label", native_enum=False)),
    sa.Column("doc", sa.JSON),
    sa.Column("numbers", sa.ARRAY(sa.Integer)),
    sa.Column("words", sa.ARRAY(sa.Text), nullable=False),
)

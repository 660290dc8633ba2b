# An aware timestamp the lake is told to store as a naive DateTime64(3): the time zone and three digits of
# the fraction are lost there, and on MySQL (DATETIME) the time zone and the whole fraction. `logged_at`
# is the same column with both losses accepted, so it must not fail the check.
"""Events with aware timestamps."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    happened_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True), info={"clickhouse": {"type": "DateTime64(3)"}}
    )
    logged_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True),
        info={"clickhouse": {"type": "DateTime64(3)"}, "atlas": {"accept": ["timezone", "precision"]}},
    )

"""An outbox table laid out in the lake as ClickHouse's CDC guidance describes (issue 16): the ordering key is a
column that never changes, then the primary key, partitioned by month of that column."""

from __future__ import annotations

import datetime as dt

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Event(Base):
    __tablename__ = "events"
    __table_args__ = {"info": {"clickhouse": {"order_by": ["occurred_at", "id"],
                                              "partition_by": "toYYYYMM(occurred_at)"}}}

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True, autoincrement=False)
    occurred_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    topic: Mapped[str] = mapped_column(sa.String(60))
    payload: Mapped[str | None] = mapped_column(sa.Text)
    attempts: Mapped[int] = mapped_column(sa.Integer, default=0)

# Analytics tables in a second schema, `analytics`. Uses RELATIVE imports.
# Demonstrates: `__table_args__` schema; a lake-only event table (partitioned by month, ordered by
# (occurred_at, session_id), a ClickHouse PRIMARY KEY that is a prefix of the sorting key, a TTL, table
# settings, per-column codecs and an explicit ClickHouse type); a naive DateTime (UTC by convention); and a
# roll-up that exists in PostgreSQL and in the lake but in no other application database (a target list that
# names a dialect), with a Date column and a composite primary key, replicated by CDC and partitioned by month.
"""Page-view events and daily sales roll-ups."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from .base import Base


class PageView(Base):
    """One storefront page view, written straight to ClickHouse by the tracker; no app database has it."""

    __tablename__ = "page_views"
    __table_args__ = {
        "schema": "analytics",
        "comment": "Storefront page views, one row per view",
        "info": {
            "atlas": {"targets": ["lake"]},
            "clickhouse": {
                "engine": "MergeTree",
                "partition_by": "toYYYYMM(occurred_at)",
                "order_by": ["occurred_at", "session_id"],
                "primary_key": ["occurred_at"],
                # toDateTime(): ClickHouse 23.x rejects a TTL of type DateTime64 ("TTL expression result
                # column should have DateTime or Date type"), and occurred_at may be rendered as DateTime64.
                # https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/mergetree#table_engine-mergetree-ttl
                "ttl": "toDateTime(occurred_at) + INTERVAL 1 YEAR",
                "settings": {"index_granularity": 8192},
            },
        },
    }

    # The ORM needs a primary key; in ClickHouse the sorting key above takes its place.
    event_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, primary_key=True, default=uuid.uuid4)
    occurred_at: Mapped[dt.datetime] = mapped_column(sa.DateTime, comment="UTC, without offset")
    session_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid)
    customer_id: Mapped[int | None] = mapped_column(
        sa.BigInteger, comment="customers.id when signed in; no foreign key across databases"
    )
    path: Mapped[str] = mapped_column(sa.String(2048), info={"clickhouse": {"codec": "ZSTD(3)"}})
    referrer: Mapped[str | None] = mapped_column(sa.String(2048), info={"clickhouse": {"codec": "ZSTD(3)"}})
    country_code: Mapped[str] = mapped_column(
        sa.String(2), comment="From GeoIP", info={"clickhouse": {"type": "LowCardinality(String)"}}
    )
    user_agent: Mapped[str | None] = mapped_column(sa.String(512), info={"clickhouse": {"codec": "ZSTD(3)"}})
    duration_ms: Mapped[int | None] = mapped_column(sa.Integer, comment="Time on page, when known")


class DailySales(Base):
    """Units and revenue per product and day, refreshed nightly in PostgreSQL and replicated to the lake."""

    __tablename__ = "daily_sales"
    __table_args__ = {
        "schema": "analytics",
        "comment": "Daily sales roll-up per product",
        "info": {
            "atlas": {"targets": ["postgresql", "lake"]},
            # Refreshed in PostgreSQL, so replicated by CDC: ReplacingMergeTree keyed on the primary key. A
            # SummingMergeTree here would add each refresh to the old figures (10 -> 12 reads back as 22).
            "clickhouse": {"partition_by": "toYYYYMM(day)", "order_by": ["day", "product_id"]},
        },
    }

    day: Mapped[dt.date] = mapped_column(sa.Date, primary_key=True)
    # A plain column: the roll-up outlives products, and keys across schemas are kept out of reporting tables.
    product_id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    units: Mapped[int] = mapped_column(sa.BigInteger, server_default=sa.text("0"))
    revenue: Mapped[Decimal] = mapped_column(sa.Numeric(14, 2), server_default=sa.text("0"))

# Money as Numeric(18, 4), narrowed to Decimal(10, 2) in the lake by a type override: large amounts and
# the last two decimal places are lost there. `fee` narrows on MySQL through a variant instead; a variant
# is an adaptation like any other. `rounded` narrows in the lake too, with the loss accepted on its table.
"""Payments with narrowed decimals."""

from __future__ import annotations

from decimal import Decimal

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    pass


class Payment(Base):
    __tablename__ = "payments"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    amount: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4), info={"clickhouse": {"type": "Decimal(10, 2)"}})
    fee: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4).with_variant(sa.Numeric(10, 2), "mysql"))


class Rounded(Base):
    __tablename__ = "rounded_totals"
    __table_args__ = {"info": {"atlas": {"accept": ["precision", "scale"]}}}

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    total: Mapped[Decimal] = mapped_column(sa.Numeric(18, 4), info={"clickhouse": {"type": "Decimal(10, 2)"}})

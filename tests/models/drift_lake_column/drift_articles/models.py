# A label path (ltree, a type the model declares) has no lake type. A lake that drops what it cannot store (tests/test_parity.py has one)
# leaves `search_vector` out although the model never says so: unintended drift. `notes` is left out of the
# lake on purpose, and the lake-only `raw_events` table is left out of the app on purpose: no drift.
"""Articles with a column the lake cannot store."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import UserDefinedType


class LTREE(UserDefinedType):
    """PostgreSQL's ltree extension type, declared by the model itself: no lake type is known for it."""

    cache_ok = True

    def get_col_spec(self, **kw: object) -> str:
        return "LTREE"


class Base(DeclarativeBase):
    pass


class Article(Base):
    __tablename__ = "articles"

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    title: Mapped[str] = mapped_column(sa.String(200))
    search_vector: Mapped[str] = mapped_column(LTREE)
    notes: Mapped[str] = mapped_column(sa.Text, info={"atlas": {"exclude": ["lake"]}})


class RawEvent(Base):
    __tablename__ = "raw_events"
    __table_args__ = {"info": {"atlas": {"targets": ["lake"]}}}

    id: Mapped[int] = mapped_column(sa.BigInteger, primary_key=True)
    payload: Mapped[str] = mapped_column(sa.Text)

"""The shape of the example the seed request points to: two declarative tables, each keyed for ClickHouse with
clickhouse-sqlalchemy's `engines.MergeTree(order_by="id")` in `__table_args__`, joined by a relationship, and
nothing else: no info dicts, no settings. Run with the real clickhouse-sqlalchemy (SQLAlchemy 2.0), or with
the stand-in in ../standin on SQLAlchemy 2.1, which that package does not install beside."""

from __future__ import annotations

from clickhouse_sqlalchemy import engines
from sqlalchemy import ForeignKey, String
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column, relationship


class Base(DeclarativeBase):
    pass


class Member(Base):
    __tablename__ = "member"
    __table_args__ = (engines.MergeTree(order_by="id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    handle: Mapped[str] = mapped_column(String(40))
    display_name: Mapped[str | None] = mapped_column(String(80))
    notes: Mapped[list[Note]] = relationship(back_populates="author", cascade="all, delete-orphan")


class Note(Base):
    __tablename__ = "note"
    __table_args__ = (engines.MergeTree(order_by="id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    body: Mapped[str] = mapped_column(String(200))
    member_id: Mapped[int] = mapped_column(ForeignKey("member.id"))
    author: Mapped[Member] = relationship(back_populates="notes")

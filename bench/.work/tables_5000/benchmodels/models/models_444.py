from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from benchmodels.base import Base


class T04440(Base):
    __tablename__ = "t_04440"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04440_name_code"),
        Index("ix_t_04440_created_at", "created_at"),
        Index("ix_t_04440_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04439.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04441(Base):
    __tablename__ = "t_04441"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04441_name_code"),
        Index("ix_t_04441_created_at", "created_at"),
        Index("ix_t_04441_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04440.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04442(Base):
    __tablename__ = "t_04442"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04442_name_code"),
        Index("ix_t_04442_created_at", "created_at"),
        Index("ix_t_04442_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04441.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04443(Base):
    __tablename__ = "t_04443"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04443_name_code"),
        Index("ix_t_04443_created_at", "created_at"),
        Index("ix_t_04443_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04442.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04444(Base):
    __tablename__ = "t_04444"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04444_name_code"),
        Index("ix_t_04444_created_at", "created_at"),
        Index("ix_t_04444_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04443.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04445(Base):
    __tablename__ = "t_04445"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04445_name_code"),
        Index("ix_t_04445_created_at", "created_at"),
        Index("ix_t_04445_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04444.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04446(Base):
    __tablename__ = "t_04446"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04446_name_code"),
        Index("ix_t_04446_created_at", "created_at"),
        Index("ix_t_04446_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04445.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04447(Base):
    __tablename__ = "t_04447"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04447_name_code"),
        Index("ix_t_04447_created_at", "created_at"),
        Index("ix_t_04447_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04446.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04448(Base):
    __tablename__ = "t_04448"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04448_name_code"),
        Index("ix_t_04448_created_at", "created_at"),
        Index("ix_t_04448_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04447.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04449(Base):
    __tablename__ = "t_04449"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04449_name_code"),
        Index("ix_t_04449_created_at", "created_at"),
        Index("ix_t_04449_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04448.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)

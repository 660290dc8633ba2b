from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from benchmodels.base import Base


class T00440(Base):
    __tablename__ = "t_00440"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00440_name_code"),
        Index("ix_t_00440_created_at", "created_at"),
        Index("ix_t_00440_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00439.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00441(Base):
    __tablename__ = "t_00441"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00441_name_code"),
        Index("ix_t_00441_created_at", "created_at"),
        Index("ix_t_00441_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00440.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00442(Base):
    __tablename__ = "t_00442"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00442_name_code"),
        Index("ix_t_00442_created_at", "created_at"),
        Index("ix_t_00442_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00441.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00443(Base):
    __tablename__ = "t_00443"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00443_name_code"),
        Index("ix_t_00443_created_at", "created_at"),
        Index("ix_t_00443_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00442.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00444(Base):
    __tablename__ = "t_00444"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00444_name_code"),
        Index("ix_t_00444_created_at", "created_at"),
        Index("ix_t_00444_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00443.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00445(Base):
    __tablename__ = "t_00445"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00445_name_code"),
        Index("ix_t_00445_created_at", "created_at"),
        Index("ix_t_00445_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00444.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00446(Base):
    __tablename__ = "t_00446"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00446_name_code"),
        Index("ix_t_00446_created_at", "created_at"),
        Index("ix_t_00446_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00445.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00447(Base):
    __tablename__ = "t_00447"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00447_name_code"),
        Index("ix_t_00447_created_at", "created_at"),
        Index("ix_t_00447_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00446.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00448(Base):
    __tablename__ = "t_00448"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00448_name_code"),
        Index("ix_t_00448_created_at", "created_at"),
        Index("ix_t_00448_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00447.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T00449(Base):
    __tablename__ = "t_00449"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_00449_name_code"),
        Index("ix_t_00449_created_at", "created_at"),
        Index("ix_t_00449_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_00448.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)

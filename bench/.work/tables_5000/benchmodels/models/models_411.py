from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from benchmodels.base import Base


class T04110(Base):
    __tablename__ = "t_04110"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04110_name_code"),
        Index("ix_t_04110_created_at", "created_at"),
        Index("ix_t_04110_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04109.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04111(Base):
    __tablename__ = "t_04111"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04111_name_code"),
        Index("ix_t_04111_created_at", "created_at"),
        Index("ix_t_04111_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04110.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04112(Base):
    __tablename__ = "t_04112"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04112_name_code"),
        Index("ix_t_04112_created_at", "created_at"),
        Index("ix_t_04112_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04111.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04113(Base):
    __tablename__ = "t_04113"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04113_name_code"),
        Index("ix_t_04113_created_at", "created_at"),
        Index("ix_t_04113_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04112.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04114(Base):
    __tablename__ = "t_04114"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04114_name_code"),
        Index("ix_t_04114_created_at", "created_at"),
        Index("ix_t_04114_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04113.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04115(Base):
    __tablename__ = "t_04115"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04115_name_code"),
        Index("ix_t_04115_created_at", "created_at"),
        Index("ix_t_04115_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04114.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04116(Base):
    __tablename__ = "t_04116"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04116_name_code"),
        Index("ix_t_04116_created_at", "created_at"),
        Index("ix_t_04116_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04115.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04117(Base):
    __tablename__ = "t_04117"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04117_name_code"),
        Index("ix_t_04117_created_at", "created_at"),
        Index("ix_t_04117_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04116.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04118(Base):
    __tablename__ = "t_04118"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04118_name_code"),
        Index("ix_t_04118_created_at", "created_at"),
        Index("ix_t_04118_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04117.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04119(Base):
    __tablename__ = "t_04119"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04119_name_code"),
        Index("ix_t_04119_created_at", "created_at"),
        Index("ix_t_04119_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04118.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)

from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from benchmodels.base import Base


class T04690(Base):
    __tablename__ = "t_04690"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04690_name_code"),
        Index("ix_t_04690_created_at", "created_at"),
        Index("ix_t_04690_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04689.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04691(Base):
    __tablename__ = "t_04691"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04691_name_code"),
        Index("ix_t_04691_created_at", "created_at"),
        Index("ix_t_04691_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04690.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04692(Base):
    __tablename__ = "t_04692"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04692_name_code"),
        Index("ix_t_04692_created_at", "created_at"),
        Index("ix_t_04692_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04691.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04693(Base):
    __tablename__ = "t_04693"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04693_name_code"),
        Index("ix_t_04693_created_at", "created_at"),
        Index("ix_t_04693_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04692.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04694(Base):
    __tablename__ = "t_04694"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04694_name_code"),
        Index("ix_t_04694_created_at", "created_at"),
        Index("ix_t_04694_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04693.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04695(Base):
    __tablename__ = "t_04695"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04695_name_code"),
        Index("ix_t_04695_created_at", "created_at"),
        Index("ix_t_04695_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04694.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04696(Base):
    __tablename__ = "t_04696"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04696_name_code"),
        Index("ix_t_04696_created_at", "created_at"),
        Index("ix_t_04696_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04695.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04697(Base):
    __tablename__ = "t_04697"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04697_name_code"),
        Index("ix_t_04697_created_at", "created_at"),
        Index("ix_t_04697_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04696.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04698(Base):
    __tablename__ = "t_04698"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04698_name_code"),
        Index("ix_t_04698_created_at", "created_at"),
        Index("ix_t_04698_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04697.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04699(Base):
    __tablename__ = "t_04699"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04699_name_code"),
        Index("ix_t_04699_created_at", "created_at"),
        Index("ix_t_04699_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04698.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)

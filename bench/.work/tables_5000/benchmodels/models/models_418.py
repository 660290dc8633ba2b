from datetime import datetime
from decimal import Decimal

from sqlalchemy import ForeignKey, Index, Numeric, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from benchmodels.base import Base


class T04180(Base):
    __tablename__ = "t_04180"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04180_name_code"),
        Index("ix_t_04180_created_at", "created_at"),
        Index("ix_t_04180_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04179.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04181(Base):
    __tablename__ = "t_04181"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04181_name_code"),
        Index("ix_t_04181_created_at", "created_at"),
        Index("ix_t_04181_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04180.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04182(Base):
    __tablename__ = "t_04182"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04182_name_code"),
        Index("ix_t_04182_created_at", "created_at"),
        Index("ix_t_04182_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04181.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04183(Base):
    __tablename__ = "t_04183"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04183_name_code"),
        Index("ix_t_04183_created_at", "created_at"),
        Index("ix_t_04183_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04182.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04184(Base):
    __tablename__ = "t_04184"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04184_name_code"),
        Index("ix_t_04184_created_at", "created_at"),
        Index("ix_t_04184_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04183.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04185(Base):
    __tablename__ = "t_04185"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04185_name_code"),
        Index("ix_t_04185_created_at", "created_at"),
        Index("ix_t_04185_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04184.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04186(Base):
    __tablename__ = "t_04186"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04186_name_code"),
        Index("ix_t_04186_created_at", "created_at"),
        Index("ix_t_04186_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04185.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04187(Base):
    __tablename__ = "t_04187"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04187_name_code"),
        Index("ix_t_04187_created_at", "created_at"),
        Index("ix_t_04187_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04186.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04188(Base):
    __tablename__ = "t_04188"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04188_name_code"),
        Index("ix_t_04188_created_at", "created_at"),
        Index("ix_t_04188_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04187.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)


class T04189(Base):
    __tablename__ = "t_04189"
    __table_args__ = (
        UniqueConstraint("name", "code", name="uq_t_04189_name_code"),
        Index("ix_t_04189_created_at", "created_at"),
        Index("ix_t_04189_active_amount", "is_active", "amount"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    prev_id: Mapped[int | None] = mapped_column(ForeignKey("t_04188.id"))
    name: Mapped[str] = mapped_column(String(100))
    code: Mapped[str] = mapped_column(String(20))
    amount: Mapped[Decimal] = mapped_column(Numeric(12, 2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime]
    note: Mapped[str | None] = mapped_column(Text)

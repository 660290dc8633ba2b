# Customers, their addresses and password-reset tokens. Uses ABSOLUTE imports (`from shop.models.base ...`).
# Demonstrates: a foreign-key CYCLE with no use_alter anywhere (customers.default_address_id -> addresses.id,
# addresses.customer_id -> customers.id), which the provider must break itself; personal data kept out of the
# ClickHouse lake with info={"atlas": {"exclude": ["lake"]}}; app-only tables, both as `targets` and as a
# table-level `exclude`; a lake table replicated by CDC; a unique expression index on lower(email)
# (a generated column with a unique constraint where the database indexes columns only); a Uuid
# column, a Date, a LargeBinary, Boolean server defaults, comments on tables and columns.
"""Customer accounts, postal addresses and password-reset tokens."""

from __future__ import annotations

import datetime as dt
import uuid
from typing import TYPE_CHECKING

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import BigId, Base, created_timestamp, id_pk, updated_timestamp

if TYPE_CHECKING:  # orders imports this module at run time; the reverse is for type checkers only
    from shop.models.orders import Order

class Customer(Base):
    """A shop account. Replicated to the lake by CDC, without its personal data."""

    __tablename__ = "customers"
    __table_args__ = {
        "comment": "Shop accounts; personal data never leaves the application database",
        "info": {"clickhouse": {"cdc": True, "order_by": ["id"]}},
    }

    id: Mapped[id_pk]
    public_id: Mapped[uuid.UUID] = mapped_column(
        sa.Uuid, default=uuid.uuid4, unique=True, comment="Identifier shown in URLs and e-mails"
    )
    email: Mapped[str] = mapped_column(sa.String(320), info={"atlas": {"exclude": ["lake"]}})
    # MariaDB and SQL Server index columns, not expressions: there, case-insensitive uniqueness is a stored
    # generated column with a unique constraint; the other databases get the expression index below.
    email_lower: Mapped[str] = mapped_column(
        sa.String(320), sa.Computed("lower(email)", persisted=True), unique=True,
        info={"atlas": {"targets": ["mariadb", "mssql"]}},
    )
    full_name: Mapped[str] = mapped_column(sa.String(200), info={"atlas": {"exclude": ["lake"]}})
    phone: Mapped[str | None] = mapped_column(sa.String(32), info={"atlas": {"exclude": ["lake"]}})
    birth_date: Mapped[dt.date | None] = mapped_column(sa.Date, info={"atlas": {"exclude": ["lake"]}})
    password_hash: Mapped[str] = mapped_column(
        sa.String(255), info={"atlas": {"exclude": ["lake"]}}, comment="argon2id hash, never the password"
    )
    country_code: Mapped[str] = mapped_column(
        sa.String(2),
        comment="ISO 3166-1 alpha-2",
        info={"clickhouse": {"low_cardinality": True}},
    )
    is_active: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
    marketing_opt_in: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    # Half of the cycle. Deliberately NO use_alter and no ON DELETE: SQL Server rejects cascading actions on
    # a cycle, and the application clears this before deleting an address.
    default_address_id: Mapped[int | None] = mapped_column(BigId, sa.ForeignKey("addresses.id"))
    created_at: Mapped[created_timestamp]
    updated_at: Mapped[updated_timestamp]

    addresses: Mapped[list[Address]] = relationship(
        back_populates="customer",
        foreign_keys="Address.customer_id",
        cascade="all, delete-orphan",
        passive_deletes=True,
    )
    # post_update: the ORM inserts both rows, then UPDATEs this pointer, because of the cycle.
    default_address: Mapped[Address | None] = relationship(
        foreign_keys=[default_address_id], post_update=True
    )
    orders: Mapped[list[Order]] = relationship(back_populates="customer", passive_deletes=True)
    reset_tokens: Mapped[list[PasswordResetToken]] = relationship(
        back_populates="customer", cascade="all, delete-orphan", passive_deletes=True
    )


# Case-insensitive uniqueness of e-mail addresses. Declared after the class, where the column exists.
sa.Index("ix_customers_email_lower", sa.func.lower(Customer.__table__.c.email), unique=True,
         info={"atlas": {"exclude": ["mariadb", "mssql"]}})


class Address(Base):
    """A postal address of a customer. Entirely personal data, so it is left out of the lake."""

    __tablename__ = "addresses"
    __table_args__ = {
        "comment": "Postal addresses of customers",
        "info": {"atlas": {"exclude": ["lake"]}},
    }

    id: Mapped[id_pk]
    # The other half of the cycle.
    customer_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    recipient: Mapped[str] = mapped_column(sa.String(200))
    line1: Mapped[str] = mapped_column(sa.String(200))
    line2: Mapped[str | None] = mapped_column(sa.String(200))
    postal_code: Mapped[str] = mapped_column(sa.String(16))
    city: Mapped[str] = mapped_column(sa.String(100))
    country_code: Mapped[str] = mapped_column(sa.String(2), comment="ISO 3166-1 alpha-2")
    created_at: Mapped[created_timestamp]

    customer: Mapped[Customer] = relationship(back_populates="addresses", foreign_keys=[customer_id])


class PasswordResetToken(Base):
    """A split token (public selector + hashed verifier) for resetting a password. Application only."""

    __tablename__ = "password_reset_tokens"
    __table_args__ = {
        "comment": "Pending password resets; looked up by selector, verified against verifier_hash",
        "info": {"atlas": {"targets": ["app"]}},
    }

    id: Mapped[id_pk]
    customer_id: Mapped[int] = mapped_column(
        BigId, sa.ForeignKey("customers.id", ondelete="CASCADE"), index=True
    )
    selector: Mapped[str] = mapped_column(sa.String(24), unique=True)
    verifier_hash: Mapped[bytes] = mapped_column(sa.LargeBinary(32), comment="SHA-256 of the secret half")
    expires_at: Mapped[dt.datetime] = mapped_column(sa.DateTime(timezone=True))
    used: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.false())
    created_at: Mapped[created_timestamp]

    customer: Mapped[Customer] = relationship(back_populates="reset_tokens")

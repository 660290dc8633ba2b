# Orders and their lines. Uses ABSOLUTE imports and imports other model modules at run time (customers,
# catalog) for its relationships, so it only loads with `examples/` as the import root.
# Demonstrates: a native PostgreSQL enum (`order_status`) and a non-native enum (VARCHAR(20)); Numeric(12, 2)
# money with CHECK constraints; ON DELETE CASCADE and SET NULL; a composite index and a composite unique
# constraint; a JSON column and a Text column kept out of the lake; CDC into ClickHouse with PeerDB's
# columns (cdc tool "peerdb"); low-cardinality lake columns; and an accepted lossy adaptation
# (info={"atlas": {"accept": ["timezone"]}}).
"""Orders and order items."""

from __future__ import annotations

import datetime as dt
import enum
import uuid
from decimal import Decimal
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from shop.models.base import BigId, Base, created_timestamp, id_pk, money, updated_timestamp
from shop.models.catalog import Product
from shop.models.customers import Customer


class OrderStatus(str, enum.Enum):
    PENDING = "pending"
    PAID = "paid"
    SHIPPED = "shipped"
    DELIVERED = "delivered"
    CANCELLED = "cancelled"
    REFUNDED = "refunded"


class SalesChannel(str, enum.Enum):
    WEB = "web"
    MOBILE_APP = "mobile_app"
    MARKETPLACE = "marketplace"
    CALL_CENTER = "call_center"


def _enum_values(enum_class: type[enum.Enum]) -> list[str]:
    # Store the lower-case values ("paid"), not the member names ("PAID") SQLAlchemy uses by default.
    return [member.value for member in enum_class]


class Order(Base):
    """A customer's order. Replicated to the lake by PeerDB (ClickPipes)."""

    __tablename__ = "orders"
    __table_args__ = (
        sa.CheckConstraint("total >= 0", name="total_non_negative"),
        sa.Index("ix_orders_customer_placed", "customer_id", "placed_at"),
        {
            "comment": "Customer orders",
            "info": {
                "clickhouse": {"cdc": {"tool": "peerdb"}}
            },
        },
    )

    id: Mapped[id_pk]
    public_id: Mapped[uuid.UUID] = mapped_column(sa.Uuid, default=uuid.uuid4, unique=True)
    # SET NULL: erasing a customer keeps their orders for the books, anonymised.
    customer_id: Mapped[int | None] = mapped_column(BigId, sa.ForeignKey("customers.id", ondelete="SET NULL"))
    status: Mapped[OrderStatus] = mapped_column(
        sa.Enum(OrderStatus, name="order_status", values_callable=_enum_values),
        server_default=OrderStatus.PENDING.value,
        info={"clickhouse": {"low_cardinality": True}},
    )
    channel: Mapped[SalesChannel] = mapped_column(
        sa.Enum(SalesChannel, native_enum=False, length=20, values_callable=_enum_values),
        comment="Where the order was placed",
        info={"clickhouse": {"low_cardinality": True}},
    )
    currency: Mapped[str] = mapped_column(
        sa.String(3), server_default="EUR", comment="ISO 4217", info={"clickhouse": {"low_cardinality": True}}
    )
    total: Mapped[money]
    # The lake stores instants in UTC without the offset; accepted as a known, harmless loss.
    placed_at: Mapped[dt.datetime] = mapped_column(
        sa.DateTime(timezone=True),
        server_default=sa.func.now(),
        info={"atlas": {"accept": ["timezone"]}},
    )
    shipping_address: Mapped[dict[str, Any] | None] = mapped_column(
        sa.JSON, comment="Snapshot of the address at checkout", info={"atlas": {"exclude": ["lake"]}}
    )
    customer_note: Mapped[str | None] = mapped_column(sa.Text, info={"atlas": {"exclude": ["lake"]}})
    created_at: Mapped[created_timestamp]
    updated_at: Mapped[updated_timestamp]

    customer: Mapped[Customer | None] = relationship(back_populates="orders")
    items: Mapped[list[OrderItem]] = relationship(
        back_populates="order", cascade="all, delete-orphan", passive_deletes=True
    )


class OrderItem(Base):
    """One line of an order."""

    __tablename__ = "order_items"
    __table_args__ = (
        sa.UniqueConstraint("order_id", "product_id"),
        sa.CheckConstraint("quantity > 0", name="quantity_positive"),
        sa.CheckConstraint("unit_price >= 0", name="unit_price_non_negative"),
        {
            "comment": "Order lines; one per product and order",
            # No order_by: a CDC table is keyed on its primary key (order_id is not in it).
        },
    )

    id: Mapped[id_pk]
    order_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("orders.id", ondelete="CASCADE"))
    product_id: Mapped[int] = mapped_column(BigId, sa.ForeignKey("products.id"), index=True)
    quantity: Mapped[int] = mapped_column(sa.Integer)
    unit_price: Mapped[Decimal] = mapped_column(sa.Numeric(12, 2), comment="Price when ordered")

    order: Mapped[Order] = relationship(back_populates="items")
    product: Mapped[Product] = relationship()

# The product catalogue. Uses RELATIVE imports (`from .base import ...`).
# Demonstrates: a self-referencing foreign key (category tree); ON DELETE SET NULL; named CHECK constraints
# (required by the "ck" naming convention); a unique index from `index=True, unique=True`; a partial index
# (postgresql_where / sqlite_where / mssql_where) declared after the class; a JSON column; Text; a Core
# sa.Table on the same MetaData for the products<->tags association, made app-only through its `info`;
# and a lake table replicated by Debezium (the Altinity sink's CDC columns).
"""Categories, products and tags."""

from __future__ import annotations

from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from .base import BigId, Base, created_timestamp, id_pk, money, updated_timestamp

# Core table: a plain association, no mapped class. Tags only matter to the storefront, not the lake.
product_tags = sa.Table(
    "product_tags",
    Base.metadata,
    sa.Column("product_id", BigId, sa.ForeignKey("products.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag_id", BigId, sa.ForeignKey("tags.id", ondelete="CASCADE"), primary_key=True),
    sa.Index(None, "tag_id"),
    comment="Which tags a product carries",
    info={"atlas": {"targets": ["app"]}},
)


class Category(Base):
    """A node of the category tree."""

    __tablename__ = "categories"
    __table_args__ = {"comment": "Category tree of the catalogue"}

    id: Mapped[id_pk]
    # No ON DELETE action: SQL Server refuses cascading actions on a self-reference.
    parent_id: Mapped[int | None] = mapped_column(BigId, sa.ForeignKey("categories.id"), index=True)
    slug: Mapped[str] = mapped_column(sa.String(100), unique=True, comment="URL segment")
    name: Mapped[str] = mapped_column(sa.String(100))

    # A string: `id` is only annotated above (no assignment), so in the class body it is still the builtin.
    parent: Mapped[Category | None] = relationship(back_populates="children", remote_side="Category.id")
    children: Mapped[list[Category]] = relationship(back_populates="parent")
    products: Mapped[list[Product]] = relationship(back_populates="category")


class Product(Base):
    """Something the shop sells."""

    __tablename__ = "products"
    __table_args__ = (
        sa.CheckConstraint("price >= 0", name="price_non_negative"),
        sa.CheckConstraint("stock >= 0", name="stock_non_negative"),
        {
            "comment": "Sellable products",
            # Replicated by Debezium with the Altinity sink: its _version and is_deleted columns, and
            # ReplacingMergeTree(_version, is_deleted), which keeps the newest version and drops deleted products.
            "info": {"clickhouse": {"cdc": {"tool": "debezium"}}},
        },
    )

    id: Mapped[id_pk]
    sku: Mapped[str] = mapped_column(sa.String(64), index=True, unique=True, comment="Stock keeping unit")
    name: Mapped[str] = mapped_column(sa.String(200))
    description: Mapped[str | None] = mapped_column(sa.Text)
    category_id: Mapped[int | None] = mapped_column(
        BigId, sa.ForeignKey("categories.id", ondelete="SET NULL")
    )
    price: Mapped[money] = mapped_column(comment="Unit price in the shop currency")
    stock: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("0"))
    is_active: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
    attributes: Mapped[dict[str, Any] | None] = mapped_column(
        sa.JSON, comment="Free-form specs: size, colour, ..."
    )
    created_at: Mapped[created_timestamp]
    updated_at: Mapped[updated_timestamp]

    category: Mapped[Category | None] = relationship(back_populates="products")
    tags: Mapped[list[Tag]] = relationship(secondary=product_tags, back_populates="products")


# The storefront lists the active products of a category; inactive ones stay out of the index where the
# database supports partial (filtered) indexes. Elsewhere (MySQL, MariaDB) this is a plain index.
_product_is_active = Product.__table__.c.is_active == sa.true()
sa.Index(
    "ix_products_active_by_category",
    Product.__table__.c.category_id,
    postgresql_where=_product_is_active,
    sqlite_where=_product_is_active,
    mssql_where=_product_is_active,
)


class Tag(Base):
    """A label for grouping products (\"vegan\", \"sale\", ...). Application only."""

    __tablename__ = "tags"
    __table_args__ = {"info": {"atlas": {"targets": ["app"]}}}

    id: Mapped[id_pk]
    name: Mapped[str] = mapped_column(sa.String(50), unique=True)

    products: Mapped[list[Product]] = relationship(secondary=product_tags, back_populates="tags")

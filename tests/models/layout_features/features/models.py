"""One of everything a model can declare that must reach the DDL.

Server defaults, comments, identity and computed columns, a CHECK whose text has a newline, partial and
expression indexes, a naming convention, native and non-native enums, a sequence, a schema-qualified table,
a foreign-key cycle without use_alter, and after_create DDL events: a view everywhere, and a trigger whose
body holds `;` on each database that has them (PostgreSQL through a plpgsql function).
"""

from __future__ import annotations

import enum

import sqlalchemy as sa
from sqlalchemy import DDL, event
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


class Base(DeclarativeBase):
    metadata = sa.MetaData(
        naming_convention={
            "ix": "ix_%(table_name)s_%(column_0_name)s",
            "uq": "uq_%(table_name)s_%(column_0_name)s",
            "ck": "ck_%(table_name)s_%(constraint_name)s",
            "fk": "fk_%(table_name)s_%(column_0_name)s",
            "pk": "pk_%(table_name)s",
        }
    )


class Size(enum.Enum):
    small = "small"
    large = "large"


class Warehouse(Base):
    # No foreign key from here into the default schema: MySQL resolves an unqualified REFERENCES in the
    # child table's own database, and the provider cannot know the name of the default one.
    __tablename__ = "warehouses"
    __table_args__ = {"schema": "inventory", "comment": "Where stock is kept"}

    id: Mapped[int] = mapped_column(primary_key=True)
    code: Mapped[str] = mapped_column(sa.String(8), unique=True)


class Bin(Base):
    __tablename__ = "bins"

    id: Mapped[int] = mapped_column(primary_key=True)
    # Half of a cycle with items.default_bin_id, without use_alter.
    item_id: Mapped[int | None] = mapped_column(sa.ForeignKey("items.id", ondelete="CASCADE"), index=True)


class Item(Base):
    __tablename__ = "items"
    __table_args__ = (
        sa.CheckConstraint("qty >= 0\nAND qty < 100000", name="qty_range"),
        {"comment": "Stock items"},
    )

    id: Mapped[int] = mapped_column(sa.Integer, sa.Identity(start=100), primary_key=True)
    name: Mapped[str] = mapped_column(sa.String(50), server_default="unnamed", comment="Display name")
    qty: Mapped[int] = mapped_column(sa.Integer, server_default=sa.text("0"))
    # persisted=True: PostgreSQL before 18 has only STORED generated columns.
    double_qty: Mapped[int | None] = mapped_column(sa.Integer, sa.Computed("qty * 2", persisted=True))
    size: Mapped[Size] = mapped_column(sa.Enum(Size, name="item_size"), server_default="small")
    grade: Mapped[Size] = mapped_column(sa.Enum(Size, name="item_grade", native_enum=False, create_constraint=True))
    active: Mapped[bool] = mapped_column(sa.Boolean, server_default=sa.true())
    ticket: Mapped[int | None] = mapped_column(sa.Integer, sa.Sequence("item_ticket_seq"))
    warehouse_id: Mapped[int | None] = mapped_column(sa.ForeignKey("inventory.warehouses.id", ondelete="SET NULL"))
    default_bin_id: Mapped[int | None] = mapped_column(sa.ForeignKey("bins.id"))


items = Item.__table__
sa.Index("ix_items_active_name", items.c.name, postgresql_where=items.c.active, sqlite_where=items.c.active)
sa.Index("ix_items_lower_name", sa.func.lower(items.c.name))

event.listen(items, "after_create", DDL("CREATE VIEW item_names AS SELECT id, name FROM %(fullname)s"))
event.listen(
    items,
    "after_create",
    DDL(
        "CREATE FUNCTION items_touch() RETURNS trigger AS $$\n"
        "BEGIN\n  NEW.qty := coalesce(NEW.qty, 0);\n  RETURN NEW;\nEND;\n$$ LANGUAGE plpgsql"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    items,
    "after_create",
    DDL(
        "CREATE TRIGGER items_touch BEFORE INSERT ON %(fullname)s FOR EACH ROW EXECUTE FUNCTION items_touch()"
    ).execute_if(dialect="postgresql"),
)
event.listen(
    items,
    "after_create",
    DDL(
        "CREATE TRIGGER items_touch BEFORE INSERT ON %(fullname)s FOR EACH ROW\n"
        "BEGIN\n  SET NEW.qty = coalesce(NEW.qty, 0);\n  SET NEW.name = trim(NEW.name);\nEND"
    ).execute_if(dialect=("mysql", "mariadb")),
)
event.listen(
    items,
    "after_create",
    DDL(
        "CREATE TRIGGER items_touch AFTER INSERT ON %(fullname)s\n"
        "BEGIN\n  UPDATE items SET name = trim(name) WHERE id = NEW.id;\nEND"
    ).execute_if(dialect="sqlite"),
)

"""A model evolved through ordinary changes, release after release: for each step, the new output compared with
the replayed old one (what Atlas diffs) touches exactly what changed. No foreign key is dropped and re-added
(they are keyed by their columns here, so a server-given name that shifts is a change), no check rewritten; and
a second `migrate diff` right after each step finds nothing: the output's reading replayed reads the same, on
PostgreSQL too, where the model writes its own `IN (...)` check and a partial index with `IN` on VARCHARs."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from atlas_provider.api import build_schema
from atlas_provider.dialects import get_adapter
from atlas_provider.loading import Model, table_key
from tests.support import Backend, load_ddl
from tests.support.replay import Reading, diff_readings, items, read_back, replay

pytestmark = pytest.mark.live

CONVENTION = {"ix": "ix_%(column_0_label)s", "uq": "uq_%(table_name)s_%(column_0_name)s",
              "ck": "ck_%(table_name)s_%(constraint_name)s", "pk": "pk_%(table_name)s"}  # foreign keys: the server's


@dataclass(frozen=True)
class Shape:
    """One release of the model."""

    note: bool = False
    total_index: bool = False
    referrer: bool = False
    payments: bool = False
    email_length: int = 100
    statuses: tuple[str, ...] = ("new", "active")
    total_check: bool = False
    payment_customer: bool = False
    phone: bool = False
    tags: tuple[str, ...] = field(default_factory=tuple)
    tiers: tuple[str, ...] = ()  # a check the model writes itself: tier IN (...)
    open_states: tuple[str, ...] = ()  # a partial index the model writes itself: WHERE state IN (...)

    def model(self) -> Model:
        md = sa.MetaData(naming_convention=CONVENTION)
        sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("email", sa.String(self.email_length), nullable=False, unique=True),
                 sa.Column("status", sa.Enum(*self.statuses, name="status", native_enum=False, length=20,
                                             create_constraint=True)),
                 sa.Column("tier", sa.String(10)),
                 *([sa.Column("phone", sa.String(30))] if self.phone else []),
                 *([sa.CheckConstraint(f"tier IN ({_quoted(self.tiers)})", name="tier_known")] if self.tiers else []))
        sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("customer_id", sa.ForeignKey("customers.id"), nullable=False),
                 sa.Column("total", sa.Integer, nullable=False, index=self.total_index),
                 *([sa.Column("note", sa.String(50))] if self.note else []),
                 *([sa.Column("referrer_id", sa.ForeignKey("customers.id"))] if self.referrer else []),
                 sa.Column("state", sa.String(10)),
                 *([sa.CheckConstraint("total >= 0", name="total_positive")] if self.total_check else []),
                 *([sa.Index("ix_orders_open", "state", postgresql_where=sa.text(f"state IN ({_quoted(self.open_states)})"),
                             sqlite_where=sa.text(f"state IN ({_quoted(self.open_states)})"))] if self.open_states else []))
        if self.payments:
            sa.Table("payments", md, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("order_id", sa.ForeignKey("orders.id"), nullable=False),
                     *([sa.Column("customer_id", sa.ForeignKey("customers.id"))] if self.payment_customer else []))
        return Model(tables=sorted(md.tables.values(), key=table_key))


def _quoted(values: tuple[str, ...]) -> str:
    return ", ".join(f"'{value}'" for value in values)


# Each step: the change, and the (table, item) it must touch; ("payments", "*") is every item of a new table.
STEPS: list[tuple[str, dict[str, object], set[tuple[str, str]]]] = [
    ("add a column", {"note": True}, {("orders", "note")}),
    ("add an index", {"total_index": True}, {("orders", "ix_orders_total")}),
    ("add a foreign key", {"referrer": True}, {("orders", "referrer_id"), ("orders", "fk(referrer_id)")}),
    ("add a table", {"payments": True}, {("payments", "*")}),
    ("widen a string", {"email_length": 200}, {("customers", "email")}),
    ("add enum values", {"statuses": ("new", "active", "closed")}, {("customers", "ck_customers_status")}),
    ("add a check", {"total_check": True}, {("orders", "ck_orders_total_positive")}),
    ("drop an index", {"total_index": False}, {("orders", "ix_orders_total")}),
    ("drop a column", {"note": False}, {("orders", "note")}),
    ("add a second foreign key to a table", {"payment_customer": True},
     {("payments", "customer_id"), ("payments", "fk(customer_id)")}),
    ("add a column to a referred table", {"phone": True}, {("customers", "phone")}),
    ("add a check the model writes with IN", {"tiers": ("free", "pro")}, {("customers", "ck_customers_tier_known")}),
    ("add a value to that check", {"tiers": ("free", "pro", "team")}, {("customers", "ck_customers_tier_known")}),
    ("add a partial index with IN", {"open_states": ("open", "paid")}, {("orders", "ix_orders_open")}),
    ("change its condition", {"open_states": ("open", "paid", "held")}, {("orders", "ix_orders_open")}),
]


def _reading(shape: Shape, backend: Backend) -> Reading:
    """What Atlas's migration directory holds for this release: the output's reading, replayed. It must read as
    the output does, or the next `migrate diff` plans the same change again."""
    with backend.fresh_database() as engine:
        load_ddl(build_schema(shape.model(), backend.dialect).text, engine)
        first = read_back(engine, backend)
        if backend.dialect in ("mysql", "mariadb"):
            _drop_own(engine)
    again = replay(first, backend)
    assert not _touched(first, again), f"{backend.name}: a second migrate diff would change {_touched(first, again)}"
    return again


def _drop_own(engine: Engine) -> None:
    with engine.connect() as conn:  # tables only: the fixture drops the database
        conn.exec_driver_sql("SET SESSION foreign_key_checks = 0")
        for (name,) in conn.exec_driver_sql("SHOW TABLES"):
            conn.exec_driver_sql(f"DROP TABLE `{name}`")


def _touched(before: Reading, after: Reading) -> set[tuple[str, str]]:
    old, new = items(before), items(after)
    return {key for key in set(old) | set(new) if old.get(key) != new.get(key)}


def _covered(touched: set[tuple[str, str]], intended: set[tuple[str, str]]) -> set[tuple[str, str]]:
    """`touched` without what a whole new table accounts for (its items, its sequence on PostgreSQL)."""
    new_tables = {table for table, item in intended if item == "*"}
    return {(table, item) for table, item in touched
            if table not in new_tables and not (table == "sequence" and
                                                any(f".{t}_" in item for t in new_tables))}


# Steps that change a partial index's condition only: a database without partial indexes sees no change.
CONDITION_ONLY = {"change its condition"}


def test_each_release_touches_only_what_changed(backend: Backend) -> None:
    partial = get_adapter(backend.dialect).supports_partial_indexes
    shape = Shape()
    before = _reading(shape, backend)
    assert not diff_readings(before, _reading(shape, backend))["changed"]  # the same model reads the same
    for change, fields, intended in STEPS:
        shape = replace(shape, **fields)  # type: ignore[arg-type]
        intended = intended if partial or change not in CONDITION_ONLY else set()
        after = _reading(shape, backend)
        touched = _touched(before, after)
        new_tables = {table for table, item in intended if item == "*"}
        assert all(any(t == table for t, _ in touched) for table in new_tables), change
        assert _covered(touched, intended) == intended - {(t, "*") for t in new_tables}, (
            f"{backend.name}: {change}: touched {sorted(touched)}")
        before = after

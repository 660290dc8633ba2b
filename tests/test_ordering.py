"""Offline tests of ordering.py: foreign keys keep the model's declaration order, and a cycle is broken at a
table in it, deferring only the foreign keys that close it. MySQL and MariaDB name unnamed foreign keys by
creation order (`<table>_ibfk_<n>`), so these orders decide the names Atlas matches objects by."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from atlas_provider.api import build_schema
from atlas_provider.loading import Model, table_key
from atlas_provider.ordering import order_tables
from tests.support.sqlsplit import split_statements


def _statements(metadata: sa.MetaData, dialect: str = "mysql") -> list[str]:
    model = Model(tables=sorted(metadata.tables.values(), key=table_key))
    return [s.rstrip().rstrip(";") for s in split_statements(build_schema(model, dialect).text)]


def _references(sql: str) -> list[str]:
    return re.findall(r"FOREIGN KEY\((\w+)\)", sql)


@pytest.mark.parametrize("dialect", ["mysql", "mariadb", "postgresql"])
def test_inline_foreign_keys_follow_declaration_order_not_column_names(dialect: str) -> None:
    md = sa.MetaData()
    sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("invoices", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("zone_customer_id", sa.ForeignKey("customers.id")),
             sa.Column("agent_customer_id", sa.ForeignKey("customers.id")))
    create = next(s for s in _statements(md, dialect) if s.startswith("CREATE TABLE invoices"))
    assert _references(create) == ["zone_customer_id", "agent_customer_id"]


def _cycle_beside_a_waiting_table() -> sa.MetaData:
    """`alpha` (first by name) waits on the cycle beta <-> gamma but is not in it."""
    md = sa.MetaData()
    sa.Table("alpha", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("beta_id", sa.ForeignKey("beta.id")))
    sa.Table("beta", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("z_gamma_id", sa.ForeignKey("gamma.id")), sa.Column("a_gamma_id", sa.ForeignKey("gamma.id")))
    sa.Table("gamma", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("beta_id", sa.ForeignKey("beta.id")))
    return md


def test_a_cycle_is_broken_at_a_table_in_it() -> None:
    order = order_tables(list(_cycle_beside_a_waiting_table().tables.values()), can_alter=True)
    assert [t.name for t, _ in order.tables] == ["beta", "alpha", "gamma"]
    inline = {t.name: [fk.columns[0].name for fk in fks] for t, fks in order.tables}
    assert inline == {"alpha": ["beta_id"], "beta": [], "gamma": ["beta_id"]}  # alpha's key stays inline
    # only beta's keys into the cycle wait, in the order beta declares them
    assert [(fk.table.name, fk.columns[0].name) for fk in order.deferred] == [
        ("beta", "z_gamma_id"), ("beta", "a_gamma_id")]


def test_deferred_foreign_keys_are_added_in_declaration_order() -> None:
    alters = [s for s in _statements(_cycle_beside_a_waiting_table()) if s.startswith("ALTER TABLE")]
    assert [_references(s) for s in alters] == [["z_gamma_id"], ["a_gamma_id"]]


def test_a_new_foreign_key_declared_last_keeps_the_others_in_place() -> None:
    """Adding a key to a table leaves the earlier keys first: their server-given numbers do not move."""
    def invoices(*columns: str) -> list[str]:
        md = sa.MetaData()
        sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True))
        sa.Table("invoices", md, sa.Column("id", sa.Integer, primary_key=True),
                 *(sa.Column(name, sa.ForeignKey("customers.id")) for name in columns))
        return _references(next(s for s in _statements(md) if s.startswith("CREATE TABLE invoices")))

    before, after = invoices("payer_id"), invoices("payer_id", "approver_id")
    assert after[: len(before)] == before == ["payer_id"]


def test_many_separate_cycles_each_defer_one_key() -> None:
    md = sa.MetaData()
    for n in range(50):
        sa.Table(f"a{n}", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("b", sa.ForeignKey(f"b{n}.id")))
        sa.Table(f"b{n}", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a", sa.ForeignKey(f"a{n}.id")))
    order = order_tables(sorted(md.tables.values(), key=table_key), can_alter=True)
    assert len(order.tables) == 100
    assert sorted(fk.table.name for fk in order.deferred) == sorted(f"a{n}" for n in range(50))

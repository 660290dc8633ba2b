"""One name, one definition, judged by what each target receives: PostgreSQL enum types shared by name.

PostgreSQL has one type per name: two `Enum(..., name="status")` columns with different values (or the same
values in another order, which PostgreSQL sorts by) cannot both be what the model says. That is an error naming
both columns and their places; the same definition used twice is one `CREATE TYPE`.
"""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from atlas_provider.api import build_schema
from atlas_provider.errors import ModelError
from atlas_provider.loading import Model, Origin, table_key
from tests.support import BACKENDS, load_ddl


def _model(invoices: tuple[str, ...], orders: tuple[str, ...]) -> Model:
    md = sa.MetaData()
    tables = [
        sa.Table("invoices", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("status", sa.Enum(*invoices, name="status"))),
        sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("status", sa.Enum(*orders, name="status"))),
    ]
    return Model(tables=sorted(tables, key=table_key),
                 origins={t.fullname: Origin("app/models.py", n) for n, t in enumerate(tables, 4)})


@pytest.mark.parametrize(("orders", "shown"), [
    (("new", "shipped", "cancelled"), "('new', 'shipped', 'cancelled')"),
    (("paid", "draft"), "('paid', 'draft')"),  # the order is part of a PostgreSQL enum
], ids=["other values", "other order"])
def test_two_enums_of_one_name_with_different_values_are_an_error_naming_both_columns(
        orders: tuple[str, ...], shown: str) -> None:
    with pytest.raises(ModelError) as error:
        build_schema(_model(("draft", "paid"), orders), "postgresql")
    message = str(error.value)
    assert "type 'status' is defined twice, differently: ('draft', 'paid') for invoices.status at app/models.py:4, " \
           f"{shown} for orders.status at app/models.py:5" in message


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_targets_without_named_types_give_each_column_its_values(dialect: str) -> None:
    text = build_schema(_model(("draft", "paid"), ("new", "shipped")), dialect).text
    assert "'draft'" in text and "'shipped'" in text


@pytest.mark.live
def test_one_enum_used_twice_is_created_once_and_loads() -> None:
    schema = build_schema(_model(("draft", "paid"), ("draft", "paid")), "postgresql")
    assert [s for s in schema.statements if s.startswith("CREATE TYPE")] == \
        ["CREATE TYPE status AS ENUM ('draft', 'paid')"]
    with BACKENDS["postgresql"].fresh_database() as engine:
        load_ddl(schema.text, engine)
        with engine.connect() as conn:
            labels = conn.exec_driver_sql("SELECT enumlabel FROM pg_enum ORDER BY enumsortorder").scalars().all()
    assert labels == ["draft", "paid"]


def _users(md: sa.MetaData, **info: object) -> sa.Table:
    return sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), info=info)


def test_a_definition_left_out_of_a_target_and_one_that_is_not_differ() -> None:
    """The first definition of `users` leaves PostgreSQL out, the second does not: printing neither (the
    first wins by place) or the second (it loses) would each drop a choice the model states."""
    first, second = _users(sa.MetaData(), atlas={"exclude": ["postgresql"]}), _users(sa.MetaData())
    model = Model(tables=[first], origins={"users": Origin("app/a.py", 3)},
                  others={"users": [(second, Origin("app/b.py", 3))]})
    with pytest.raises(ModelError, match=r"at app/a.py:3 and at app/b.py:3, and the two differ on postgresql \(info"):
        build_schema(model, "postgresql", allow_empty=True)


def test_a_choice_about_another_target_does_not_fail_this_one() -> None:
    """One definition of `users` leaves SQLite out, the other does not: PostgreSQL receives the same table from
    both, so it prints it once; SQLite would print or drop it depending on which wins, so it refuses."""
    first, second = _users(sa.MetaData()), _users(sa.MetaData(), atlas={"exclude": ["sqlite"]})
    model = Model(tables=[first], origins={"users": Origin("app/a.py", 3)},
                  others={"users": [(second, Origin("app/b.py", 3))]})
    assert build_schema(model, "postgresql").statements == ["CREATE TABLE users (\n\tid SERIAL NOT NULL, \n\t"
                                                            "PRIMARY KEY (id)\n)"]
    with pytest.raises(ModelError, match=r"at app/a.py:3 and at app/b.py:3, and the two differ on sqlite \(info"):
        build_schema(model, "sqlite")


def test_constraints_declared_in_another_order_are_the_same_table() -> None:
    """The database keeps a table's constraints as a set: the order they are declared in is no difference."""
    def users(md: sa.MetaData, *order: int) -> sa.Table:
        constraints = [lambda: sa.UniqueConstraint("email", name="uq_email"),
                       lambda: sa.CheckConstraint("age > 0", name="ck_age")]
        return sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(80)),
                        sa.Column("age", sa.Integer), *[constraints[i]() for i in order])  # created in this order

    model = Model(tables=[users(sa.MetaData(), 0, 1)], origins={"users": Origin("app/a.py", 3)},
                  others={"users": [(users(sa.MetaData(), 1, 0), Origin("app/b.py", 3))]})
    for dialect in ("postgresql", "sqlite"):
        schema = build_schema(model, dialect)
        assert sum(s.startswith("CREATE TABLE") for s in schema.statements) == 1
        assert any("defined 2 times, identically" in note for note in schema.notes)


def test_an_enum_type_named_like_a_table_is_an_error_on_postgresql() -> None:
    md = sa.MetaData()
    tables = [sa.Table("status", md, sa.Column("id", sa.Integer, primary_key=True)),
              sa.Table("orders", md, sa.Column("id", sa.Integer, primary_key=True),
                       sa.Column("state", sa.Enum("new", "done", name="status")))]
    model = Model(tables=sorted(tables, key=table_key))
    with pytest.raises(ModelError, match="type 'status' of orders.state has the name of table 'status'"):
        build_schema(model, "postgresql")
    assert "CREATE TABLE status" in build_schema(model, "mysql").text

"""Row generation, offline: every type gets its edge cases, within the app column and the model's constraints."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path

import pytest
import sqlalchemy as sa

from atlas_provider.api import build_schema
from atlas_provider.dialects import get_adapter
from atlas_provider.loading import load_model
from atlas_provider.typefacts import target_facts
from atlas_provider.verify.rows import CASES, TablePlan, column_plan, insertion_order, plan_table

MODELS = Path(__file__).parent.parent / "models"


def plans(tables: list[sa.Table], dialect: str = "postgresql", seed: int = 0) -> dict[str, TablePlan]:
    """Plan `tables` as verify does for `dialect`: the app's column facts, the insertion order."""
    adapter = get_adapter(dialect)
    found: dict[str, TablePlan] = {}
    for table in insertion_order(tables):
        columns = {c.name: column_plan(c, target_facts(dialect, adapter.column_type(c), c.type,
                                                       adapter.dialect).facts, adapter.dialect)
                   for c in table.columns}
        found[table.fullname] = plan_table(table, columns, {c.name: bool(c.nullable) for c in table.columns},
                                           seed, found)
    return found


@pytest.fixture(scope="module")
def every_type(tmp_path_factory: pytest.TempPathFactory) -> TablePlan:
    # A copy outside the repository: loaded in-process from tests/models, its import root would be the
    # repository, where earlier tests of this process defined other tables (the example, the layouts).
    folder = tmp_path_factory.mktemp("verify-rows") / "verify_types"
    shutil.copytree(MODELS / "verify_types", folder, ignore=shutil.ignore_patterns("__pycache__"))
    model = load_model([folder], [], cwd=folder.parent)
    schema = build_schema(model, "postgresql")
    return plans(schema.tables)["every_type"]


def values(plan: TablePlan, column: str) -> list[object]:
    return [row[column] for row in plan.rows]


def test_every_column_of_every_generic_type_gets_all_its_cases(every_type: TablePlan) -> None:
    families = set()
    for name, column in every_type.columns.items():
        assert column.cases, f"{name}: no cases ({column.note})"
        families.add(column.family)
        seen = values(every_type, name)
        for case in column.cases:
            assert case in seen, f"{name}: case {case!r} never inserted"
        nullable = every_type.table.c[name].nullable and name != "id"
        assert (None in seen) == nullable, name
    assert families >= set(CASES) - {"interval"} | {"interval", "array"}


def test_the_edge_cases_are_the_hard_ones(every_type: TablePlan) -> None:
    columns = every_type.columns
    assert {-(2**31), 2**31 - 1} <= set(columns["integer"].cases)
    assert {-(2**15), 2**15 - 1} <= set(columns["small"].cases)
    assert Decimal("9999999999.99") in columns["money"].cases and Decimal("-9999999999.99") in columns["money"].cases
    assert any(abs(d) > 10**38 for d in columns["unbounded"].cases)  # beyond any fixed Decimal
    assert any(d != 0 and abs(d) < Decimal("1e-38") for d in columns["unbounded"].cases)
    assert all(len(s) <= 8 for s in columns["short"].cases) and "Grüße, 世界 🎉"[:8] in columns["short"].cases
    assert any(ord(ch) > 0xFFFF for s in columns["text"].cases for ch in s)  # outside the BMP
    assert any(v.microsecond == 999999 for v in columns["naive"].cases)
    assert any(v < dt.datetime(1970, 1, 1) for v in columns["naive"].cases)
    assert {v.utcoffset() for v in columns["aware"].cases} >= {dt.timedelta(0), dt.timedelta(hours=5, minutes=30)}
    assert set(columns["mood"].cases) == {"happy", "sad", "O'Reilly"}
    assert set(columns["label"].cases) == {"a", "b"}
    assert any(isinstance(d, dict) and d.get("big") == 12345678901234567890123 for d in columns["doc"].cases)
    assert any(None in a for a in columns["numbers"].cases) and any(None in a for a in columns["words"].cases)
    assert b"\x00\xff\x00" in columns["blob"].cases


def test_cases_are_cut_to_the_app_column() -> None:
    """MySQL stores Numeric() as DECIMAL(10, 0) and an aware DateTime naive; SQLite keeps 64 bits anywhere,
    but the model says SMALLINT: the application puts in what both allow."""
    table = sa.Table("t", sa.MetaData(), sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("n", sa.Numeric), sa.Column("at", sa.DateTime(timezone=True)),
                     sa.Column("small", sa.SmallInteger))
    mysql = plans([table], "mysql")["t"].columns
    assert max(mysql["n"].cases) == Decimal("9999999999") and all(v.tzinfo is None for v in mysql["at"].cases)
    sqlite = plans([table], "sqlite")["t"].columns
    assert max(sqlite["small"].cases) == 2**15 - 1


def test_deterministic_and_seeded(every_type: TablePlan) -> None:
    again = plans([every_type.table])["every_type"]
    assert again.rows == every_type.rows
    other = plans([every_type.table], seed=1)["every_type"]
    assert other.rows != every_type.rows
    assert set(map(repr, values(other, "doc"))) == set(map(repr, values(every_type, "doc")))  # the same cases


def test_keys_unique_and_foreign_keys_refer_to_inserted_parents() -> None:
    metadata = sa.MetaData()
    parent = sa.Table("parent", metadata, sa.Column("id", sa.Integer, primary_key=True),
                      sa.Column("code", sa.String(2), unique=True, nullable=False))
    child = sa.Table("child", metadata, sa.Column("id", sa.BigInteger, primary_key=True),
                     sa.Column("parent_id", sa.ForeignKey("parent.id"), nullable=False),
                     sa.Column("up", sa.ForeignKey("child.id")))
    found = plans([child, parent])
    assert list(found) == ["parent", "child"]  # parents first
    parents, children = found["parent"].rows, found["child"].rows
    for column in ("id", "code"):
        assert len({row[column] for row in parents}) == len(parents)
    assert len({row["id"] for row in children}) == len(children)
    parent_ids = [row["id"] for row in parents]
    assert {row["parent_id"] for row in children} <= set(parent_ids[:-1])  # the last one stays deletable
    assert children[0]["up"] is None and [r["up"] for r in children[1:]] == [r["id"] for r in children[:-1]]


def test_a_not_null_cycle_is_an_error() -> None:
    metadata = sa.MetaData()
    a = sa.Table("a", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("b_id", sa.Integer, sa.ForeignKey("b.id"), nullable=False))
    b = sa.Table("b", metadata, sa.Column("id", sa.Integer, primary_key=True),
                 sa.Column("a_id", sa.Integer, sa.ForeignKey("a.id"), nullable=False))
    with pytest.raises(Exception, match="form a cycle: a, b"):
        insertion_order([a, b])


def test_unique_expressions_make_their_columns_distinct() -> None:
    """A unique index on lower(email), and MariaDB's stand-in for it: a computed column with a unique key."""
    metadata = sa.MetaData()
    users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("email", sa.String(20), nullable=False),
                     sa.Column("nick", sa.String(20), nullable=False),
                     sa.Column("nick_lower", sa.String(20), sa.Computed(sa.text("lower(nick)")), unique=True))
    sa.Index("ix_email", sa.func.lower(users.c.email), unique=True)
    rows = plans([users])["users"].rows
    for column in ("email", "nick"):
        assert len({row[column].lower() for row in rows}) == len(rows), column

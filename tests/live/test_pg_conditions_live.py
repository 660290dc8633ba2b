"""PostgreSQL conditions the model writes (checks, partial-index WHERE) are printed in a form PostgreSQL reads back
unchanged (dialects/pg_conditions.py), with the meaning they had: many shapes at once, on the real server."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects.postgresql import DOMAIN

from atlas_provider.api import build_schema
from atlas_provider.loading import Model
from tests.support import load_ddl
from tests.support.backends import BACKENDS
from tests.support.replay import assert_replay_is_a_fixpoint

pytestmark = pytest.mark.live

ON_COLUMN = "oncol IN ('a', 'b')"  # a check declared on its column


def _columns() -> list[sa.Column]:
    return [
    sa.Column("id", sa.Integer, primary_key=True),
    sa.Column("s", sa.String(20)), sa.Column("c", sa.CHAR(5)), sa.Column("t", sa.Text), sa.Column("n", sa.Integer),
    sa.Column("b", sa.Boolean), sa.Column("d", sa.Date), sa.Column("num", sa.Numeric(10, 2)),
    sa.Column("Mixed Col", sa.String(10)), sa.Column("price$$history", sa.String(10)),
    sa.Column("dv", DOMAIN("vdom", sa.String(10))), sa.Column("vs", sa.String()),
    sa.Column("kind", sa.Enum("a", "b", "c", name="mood")),
    sa.Column("status", sa.Enum("a", "b", "c", native_enum=False, length=10)),
    sa.Column("cs", sa.String(10, collation="C")), sa.Column("État", sa.String(10)),
    sa.Column("oncol", sa.String(10), sa.CheckConstraint(ON_COLUMN, name="ck_oncol")),
    ]

# The shapes probed on PostgreSQL 15: those marked True read back differently on replay as the model writes them.
SHAPES: list[tuple[str, bool]] = [
    ("s IN ('a', 'b')", True),
    ("s NOT IN ('a', 'b')", True),
    ("s in ('a', 'b', 'c', 'd')", True),
    ("s IN ('a', NULL)", True),
    ("s IN ('a''b', 'c')", True),
    ("s IN ('a' || 'b', 'c')", True),
    ("(s) IN ('a', 'b') AND n > 0", True),
    ("n > 0 AND (s IN ('a', 'b') OR s IS NULL)", True),
    ("NOT (s IN ('a', 'b'))", True),
    ("s IN ('a', 'b') IS NOT FALSE", True),
    ("\"Mixed Col\" IN ('x', 'y')", True),
    ("\"price$$history\" IN ('x', 'y')", True),
    ("s IN ('a', 'b') OR Price$$History IS NULL", True),
    ("dv IN ('a', 'b')", True),
    ("vs IN ('a', 'b')", True),
    ("status IN ('a', 'b')", True),
    ("coalesce(s, 'a') IN ('a', 'b')", True),
    ("CAST(n AS VARCHAR(5)) IN ('1', '2')", True),
    ("n::varchar IN ('1', '2')", True),
    ("lower(s) IN ('a', 'b') AND S IN ('c', 'd')", True),
    ("s COLLATE \"C\" IN ('a', 'B')", True),
    ("cs IN ('a', 'B')", True),
    ("État IN ('a', 'b')", True),
    ("s NOT IN ('a', 'b') IS TRUE", True),
    ("s IN ('a', 'b') AND s !~ 'x' IS NULL", True),
    ("s IN ('a', 'b') OR ROW(s, n) IS NOT NULL", True),
    ("CASE WHEN n > 1 THEN s ELSE 'x' END IN ('a', 'x')", True),
    ("(CASE s WHEN 'a' THEN NULL ELSE s END) NOT IN ('b', 'c')", True),
    ("s IN ('a', 'b') AND |/ abs(n) + 9 = 13 OR s ^@ 'a' OR b IS UNKNOWN", True),
    # already stable
    ("s IN ('a')", False),
    ("s IN (t, 'x')", False),
    ("CAST(s AS TEXT) IN ('a', 'b')", False),
    ("s::text IN ('a', 'b')", False),
    ("s = ANY (ARRAY['a', 'b'])", False),
    ("c IN ('a', 'b')", False),
    ("t NOT IN ('a', 'b')", False),
    ("n IN (1, 2)", False),
    ("num IN (1.5, 2)", False),
    ("d IN ('2020-01-01', '2021-01-01')", False),
    ("kind IN ('a', 'b')", False),
    ("upper(s) IN ('A', 'B')", False),
    ("s BETWEEN 'a' AND 'm'", False),
    ("s LIKE 'a%' OR s ILIKE 'b%' OR s ~ '^c'", False),
    ("b OR NOT b OR b IS NULL", False),
    ("char_length(s) BETWEEN 1 AND 10", False),
    ("CASE WHEN n > 0 THEN s IS NOT NULL ELSE true END", False),
    ("ROW(s, n) IN (ROW('a', 1), ROW('b', 2))", False),
]

# Rows to compare each condition's meaning on: hits, misses and NULLs.
ROWS = [
    {"s": "a", "n": 16, "t": "x", "Mixed Col": "x", "price$$history": "y", "dv": "a", "vs": "b", "status": "a",
     "cs": "B", "État": "a", "oncol": "a"},
    {"s": "b", "n": 2, "t": "a", "Mixed Col": "z", "price$$history": "q", "dv": "z", "vs": "z", "status": "c"},
    {"s": "ab", "n": -1, "t": "ab", "Mixed Col": None, "price$$history": None, "dv": None, "vs": None, "cs": "b",
     "État": "c", "oncol": None},
    {"s": "a'b", "n": 0}, {"s": "c", "n": 5}, {"s": "d", "n": None}, {"s": "A", "n": 1}, {"s": None, "n": 3},
]


def _model() -> tuple[Model, dict[str, str]]:
    metadata = sa.MetaData()
    table = sa.Table("probe", metadata, *_columns())
    names = {}
    for number, (text, _) in enumerate(SHAPES):
        table.append_constraint(sa.CheckConstraint(text, name=f"ck_{number}"))
        sa.Index(f"ix_{number}", table.c.id, postgresql_where=sa.text(text))
        names[f"check probe.ck_{number}"] = names[f"partial index probe.ix_{number}"] = text
    names["check probe.ck_oncol"] = ON_COLUMN
    return Model(tables=[table]), names


@pytest.mark.full  # a sweep: tests/live/test_replay_live.py keeps one case in the default tier
def test_every_condition_is_a_fixpoint_and_means_what_the_model_says() -> None:
    backend = BACKENDS["postgresql"]
    model, names = _model()
    schema = build_schema(model, "postgresql")
    printed = {rewrite.subject: rewrite.after for rewrite in schema.losses.rewrites}
    rewritten = {names[subject] for subject in printed}
    assert rewritten == {text for text, unstable in SHAPES if unstable} | {ON_COLUMN}
    assert not schema.losses.notes
    with backend.fresh_database() as engine:
        load_ddl(schema.text, engine)
        assert_replay_is_a_fixpoint(engine, backend)
        with engine.begin() as conn:  # the meaning: each printed form holds for exactly the rows the model's does
            conn.exec_driver_sql("CREATE TABLE rows (LIKE probe)")
            conn.execute(sa.table("rows", *[sa.column(c.name) for c in _columns()]).insert(),
                         [{"id": i, **dict.fromkeys(ROWS[0]), **row} for i, row in enumerate(ROWS)])
            for subject, after in sorted(printed.items()):
                differ = conn.exec_driver_sql(
                    f"SELECT count(*) FROM rows WHERE ({names[subject]}) IS DISTINCT FROM ({after})").scalar()
                assert differ == 0, f"{subject}: {names[subject]!r} and {after!r} differ on {differ} rows"

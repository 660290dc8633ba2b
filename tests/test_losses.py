"""No silent loss on an application target (losses.py). Atlas throws away a successful run's stderr, so leaving
out or weakening what the model declares for integrity is an error that names the object and the two ways on;
cosmetic losses and the lake stay warnings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import DDL, event

from atlas_provider.api import build_schema, check_model
from atlas_provider.errors import UnsupportedError
from atlas_provider.loading import Model, table_key
from tests.defect_models import CLOSURE_CASES, ClosureCase
from tests.models import ROOT, provider


def _model(*, unique_info: dict | None = None, partial: dict | None = None, comment: str | None = None) -> Model:
    md = sa.MetaData()
    users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(50)),
                     sa.Column("active", sa.Boolean), comment=comment)
    if unique_info is not None:
        sa.Index("ix_users_email_lower", sa.func.lower(users.c.email), unique=True, info=unique_info)
    if partial is not None:
        sa.Index("ix_users_active_email", users.c.email, unique=True, **partial)
    return Model(tables=sorted(md.tables.values(), key=table_key))


def test_a_unique_expression_index_left_out_is_an_error_naming_it_and_the_ways_on() -> None:
    with pytest.raises(UnsupportedError) as caught:
        build_schema(_model(unique_info={}), "mariadb")
    message = str(caught.value)
    assert "unique expression index left out" in message and "users.ix_users_email_lower" in message
    assert 'info={"atlas": {"exclude": ["mariadb"]}}' in message and "--allow-loss" in message


def test_allow_loss_makes_it_a_warning() -> None:
    schema = build_schema(_model(unique_info={}), "mariadb", allow_loss=True)
    assert "ix_users_email_lower" not in schema.text
    assert [loss.subject for loss in schema.losses.blocking()] == ["users.ix_users_email_lower"]


def test_excluding_it_for_the_dialect_in_the_model_is_no_loss() -> None:
    schema = build_schema(_model(unique_info={"atlas": {"exclude": ["mariadb"]}}), "mariadb")
    assert not schema.losses


@pytest.mark.parametrize(("dialect", "partial"), [
    ("mysql", {"postgresql_where": sa.text("active")}),
    ("mariadb", {"postgresql_where": sa.text("active")}),
    ("sqlite", {"postgresql_where": sa.text("active")}),  # SQLite has partial indexes, but was not told this one
    ("mssql", {"sqlite_where": sa.text("active = 1")}),
])
def test_a_partial_unique_index_made_full_is_an_error(dialect: str, partial: dict) -> None:
    """A full unique index refuses rows the partial one allowed: production data may violate it."""
    with pytest.raises(UnsupportedError, match=r"partial unique index made full .*users\.ix_users_active_email"):
        build_schema(_model(partial=partial), dialect)


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_a_partial_index_the_dialect_is_told_about_stays_partial(dialect: str) -> None:
    partial = {"postgresql_where": sa.text("active"), "sqlite_where": sa.text("active")}
    schema = build_schema(_model(partial=partial), dialect)
    assert not schema.losses
    assert "WHERE active" in schema.text


def test_cosmetic_losses_stay_warnings() -> None:
    schema = build_schema(_model(comment="people"), "sqlite")
    assert schema.losses.lines() == ["sqlite: 1 comment left out (sqlite has no comments): users"]
    assert not schema.losses.blocking()


def test_the_lake_keeps_warnings() -> None:
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.ForeignKey("a.id")),
             sa.UniqueConstraint("a_id"))
    schema = build_schema(Model(tables=sorted(md.tables.values(), key=table_key)), "clickhouse")
    assert {loss.kind for loss in schema.losses.losses} >= {"foreign key", "unique constraint"}
    assert not schema.losses.blocking()


def test_a_ddl_event_creating_a_trigger_is_noted() -> None:
    """Open-source Atlas does not read triggers back from the dev database: no migration will create it."""
    md = sa.MetaData()
    table = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    event.listen(table, "after_create", DDL("CREATE TRIGGER t_touch AFTER INSERT ON t BEGIN SELECT 1; END"))
    schema = build_schema(Model(tables=[table]), "sqlite")
    assert schema.losses.lines() == [
        "sqlite: a DDL event creates a trigger; open-source Atlas does not read triggers from the dev database, "
        "so no migration will create it: add it to a migration by hand"
    ]


def _app(tmp_path: Path, index_info: str) -> Path:
    folder = tmp_path / "app"
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "models.py").write_text(textwrap.dedent(f"""
        import sqlalchemy as sa
        md = sa.MetaData()
        users = sa.Table("users", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("email", sa.String(50)))
        sa.Index("ix_users_email_lower", sa.func.lower(users.c.email), unique=True, info={index_info})
    """), encoding="utf-8")
    return folder


def test_the_command_fails_with_one_line_and_nothing_on_stdout(tmp_path: Path) -> None:
    _app(tmp_path, "{}")
    result = provider("--path", "app", "--dialect", "mariadb", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert line.startswith("atlas-provider: error: mariadb: 1 unique expression index left out")

    allowed = provider("--path", "app", "--dialect", "mariadb", "--allow-loss", cwd=tmp_path)
    assert allowed.returncode == 0 and "CREATE TABLE users" in allowed.stdout
    assert allowed.stderr.startswith("atlas-provider: warning: mariadb: 1 unique expression index left out")


def test_check_lists_the_loss_and_calls_it_drift(tmp_path: Path) -> None:
    _app(tmp_path, "{}")
    result = provider("check", "--path", "app", "--dialect", "postgresql", "--dialect", "mariadb", cwd=tmp_path)
    assert result.returncode == 3
    assert "users.ix_users_email_lower" in result.stdout
    assert "drift: mariadb: 1 unique expression index left out" in result.stderr
    allowed = provider("check", "--path", "app", "-d", "postgresql", "-d", "mariadb", "--allow-loss", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr


def test_the_example_keeps_its_uniqueness_on_mariadb() -> None:
    """A stored generated column with a unique constraint, which the model asks for on MariaDB and SQL Server."""
    for dialect in ("mariadb", "mssql"):
        result = provider("--path", "examples/shop", "--dialect", dialect, cwd=ROOT)
        assert result.returncode == 0, result.stderr
        assert "email_lower" in result.stdout and "UNIQUE (email_lower)" in result.stdout
        assert "lower(email)" in result.stdout and "unique expression index" not in result.stderr


# ---- leaving out is a closure: what depends on what a target does not get goes too, and says so -------------

CLOSURE_PAIRS = [(name, dialect) for name, case in CLOSURE_CASES.items() for dialect in case.dialects]


def _closure_model(case: ClosureCase) -> Model:
    model = Model(tables=sorted(case.build().tables.values(), key=table_key))
    check_model(model)
    return model


@pytest.mark.parametrize(("name", "dialect"), CLOSURE_PAIRS)
def test_what_depends_on_a_left_out_object_goes_with_it(name: str, dialect: str) -> None:
    """An integrity guarantee that goes (a foreign key) fails the run naming both objects; --allow-loss prints
    the rest without it. A dependent that guards nothing (a computed column, an index) goes with a warning."""
    case = CLOSURE_CASES[name]
    model = _closure_model(case)
    if case.chain:
        with pytest.raises(UnsupportedError) as refused:
            build_schema(model, dialect, skip_defects=case.skip_defects)
        assert all(part in str(refused.value) for part in case.chain), str(refused.value)
        assert "\n" not in str(refused.value)
    schema = build_schema(model, dialect, skip_defects=case.skip_defects, allow_loss=True)
    body = "\n".join(schema.statements)
    assert [text for text in case.gone if text in body] == []
    assert "CREATE TABLE" in body


def test_the_fixpoint_takes_a_chain_and_names_each_link() -> None:
    schema = build_schema(_closure_model(CLOSURE_CASES["computed columns and indexes over an excluded column"]),
                          "postgresql")
    assert not schema.losses.blocking()
    lines = schema.losses.lines()
    assert any("computed column left out (it is computed from items.qty" in line and line.endswith("items.total")
               for line in lines), lines
    assert any("computed column left out (it is computed from items.total" in line and "items.total_twice" in line
               for line in lines), lines
    assert any("index left out (its postgresql_where uses items.qty" in line for line in lines), lines
    assert any("ix_items_price_qty" in line for line in lines) and any("ix_items_total_twice" in line for line in lines)
    table = next(s for s in schema.statements if s.startswith("CREATE TABLE items"))
    assert "qty" not in table and "total" not in table and "price" in table
    assert not any("ix_items" in s for s in schema.statements)


def test_the_command_refuses_an_exclusion_that_drops_a_foreign_key(tmp_path: Path) -> None:
    """Issue 17's case on the command line: one line naming both objects, nothing on stdout."""
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(textwrap.dedent("""
        from tests.defect_models import CLOSURE_CASES
        metadata = CLOSURE_CASES["a foreign key to an excluded table"].build()
    """), encoding="utf-8")
    result = provider("--model", "app.models:metadata", "--dialect", "postgresql", cwd=tmp_path,
                      env={"PYTHONPATH": f"{ROOT}:{tmp_path}"})
    assert (result.returncode, result.stdout) == (1, "")
    [line] = result.stderr.splitlines()
    assert "orders.customer_id -> customers.id" in line and "customers, which this target does not get" in line

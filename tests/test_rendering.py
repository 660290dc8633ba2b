"""Offline tests of ordering and rendering: what Atlas needs to execute the file in one pass."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import DDL, event

from atlas_provider.api import build_schema
from atlas_provider.loading import Model
from atlas_provider.rendering import DELIMITER, has_bare_semicolon
from tests.support.sqlsplit import split_statements


def _model(metadata: sa.MetaData) -> Model:
    return Model(tables=sorted(metadata.tables.values(), key=lambda t: (t.schema or "", t.name)))


def _statements(metadata: sa.MetaData, dialect: str) -> list[str]:
    return [s.rstrip().rstrip(";") for s in split_statements(build_schema(_model(metadata), dialect).text)]


def test_percent_signs_are_not_doubled() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True),
             sa.Column("x", sa.String(5), server_default="a%b", comment="50%"),
             sa.CheckConstraint("x LIKE 'a%'", name="ck_t_x"))
    for dialect in ("postgresql", "mysql", "mariadb", "sqlite", "mssql"):
        text = build_schema(_model(md), dialect).text
        assert "%%" not in text, dialect
        assert "'a%'" in text and "'a%b'" in text, dialect


def test_cycle_defers_one_foreign_key_after_all_tables() -> None:
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("b_id", sa.ForeignKey("b.id")))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("c_id", sa.ForeignKey("c.id")))
    sa.Table("c", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.ForeignKey("a.id")))
    statements = _statements(md, "postgresql")
    creates = [s.split("(")[0].split()[-1] for s in statements if s.startswith("CREATE TABLE")]
    alters = [s for s in statements if s.startswith("ALTER TABLE")]
    # the cycle is broken at the first table by name; the others follow their dependencies
    assert creates == ["a", "c", "b"]
    assert alters == ["ALTER TABLE a ADD FOREIGN KEY(b_id) REFERENCES b (id)"]
    assert statements.index(alters[0]) == len(statements) - 1


def test_sqlite_keeps_cycle_foreign_keys_inline() -> None:
    md = sa.MetaData()
    sa.Table("a", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("b_id", sa.ForeignKey("b.id")))
    sa.Table("b", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("a_id", sa.ForeignKey("a.id")))
    statements = _statements(md, "sqlite")
    assert not any(s.startswith("ALTER") for s in statements)
    assert sum("REFERENCES" in s for s in statements) == 2


def test_ties_are_broken_by_schema_then_name() -> None:
    md = sa.MetaData()
    for schema, name in [("z", "a"), (None, "b"), (None, "a"), ("m", "c")]:
        sa.Table(name, md, sa.Column("id", sa.Integer, primary_key=True), schema=schema)
    statements = _statements(md, "postgresql")
    assert [s for s in statements if s.startswith("CREATE SCHEMA")] == ["CREATE SCHEMA m", "CREATE SCHEMA z"]
    creates = [s.split("(")[0].split()[-1] for s in statements if s.startswith("CREATE TABLE")]
    assert creates == ["a", "b", "m.c", "z.a"]


def test_function_body_switches_to_atlas_delimiter() -> None:
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True))
    body = "CREATE FUNCTION one() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql"
    event.listen(t, "after_create", DDL(body).execute_if(dialect="postgresql"))
    text = build_schema(_model(md), "postgresql").text
    assert text.startswith(f"-- atlas:delimiter {DELIMITER}\n\n")
    statements = split_statements(text)
    assert statements[-1] == body
    # the listener is for PostgreSQL only
    assert "FUNCTION" not in build_schema(_model(md), "sqlite").text


def test_semicolon_inside_a_string_does_not_switch_delimiter() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), comment="one; two")
    text = build_schema(_model(md), "postgresql").text
    assert not text.startswith("-- atlas:delimiter")
    assert "COMMENT ON TABLE t IS 'one; two';" in text


def test_bare_semicolon_detection() -> None:
    assert not has_bare_semicolon("COMMENT ON TABLE x IS 'a; b'")
    assert not has_bare_semicolon('CREATE TABLE "a;b" (x int)')
    assert not has_bare_semicolon("-- a;b\nSELECT 1")
    assert not has_bare_semicolon("SELECT 'it''s; x'")
    assert has_bare_semicolon("CREATE TRIGGER t AFTER INSERT ON x BEGIN UPDATE x SET a = 1; END")
    assert has_bare_semicolon("CREATE FUNCTION f() RETURNS int AS $$ BEGIN RETURN 1; END $$ LANGUAGE plpgsql")


def test_check_text_is_kept_exactly() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("qty", sa.Integer, primary_key=True),
             sa.CheckConstraint("qty >= 0\nAND qty < 10", name="ck_qty"))
    assert "CHECK (qty >= 0\nAND qty < 10)" in build_schema(_model(md), "postgresql").text


def test_postgresql_generated_columns_are_stored() -> None:
    md = sa.MetaData()
    sa.Table("t", md, sa.Column("a", sa.Integer, primary_key=True), sa.Column("b", sa.Integer, sa.Computed("a * 2")))
    # PostgreSQL before 18 (Atlas's dev image is 15) rejects a generated column without STORED
    assert "b INTEGER GENERATED ALWAYS AS (a * 2) STORED" in build_schema(_model(md), "postgresql").text


TRIGGER_BODY = (
    "CREATE TRIGGER t_touch BEFORE UPDATE ON t FOR EACH ROW\nBEGIN\n"
    "  -- endless recursion guard: touch only when something changed\n"
    "  SET NEW.touched = NEW.touched + 1;\nEND"
)


def test_the_delimiter_occurs_nowhere_in_the_statements_it_separates() -> None:
    """Atlas ends a statement wherever the delimiter starts, before it looks for a comment: `-- end` would cut
    this trigger at its comment, so the run takes the next delimiter that occurs nowhere in its text."""
    md = sa.MetaData()
    t = sa.Table("t", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("touched", sa.Integer))
    event.listen(t, "after_create", DDL(TRIGGER_BODY))
    for dialect in ("mysql", "mariadb", "sqlite"):
        text = build_schema(_model(md), dialect).text
        assert text.startswith(f"-- atlas:delimiter {DELIMITER} 2\n\n"), dialect
        assert split_statements(text, dialect)[-1] == TRIGGER_BODY, dialect
        # what Atlas did with the old fixed delimiter: the body cut at its comment
        fixed = text.replace(f"{DELIMITER} 2\n", f"{DELIMITER}\n")
        assert TRIGGER_BODY not in split_statements(fixed, dialect), dialect


def test_the_delimiter_is_chosen_against_every_statement_and_position_line() -> None:
    from atlas_provider.rendering import choose_delimiter

    assert choose_delimiter(["SELECT 1;"]) == DELIMITER
    assert choose_delimiter(["x -- endless", "y"]) == f"{DELIMITER} 2"
    assert choose_delimiter(["-- end", f"{DELIMITER} 2 and {DELIMITER} 3"]) == f"{DELIMITER} 4"

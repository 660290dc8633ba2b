"""MySQL and MariaDB, offline. MariaDB gets MySQL's statements except the expression indexes it cannot build."""

from __future__ import annotations

from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import DDL, event

from tests.dialects import cycle_model, ddl, heads, schema_of, stock_model

ITEMS = (
    "CREATE TABLE items (\n"
    "\tid INTEGER NOT NULL AUTO_INCREMENT, \n"
    "\tname VARCHAR(50) NOT NULL COMMENT 'Display name' DEFAULT 'unnamed', \n"
    "\tqty INTEGER NOT NULL DEFAULT 0, \n"
    "\tdouble_qty INTEGER GENERATED ALWAYS AS (qty * 2) STORED, \n"
    "\tsize ENUM('small','large') NOT NULL, \n"
    "\tgrade VARCHAR(5) NOT NULL, \n"
    "\tactive BOOL NOT NULL DEFAULT true, \n"
    "\tadded DATETIME DEFAULT (now()), \n"
    "\tcode VARCHAR(10), \n"
    "\tCONSTRAINT pk_items PRIMARY KEY (id), \n"
    "\tCONSTRAINT ck_items_qty_range CHECK (qty >= 0\nAND qty < 1000), \n"
    "\tCONSTRAINT ck_items_item_grade CHECK (grade IN ('small', 'large')), \n"
    "\tCONSTRAINT uq_items_code UNIQUE (code)\n"
    ")COMMENT='Stock items';"
)
NOTES = (
    "CREATE TABLE notes (\n"
    "\tid INTEGER NOT NULL AUTO_INCREMENT, \n"
    "\titem_id INTEGER, \n"
    "\tCONSTRAINT pk_notes PRIMARY KEY (id), \n"
    "\tCONSTRAINT fk_notes_item_id_items FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE\n"
    ");"
)


def test_mysql_everything_the_model_declares_reaches_the_ddl() -> None:
    schema = schema_of(stock_model(), dialect="mysql")

    assert ddl(stock_model(), dialect="mysql") == [
        ITEMS,  # comments and the enum inline
        "CREATE INDEX ix_items_lower_name ON items ((lower(name)));",  # a functional key part (8.0.13+)
        "CREATE INDEX ix_items_name ON items (name);",  # no partial indexes: the whole column
        "CREATE VIEW item_names AS SELECT name FROM items;",
        NOTES,
    ]
    # A partial index made full is said (a warning: a plain index decides no row's fate)
    assert schema.losses.lines() == [
        "mysql: 1 partial index made full (the condition is dropped; mysql has no partial indexes): items.ix_items_name"
    ]
    assert not schema.losses.blocking()


def test_mariadb_leaves_expression_indexes_out_and_says_so() -> None:
    schema = schema_of(stock_model(), dialect="mariadb")

    assert ddl(stock_model(), dialect="mariadb") == [
        ITEMS,
        "CREATE INDEX ix_items_name ON items (name);",
        "CREATE VIEW item_names AS SELECT name FROM items;",
        NOTES,
    ]
    assert schema.losses.lines() == [
        "mariadb: 1 expression index left out (MariaDB indexes columns only; index a generated column "
        "instead): items.ix_items_lower_name",
        "mariadb: 1 partial index made full (the condition is dropped; mariadb has no partial indexes): items.ix_items_name",
    ]


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_a_trigger_body_switches_to_the_delimiter_directive(dialect: str) -> None:
    metadata = sa.MetaData()
    docs = sa.Table("docs", metadata, sa.Column("id", sa.Integer, primary_key=True),
                    sa.Column("title", sa.String(20)), schema="cms")
    body = "FOR EACH ROW\nBEGIN\n  SET NEW.title = trim(NEW.title);\nEND"
    trigger = DDL(f"CREATE TRIGGER docs_trim BEFORE INSERT ON %(fullname)s {body}")
    event.listen(docs, "after_create", trigger.execute_if(dialect=("mysql", "mariadb")))

    assert schema_of(metadata, dialect=dialect).text == (
        "-- atlas:delimiter -- end\n\n"
        "CREATE SCHEMA cms\n-- end\n\n"
        "CREATE TABLE cms.docs (\n"
        "\tid INTEGER NOT NULL AUTO_INCREMENT, \n\ttitle VARCHAR(20), \n\tPRIMARY KEY (id)\n)\n-- end\n\n"
        f"CREATE TRIGGER docs_trim BEFORE INSERT ON cms.docs {body}\n-- end\n"
    )


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_foreign_key_cycle_is_closed_by_alter_table(dialect: str) -> None:
    assert heads(ddl(cycle_model(), dialect=dialect)) == [
        "CREATE TABLE a_side (",
        "CREATE TABLE b_side (",
        "CREATE TABLE c_after (",
        "ALTER TABLE a_side ADD FOREIGN KEY(b_id) REFERENCES b_side (id);",
    ]


def test_schemas_are_databases_created_unless_asked_not_to() -> None:
    metadata = sa.MetaData()
    sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True), schema="audit")

    assert heads(ddl(metadata, dialect="mysql")) == ["CREATE SCHEMA audit;", "CREATE TABLE audit.events ("]
    assert heads(ddl(metadata, dialect="mysql", create_schemas=False)) == ["CREATE TABLE audit.events ("]


class _DefaultLengthOnMySQL(sa.types.TypeDecorator[str]):
    """What SQLModel's AutoString does: a length for MySQL, chosen by the dialect's name."""

    impl = sa.String
    cache_ok = True

    def load_dialect_impl(self, dialect: sa.engine.Dialect) -> sa.types.TypeEngine[str]:
        if dialect.name == "mysql":
            return dialect.type_descriptor(sa.String(255))
        return super().load_dialect_impl(dialect)


def _lengths_model() -> sa.MetaData:
    metadata = sa.MetaData()
    table = sa.Table("docs", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("title", _DefaultLengthOnMySQL()), sa.Column("body", sa.Text),
                     mysql_engine="InnoDB")
    sa.Index("ix_docs_title", table.c.title, mysql_length=64)
    sa.Index("ix_docs_body", table.c.body, mysql_length=100, mariadb_length=200)
    return metadata


def test_mariadb_honours_the_models_mysql_options_and_name_checks_as_a_mysql_url_does() -> None:
    # An application on MariaDB that connects with mysql+pymysql:// runs create_all() with a dialect named
    # "mysql" (is_mariadb set): mysql_* options apply, and third-party types see "mysql"; a mariadb_* option,
    # which SQLAlchemy reads for mariadb:// URLs, wins over its mysql_* twin. MariaDB's own compilation stays:
    # its reserved words (BODY).
    assert ddl(_lengths_model(), dialect="mariadb") == [
        "CREATE TABLE docs (\n\tid INTEGER NOT NULL AUTO_INCREMENT, \n\ttitle VARCHAR(255), \n\t`body` TEXT, \n"
        "\tPRIMARY KEY (id)\n)ENGINE=InnoDB;",
        "CREATE INDEX ix_docs_body ON docs (`body`(200));",
        "CREATE INDEX ix_docs_title ON docs (title(64));",
    ]


def test_mysql_ignores_mariadb_options() -> None:
    assert ddl(_lengths_model(), dialect="mysql")[1:] == [
        "CREATE INDEX ix_docs_body ON docs (body(100));",
        "CREATE INDEX ix_docs_title ON docs (title(64));",
    ]


def test_mariadb_keeps_an_index_whose_key_parts_are_ordered_columns() -> None:
    # mlflow's idx_mcp_server_versions_latest: text("version_major DESC") is a column in descending order,
    # not a functional key part (https://mariadb.com/kb/en/create-index/#index-definitions)
    metadata = sa.MetaData()
    table = sa.Table("versions", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("major", sa.Integer), sa.Column("minor", sa.Integer))
    sa.Index("ix_versions_latest", table.c.id, sa.text("major DESC"), table.c.minor.desc())

    schema = schema_of(metadata, dialect="mariadb")
    assert "CREATE INDEX ix_versions_latest ON versions (id, major DESC, minor DESC);" in schema.text
    assert schema.losses.lines() == []


# ---- names Atlas's scanner reads as the server does -----------------------------------------------------------

@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
@pytest.mark.parametrize("name", ["a\\b", "a\\\\", "a`b", "x`\\\\y"])
def test_names_with_backslashes_atlas_reads_as_the_server_are_printed(dialect: str, name: str) -> None:
    metadata = sa.MetaData()
    sa.Table("files", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column(name, sa.Integer))
    quoted = "`" + name.replace("`", "``") + "`"
    (statement,) = ddl(metadata, dialect=dialect)  # split by Atlas's scanner for the driver: one statement
    assert f"\t{quoted} INTEGER, \n" in statement


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
@pytest.mark.parametrize("name", ["dir\\", "a\\`b", "\\\\\\"])
def test_a_name_atlas_would_read_differently_is_refused_naming_it(dialect: str, name: str) -> None:
    from atlas_provider.errors import RenderError

    metadata = sa.MetaData()
    sa.Table("files", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column(name, sa.Integer))
    with pytest.raises(RenderError, match=r"files \(" + dialect + r"\): cannot compile CreateTable: the name "
                       + r".* cannot be written so that Atlas reads it as the server does"):
        schema_of(metadata, dialect=dialect)


def test_the_refusal_is_one_line_and_exit_1(tmp_path: Path) -> None:
    from tests.models import provider

    (tmp_path / "models.py").write_text(
        "import sqlalchemy as sa\nmd = sa.MetaData()\n"
        "sa.Table('files', md, sa.Column('id', sa.Integer, primary_key=True), sa.Column('dir\\\\', sa.Text))\n",
        encoding="utf-8")
    result = provider("--path", "models.py", "--dialect", "mariadb", cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    assert len(result.stderr.splitlines()) == 1 and "'dir\\\\'" in result.stderr, result.stderr


@pytest.mark.parametrize("dialect", ["mysql", "mariadb"])
def test_a_generated_column_is_written_as_stated_when_geoalchemy2_is_imported(dialect: str) -> None:
    """GeoAlchemy2, once imported (any PostGIS model), registers its own compilation of every Computed on
    MySQL and MariaDB: STORED is dropped and each "st_" is cut out of the expression (first_name -> firname)."""
    import geoalchemy2  # noqa: F401

    metadata = sa.MetaData()
    sa.Table("people", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("first_name", sa.String(50)),
             sa.Column("shout", sa.String(50), sa.Computed("upper(first_name)", persisted=True)))
    assert "shout VARCHAR(50) GENERATED ALWAYS AS (upper(first_name)) STORED" in "".join(ddl(metadata, dialect=dialect))

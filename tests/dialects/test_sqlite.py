"""SQLite, offline: one namespace, no comments, no ALTER TABLE ... ADD CONSTRAINT."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy import DDL, event

from tests.dialects import cycle_model, ddl, heads, schema_of, stock_model


def test_everything_the_model_declares_reaches_the_ddl() -> None:
    schema = schema_of(stock_model(), dialect="sqlite")

    assert ddl(stock_model(), dialect="sqlite") == [
        "CREATE TABLE items (\n"
        "\tid INTEGER NOT NULL, \n"
        "\tname VARCHAR(50) DEFAULT 'unnamed' NOT NULL, \n"
        "\tqty INTEGER DEFAULT 0 NOT NULL, \n"
        "\tdouble_qty INTEGER GENERATED ALWAYS AS (qty * 2) STORED, \n"
        "\tsize VARCHAR(5) NOT NULL, \n"
        "\tgrade VARCHAR(5) NOT NULL, \n"
        "\tactive BOOLEAN DEFAULT 1 NOT NULL, \n"
        "\tadded DATETIME DEFAULT CURRENT_TIMESTAMP, \n"
        "\tcode VARCHAR(10), \n"
        "\tCONSTRAINT pk_items PRIMARY KEY (id), \n"
        "\tCONSTRAINT ck_items_qty_range CHECK (qty >= 0\nAND qty < 1000), \n"
        "\tCONSTRAINT ck_items_item_grade CHECK (grade IN ('small', 'large')), \n"
        "\tCONSTRAINT uq_items_code UNIQUE (code)\n"
        ");",
        "CREATE INDEX ix_items_lower_name ON items (lower(name));",
        "CREATE INDEX ix_items_name ON items (name) WHERE active;",
        "CREATE VIEW item_names AS SELECT name FROM items;",
        "CREATE TABLE notes (\n"
        "\tid INTEGER NOT NULL, \n"
        "\titem_id INTEGER, \n"
        "\tCONSTRAINT pk_notes PRIMARY KEY (id), \n"
        "\tCONSTRAINT fk_notes_item_id_items FOREIGN KEY(item_id) REFERENCES items (id) ON DELETE CASCADE\n"
        ");",
    ]
    assert schema.losses.lines() == ["sqlite: 2 comments left out (sqlite has no comments): items, items.name"]


def test_foreign_key_cycles_stay_inline() -> None:
    # SQLite accepts a reference to a table created later, and has no ALTER TABLE ... ADD CONSTRAINT.
    statements = ddl(cycle_model(), dialect="sqlite")

    assert heads(statements) == ["CREATE TABLE a_side (", "CREATE TABLE b_side (", "CREATE TABLE c_after ("]
    assert "FOREIGN KEY(b_id) REFERENCES b_side (id)" in statements[0]


def test_schemas_are_flattened_and_events_kept() -> None:
    metadata = sa.MetaData()
    sa.Table("authors", metadata, sa.Column("id", sa.Integer, primary_key=True), schema="lib")
    books = sa.Table("books", metadata, sa.Column("id", sa.Integer, primary_key=True),
                     sa.Column("author_id", sa.ForeignKey("lib.authors.id")), schema="lib")
    event.listen(books, "after_create", DDL(
        "CREATE TRIGGER books_stamp AFTER INSERT ON %(fullname)s\n"
        "BEGIN\n  UPDATE books SET author_id = author_id WHERE id = NEW.id;\nEND"
    ))

    assert schema_of(metadata, dialect="sqlite").text == (
        "-- atlas:delimiter -- end\n\n"
        "CREATE TABLE authors (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n)\n-- end\n\n"
        "CREATE TABLE books (\n\tid INTEGER NOT NULL, \n\tauthor_id INTEGER, \n\tPRIMARY KEY (id), \n"
        "\tFOREIGN KEY(author_id) REFERENCES authors (id)\n)\n-- end\n\n"
        "CREATE TRIGGER books_stamp AFTER INSERT ON books\n"
        "BEGIN\n  UPDATE books SET author_id = author_id WHERE id = NEW.id;\nEND\n-- end\n"
    )


def test_identity_is_sqlites_rowid() -> None:
    metadata = sa.MetaData()
    sa.Table("t", metadata, sa.Column("id", sa.Integer, sa.Identity(), primary_key=True))

    assert ddl(metadata, dialect="sqlite") == ["CREATE TABLE t (\n\tid INTEGER NOT NULL, \n\tPRIMARY KEY (id)\n);"]

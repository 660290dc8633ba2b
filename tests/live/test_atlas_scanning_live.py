"""Output Atlas's statement scanner reads as the server does (tests/support/sqlsplit.py ports it per driver):
names with `$` on PostgreSQL, backslashes in MySQL/MariaDB names, a body whose comment starts with the usual
delimiter. Each loads as the model says, split as Atlas splits it."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from sqlalchemy import DDL, event

from atlas_provider.api import build_schema
from atlas_provider.dialects import get_adapter
from atlas_provider.loading import Model
from tests.support import Backend, load_ddl, reflect

pytestmark = pytest.mark.live

# Per backend: the names, and a DDL event whose body holds `;` and a comment starting with `-- end`.
NAMES = {
    "postgresql": ["price$$history", "amount$", "a$b$c"],
    "mysql": ["a\\b", "a\\\\", "price$$history"],  # a backquote too (offline tests): SQLAlchemy reflects it doubled
    "sqlite": ["price$$history", "a$b"],
}
NAMES["mariadb"] = NAMES["mysql"]
BODIES = {
    "postgresql": "CREATE FUNCTION touch() RETURNS trigger AS $fn$\nBEGIN\n  -- endless recursion guard\n"
                  "  NEW.n := NEW.n + 1;\n  RETURN NEW;\nEND\n$fn$ LANGUAGE plpgsql",
    "mysql": "CREATE TRIGGER touch BEFORE UPDATE ON {table} FOR EACH ROW\nBEGIN\n  -- endless recursion guard\n"
             "  SET NEW.n = NEW.n + 1;\nEND",
    "sqlite": "CREATE TRIGGER touch AFTER UPDATE ON {table} FOR EACH ROW\nBEGIN\n  -- endless recursion guard\n"
              "  UPDATE {table} SET n = n + 1 WHERE id = NEW.id AND 0;\nEND",
}
BODIES["mariadb"] = BODIES["mysql"]


def test_names_and_bodies_atlas_splits_load_as_the_model_says(backend: Backend) -> None:
    metadata = sa.MetaData()
    names = NAMES[backend.dialect]
    table = sa.Table(names[0], metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("n", sa.Integer),
                     *[sa.Column(name, sa.Integer) for name in names[1:]])
    sa.Index(f"ix_{names[1]}", table.c[names[1]])
    preparer = get_adapter(backend.dialect).dialect.identifier_preparer
    event.listen(table, "after_create", DDL(BODIES[backend.dialect].format(table=preparer.quote(names[0]))))
    schema = build_schema(Model(tables=[table]), backend.dialect)
    assert schema.text.startswith("-- atlas:delimiter -- end 2\n")
    with backend.fresh_database() as engine:
        load_ddl(schema.text, engine)  # split by Atlas's scanner for this driver
        found = reflect(engine).tables[names[0]]
        assert [c.name for c in found.columns] == ["id", "n", *names[1:]]
        assert {i.name for i in found.indexes} >= {f"ix_{names[1]}"}

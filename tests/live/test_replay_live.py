"""The replay stand-in (tests/support/replay.py) on what the provider prints, and on what it must catch: a
check PostgreSQL reads back differently every time, and foreign-key numbers that differ from create_all()'s."""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy.engine import Engine

from atlas_provider.api import build_schema
from atlas_provider.loading import load_model
from tests.models import provider
from tests.support import Backend, load_ddl
from tests.support.replay import assert_replay_is_a_fixpoint, foreign_key_names

pytestmark = pytest.mark.live
PACKAGE = "replayapp"  # imported in-process too, and evicted after each test


def _write(tmp_path: Path, body: str) -> Path:
    folder = tmp_path / PACKAGE
    folder.mkdir()
    (folder / "__init__.py").write_text("", encoding="utf-8")
    (folder / "models.py").write_text("import sqlalchemy as sa\nmd = sa.MetaData()\n" + textwrap.dedent(body),
                                      encoding="utf-8")
    return tmp_path


def _load(tmp_path: Path, backend: Backend, engine: Engine) -> tuple[str, list[sa.Table]]:
    result = provider("--path", PACKAGE, "--dialect", backend.dialect, cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    load_ddl(result.stdout, engine)
    try:
        return result.stderr, build_schema(load_model([PACKAGE], cwd=tmp_path), backend.dialect).tables
    finally:
        for name in [m for m in sys.modules if m == PACKAGE or m.startswith(PACKAGE + ".")]:
            del sys.modules[name]


GENERATED_CHECKS = """
sa.Table("tickets", md, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("kind", sa.Enum("bug", "feature", "question", native_enum=False, create_constraint=True)),
         sa.Column("open", sa.Boolean(create_constraint=True), server_default=sa.true()),
         sa.Column("title", sa.String(40), server_default="untitled"),
         sa.CheckConstraint("length(title) > 0", name="title_given"))
"""


def test_checks_sqlalchemy_generates_are_a_fixpoint(tmp_path: Path, backend: Backend, fresh_db: Engine) -> None:
    stderr, tables = _load(_write(tmp_path, GENERATED_CHECKS), backend, fresh_db)
    assert stderr == ""
    reading = assert_replay_is_a_fixpoint(fresh_db, backend, tables)
    assert any("bug" in text for text in reading.objects.values())  # the enum's check was read


UNSTABLE = """
sa.Table("tickets", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("status", sa.String(10)),
         sa.CheckConstraint("status IN ('open', 'closed')", name="status_known"),
         sa.Index("ix_open", "id", postgresql_where=sa.text("status NOT IN ('closed', 'gone')")))
"""


def test_an_unstable_user_condition_is_printed_stable_and_the_replay_sees_why(tmp_path: Path) -> None:
    """PostgreSQL: the model's own text, loaded as written, is what the replay finds unstable; the provider prints
    the same meaning in the stable form, says so, and that is a fixpoint."""
    from tests.support.backends import BACKENDS

    backend = BACKENDS["postgresql"]
    with backend.fresh_database() as engine:
        load_ddl("CREATE TABLE tickets (id INTEGER PRIMARY KEY, status VARCHAR(10), "
                 "CONSTRAINT status_known CHECK (status IN ('open', 'closed')));", engine)
        with pytest.raises(AssertionError, match="reading of its own reading differs"):
            assert_replay_is_a_fixpoint(engine, backend)
    with backend.fresh_database() as engine:
        stderr, tables = _load(_write(tmp_path, UNSTABLE), backend, engine)
        assert "check tickets.status_known: printed as CAST(status AS TEXT) IN ('open', 'closed')" in stderr
        assert "partial index tickets.ix_open: printed as NOT CAST(status AS TEXT) IN ('closed', 'gone')" in stderr
        assert_replay_is_a_fixpoint(engine, backend, tables)


FOREIGN_KEYS = """
sa.Table("customers", md, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("referrer_id", sa.ForeignKey("customers.id")))
sa.Table("invoices", md, sa.Column("id", sa.Integer, primary_key=True),
         sa.Column("payer_id", sa.ForeignKey("customers.id")), sa.Column("approver_id", sa.ForeignKey("customers.id")),
         sa.Column("agent_id", sa.ForeignKey("customers.id")))
# a cycle beside a table that waits on it: only the key that closes the cycle is added later
sa.Table("alpha", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("beta_id", sa.ForeignKey("beta.id")))
sa.Table("beta", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("gamma_id", sa.ForeignKey("gamma.id")),
         sa.Column("invoice_id", sa.ForeignKey("invoices.id")))
sa.Table("gamma", md, sa.Column("id", sa.Integer, primary_key=True), sa.Column("beta_id", sa.ForeignKey("beta.id")))
"""


@pytest.mark.parametrize("backend_name", ["mysql", "mariadb"])
def test_foreign_key_names_are_create_alls(tmp_path: Path, backend_name: str) -> None:
    from tests.support.backends import BACKENDS

    backend = BACKENDS[backend_name]
    with backend.fresh_database() as engine:
        _, tables = _load(_write(tmp_path, FOREIGN_KEYS), backend, engine)
        names = foreign_key_names(engine, [])
        assert names[".invoices"] == {
            "invoices_ibfk_1": ("payer_id", "->", "customers", "id"),
            "invoices_ibfk_2": ("approver_id", "->", "customers", "id"),
            "invoices_ibfk_3": ("agent_id", "->", "customers", "id"),
        }
        assert_replay_is_a_fixpoint(engine, backend, tables)

"""Model defects per target, offline: each defect is refused only where the target's database rejects it,
emitted with a warning where it accepts it, and --skip-defects leaves out exactly what the target rejects.

The statements are compared with those of the same model without the defective object, so "the rest is
printed" means byte for byte. tests/live/test_defects_live.py runs the same models on the real databases.
"""

from __future__ import annotations

import json
from pathlib import Path

import pytest
import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, Integer, MetaData, String, Table

from atlas_provider import Model, ModelError, build_schema, check_model
from atlas_provider.errors import UnsupportedError
from atlas_provider.api import Schema
from atlas_provider.loading import Origin, table_key
from tests.defect_models import ACCEPTED, CLEAN, DEFECT_CASES, DIALECTS, ERROR, REJECTED, DefectCase
from tests.support import run_provider

PAIRS = [(name, dialect) for name, case in DEFECT_CASES.items() for dialect in case.dialects]


def model_of(metadata: MetaData, origins: dict[str, Origin] | None = None) -> Model:
    model = Model(tables=sorted(metadata.tables.values(), key=table_key), origins=origins or {})
    check_model(model)
    return model


def schema(case: DefectCase, dialect: str, *, defect: bool = True, skip_defects: bool = False) -> Schema:
    return build_schema(model_of(case.build(defect)), dialect, skip_defects=skip_defects)


def pairs_with(*verdicts: str) -> list[tuple[str, str]]:
    return [(name, dialect) for name, dialect in PAIRS if DEFECT_CASES[name].verdict(dialect) in verdicts]


@pytest.mark.parametrize(("name", "dialect"), pairs_with(REJECTED, ERROR))
def test_refused_where_the_database_rejects_it(name: str, dialect: str) -> None:
    case = DEFECT_CASES[name]
    with pytest.raises(ModelError) as raised:
        schema(case, dialect)
    message = str(raised.value)
    assert case.subject in message
    assert "\n" not in message


@pytest.mark.parametrize(("name", "dialect"), pairs_with(REJECTED))
def test_skip_defects_leaves_out_exactly_what_the_target_rejects(name: str, dialect: str) -> None:
    case = DEFECT_CASES[name]
    skipped = schema(case, dialect, skip_defects=True)
    assert skipped.text == schema(case, dialect, defect=False).text
    assert len(skipped.skipped) == case.left_out
    assert {d.subject for d in skipped.skipped} == {case.subject}
    lines = [line for line in skipped.notes if "left out" in line]
    assert len(lines) == case.left_out and all(line.startswith(f"{dialect}: ") for line in lines)
    assert all(case.subject in line and "--skip-defects" in line for line in lines)


@pytest.mark.parametrize(("name", "dialect"), pairs_with(ERROR))
def test_refused_even_under_skip_defects_where_nothing_can_be_left_out(name: str, dialect: str) -> None:
    """A table or column name, an enum label: leaving the object out would change every statement that uses it."""
    case = DEFECT_CASES[name]
    with pytest.raises(ModelError) as raised:
        schema(case, dialect, skip_defects=True)
    assert case.subject in str(raised.value) and "--skip-defects" not in str(raised.value)


@pytest.mark.parametrize(("name", "dialect"), pairs_with(ACCEPTED))
def test_emitted_with_a_warning_where_the_database_accepts_it(name: str, dialect: str) -> None:
    case = DEFECT_CASES[name]
    result = schema(case, dialect)
    assert result.text != schema(case, dialect, defect=False).text  # the foreign key is there
    assert case.accepted_text in result.text
    assert [line for line in result.notes if case.subject in line] == result.notes
    assert len(result.notes) == 1 and result.notes[0].startswith(f"{dialect}: ")
    assert f"{dialect} " in result.notes[0]  # says what this database does with it
    # nothing this target accepts is left out by --skip-defects
    assert schema(case, dialect, skip_defects=True).text == result.text


@pytest.mark.parametrize(("name", "dialect"), pairs_with(CLEAN))
def test_no_word_where_it_is_no_defect(name: str, dialect: str) -> None:
    case = DEFECT_CASES[name]
    result = schema(case, dialect)
    assert result.notes == [] and result.skipped == []
    assert schema(case, dialect, skip_defects=True).text == result.text


@pytest.mark.parametrize("dialect", DIALECTS)
def test_an_index_declared_twice_identically_is_one_index(dialect: str) -> None:
    case = DEFECT_CASES["one index declared twice, identically"]
    result = schema(case, dialect)
    assert result.text == schema(case, dialect, defect=False).text
    assert result.notes == ["customers: index 'ix_customers_email' on customers: it is declared twice, identically; "
                            "it is created once"]


@pytest.mark.parametrize("dialect", [d for d in DIALECTS if d != "clickhouse"])
def test_a_foreign_key_declared_twice_identically_is_one_foreign_key(dialect: str) -> None:
    case = DEFECT_CASES["one foreign key declared twice, identically"]
    result = schema(case, dialect)
    assert result.text == schema(case, dialect, defect=False).text  # the named one stays
    assert result.notes == ["orders: foreign key orders.customer_id -> customers.id: it is declared twice, "
                            "identically (once unnamed); it is created once"]


def test_differing_declarations_of_one_index_are_named_both() -> None:
    with pytest.raises(ModelError) as raised:
        schema(DEFECT_CASES["one index name declared twice, differently"], "postgresql")
    assert str(raised.value) == (
        "customers: index 'ix_customers_email' on customers: it is declared twice, differently: (email) and "
        "UNIQUE (email); remove one or give them different names; if the model is not yours to change, "
        "--skip-defects leaves this index out (or skip-defects = true under [tool.atlas-provider] in pyproject.toml)"
    )


# ---- the way on: the concrete change for the user's own model, --skip-defects for an installed one ----------


def _non_unique(origin: str | None) -> str:
    metadata = DEFECT_CASES["foreign key to a column that is neither primary nor unique"].build(True)
    origins = {"orders": Origin(origin, 9), "customers": Origin(origin, 4)} if origin else {}
    with pytest.raises(ModelError) as raised:
        build_schema(model_of(metadata, origins), "postgresql")
    return str(raised.value)


def test_a_model_of_ones_own_gets_the_concrete_advice() -> None:
    assert _non_unique("app/models.py") == (
        "app/models.py:9 (orders): foreign key orders.email -> customers.email: the referenced column is neither the "
        "primary key nor unique, which postgresql rejects; mark it unique (unique=True or a UniqueConstraint) or "
        "refer to the primary key"
    )


def test_an_installed_model_gets_skip_defects() -> None:
    where = ".venv/lib/python3.11/site-packages/tracker/models.py"
    assert _non_unique(where) == (
        f"{where}:9 (orders): foreign key orders.email -> customers.email: the referenced column is neither the "
        "primary key nor unique, which postgresql rejects; it comes from an installed package, not yours to edit: "
        "--skip-defects leaves this foreign key out (or skip-defects = true under [tool.atlas-provider] in "
        "pyproject.toml)"
    )


def test_a_table_of_unknown_origin_is_named_with_its_metadata() -> None:
    """Never "at an unknown place": the table, and the file that filled its MetaData when one is known."""
    metadata = DEFECT_CASES["foreign key to a column that is neither primary nor unique"].build(True)
    with pytest.raises(ModelError) as raised:
        build_schema(model_of(metadata, {"customers": Origin("app/models.py", 4)}), "postgresql")
    assert str(raised.value).startswith("orders (in the MetaData of app/models.py): foreign key orders.email ")
    assert "unknown" not in _non_unique(None)
    assert _non_unique(None).startswith("orders: foreign key orders.email -> customers.email: ")


# ---- defects only matter where the target gets the object ---------------------------------------------------


def test_a_defect_in_a_table_the_target_does_not_get_does_not_matter() -> None:
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer, primary_key=True), Column("email", String(200)))
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("email", String(200), ForeignKey("customers.email")), info={"atlas": {"targets": ["lake"]}})
    result = build_schema(model_of(metadata), "postgresql")
    assert "orders" not in result.text and result.notes == []


def _excluded_unique_constraint(customers: Table) -> None:
    customers.append_constraint(sa.UniqueConstraint("email", info={"atlas": {"exclude": ["postgresql"]}}))


def _partial_unique_index(customers: Table) -> None:
    sa.Index("ix_customers_email", customers.c.email, unique=True, postgresql_where=customers.c.id > 0)


def _orders_to_email(make_unique) -> Model:  # type: ignore[no-untyped-def]
    metadata = MetaData()
    customers = Table("customers", metadata, Column("id", Integer, primary_key=True), Column("email", String(200)))
    make_unique(customers)
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("email", String(200), ForeignKey("customers.email")))
    return model_of(metadata)


def test_uniqueness_as_the_target_gets_it() -> None:
    """The referred key counts where the target has it: for SQL Server the postgresql_where index is a plain
    unique index; PostgreSQL has none, a defect."""
    model = _orders_to_email(_partial_unique_index)
    # The partial index made full on SQL Server is an integrity loss (tests/test_losses.py): allowed here.
    assert "REFERENCES customers (email)" in build_schema(model, "mssql", allow_loss=True).text
    with pytest.raises(ModelError, match="which postgresql rejects"):
        build_schema(model, "postgresql")


def test_a_foreign_key_to_a_key_the_model_excludes_is_a_loss_naming_both() -> None:
    """Excluding the unique key takes out the foreign key that needs it: one line naming both, and
    --allow-loss prints the rest, which has neither."""
    model = _orders_to_email(_excluded_unique_constraint)
    assert "REFERENCES customers (email)" in build_schema(model, "mssql").text
    with pytest.raises(UnsupportedError) as raised:
        build_schema(model, "postgresql")
    assert "foreign key left out (it needs unique constraint (email) on customers, which is left out): " \
           "orders.email -> customers.email" in str(raised.value)
    assert "REFERENCES" not in build_schema(model, "postgresql", allow_loss=True).text


def test_the_first_rejected_defect_is_reported_and_every_one_skipped() -> None:
    metadata = DEFECT_CASES["foreign key to a table missing from the model"].build(True)
    metadata.tables["customers"].append_constraint(sa.Index("ix_customers_nothing"))  # a second defect
    model = model_of(metadata)
    with pytest.raises(ModelError, match="carts"):
        build_schema(model, "postgresql")
    result = build_schema(model, "postgresql", skip_defects=True)
    assert sorted(d.subject for d in result.skipped) == [
        "foreign key orders.ref_id -> carts.id", "index 'ix_customers_nothing' on customers"]


# ---- the command line, as Atlas runs it ---------------------------------------------------------------------

NON_UNIQUE = """\
from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table

metadata = MetaData()
customers = Table("customers", metadata, Column("id", Integer, primary_key=True), Column("email", String(200)))
orders = Table("orders", metadata, Column("id", Integer, primary_key=True),
               Column("email", String(200), ForeignKey("customers.email")))
"""
SKIPPED_LINE = ("atlas-provider: warning: postgresql: app/models.py:5 (orders): left out foreign key orders.email -> "
                "customers.email (--skip-defects): the referenced column is neither the primary key nor unique, which "
                "postgresql rejects\n")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "models.py").write_text(NON_UNIQUE, encoding="utf-8")
    return tmp_path


def test_skip_defects_on_the_command_line(project: Path) -> None:
    refused = run_provider("--path", "app", "--dialect", "postgresql", cwd=project)
    assert refused.returncode == 1 and refused.stdout == ""
    result = run_provider("--path", "app", "--dialect", "postgresql", "--skip-defects", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr == SKIPPED_LINE
    assert "CREATE TABLE orders" in result.stdout and "REFERENCES" not in result.stdout


def test_skip_defects_in_pyproject_and_the_flag_that_overrides_it(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.atlas-provider]\nskip-defects = true\n", encoding="utf-8")
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stderr == SKIPPED_LINE and "REFERENCES" not in result.stdout
    refused = run_provider("--path", "app", "--dialect", "postgresql", "--no-skip-defects", cwd=project)
    assert refused.returncode == 1 and refused.stdout == "" and refused.stderr.count("\n") == 1


def test_a_skip_defects_key_that_is_not_a_boolean(project: Path) -> None:
    (project / "pyproject.toml").write_text('[tool.atlas-provider]\nskip-defects = "yes"\n', encoding="utf-8")
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=project)
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr == (f"atlas-provider: error: {project / 'pyproject.toml'}: [tool.atlas-provider] skip-defects "
                             "must be true or false, not 'yes'\n")


def test_accepted_where_the_target_takes_it_with_one_warning(project: Path) -> None:
    models = project / "app" / "models.py"
    models.write_text(NON_UNIQUE.replace('Column("email", String(200)))', 'Column("email", String(200), index=True))', 1),
                      encoding="utf-8")
    result = run_provider("--path", "app", "--dialect", "mariadb", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "REFERENCES customers (email)" in result.stdout
    assert result.stderr.count("\n") == 1 and result.stderr.startswith("atlas-provider: warning: mariadb: app/models.py:5")


@pytest.mark.parametrize("declared", [
    'Index("ix_customers_email", customers.c.email)\nIndex("ix_customers_email", customers.c.email)\n',
    'customers.c.email.index = True\nIndex("ix_customers_email", customers.c.email)\n',
], ids=["Index twice", "index=True and an Index of the same name"])
def test_an_index_declared_twice_identically_is_created_once_with_one_note(project: Path, declared: str) -> None:
    models = NON_UNIQUE.replace(', ForeignKey("customers.email")', "")
    header, tables = models.split("metadata = MetaData()\n")
    if "index = True" in declared:  # declared on the column itself, before the table is built
        tables = tables.replace('Column("email", String(200)))', 'Column("email", String(200), index=True))', 1)
        declared = declared.split("\n", 1)[1]
    (project / "app" / "models.py").write_text(header + "metadata = MetaData()\n" + tables + declared, encoding="utf-8")
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=project)
    assert result.returncode == 0, result.stderr
    assert result.stdout.count("CREATE INDEX ix_customers_email ON customers (email);") == 1
    assert result.stderr == ("atlas-provider: warning: app/models.py:4 (customers): index 'ix_customers_email' on "
                             "customers: it is declared twice, identically; it is created once\n")


def test_check_lists_what_skip_defects_left_out_as_the_targets_losses(project: Path) -> None:
    models = project / "app" / "models.py"
    models.write_text(NON_UNIQUE.replace('Column("email", String(200)))', 'Column("email", String(200), index=True))', 1),
                      encoding="utf-8")
    result = run_provider("check", "--path", "app", "--dialect", "postgresql", "--dialect", "mariadb",
                          "--format", "json", "--skip-defects", cwd=project)
    assert result.returncode == 0, result.stderr
    losses = json.loads(result.stdout)["losses"]
    assert losses["postgresql"] == [{
        "kind": "model defect", "subject": "foreign key orders.email -> customers.email",
        "reason": "the referenced column is neither the primary key nor unique, which postgresql rejects"}]
    assert losses["mariadb"] == []  # mariadb takes the foreign key (with a warning): an index starts with email
    # one line per defect and target: the skipped one on postgresql, the accepted one on mariadb
    assert result.stderr.count("\n") == 2


def test_schema_out_dir_with_skip_defects(project: Path) -> None:
    out = project / "out"
    result = run_provider("schema", "--path", "app", "--dialect", "postgresql", "--dialect", "mariadb",
                          "--out-dir", str(out), cwd=project)
    assert result.returncode == 1 and not out.exists()
    result = run_provider("schema", "--path", "app", "--dialect", "postgresql", "--dialect", "sqlite",
                          "--out-dir", str(out), "--skip-defects", cwd=project)
    assert result.returncode == 0, result.stderr
    assert "REFERENCES" not in (out / "postgresql.sql").read_text(encoding="utf-8")
    assert "REFERENCES" not in (out / "sqlite.sql").read_text(encoding="utf-8")
    assert "CREATE TABLE orders" in (out / "sqlite.sql").read_text(encoding="utf-8")

"""Finding the model: every module imported once, as a real package, and every MetaData it fills used.

Each test runs the provider as Atlas does (a subprocess, no PYTHONPATH) on a layout from tests/models/ or on
a small tree written into tmp_path, and reads what it printed.
"""

from __future__ import annotations

import sys
import textwrap
from pathlib import Path

import pytest

from atlas_provider import render_ddl
from tests.models import LAYOUTS, Layout, created_tables, positions, provider, statements


def write_tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
    return root


def table_module(table: str, base: str = "Base") -> str:
    """A module that defines `table` on its own declarative base."""
    return textwrap.dedent(f"""\
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class {base}(DeclarativeBase):
            pass


        class Row({base}):
            __tablename__ = "{table}"
            id: Mapped[int] = mapped_column(primary_key=True)
        """)


RAISES = "raise RuntimeError('this module must not be imported')\n"


# --- layouts ----------------------------------------------------------------------------------------------------


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_layout_imports_each_module_once_under_its_dotted_name(layout: Layout) -> None:
    result = provider(*layout.args(), "--dialect", "postgresql", cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    assert set(created_tables(result.stdout)) == layout.tables
    for module in layout.modules:  # each module prints "loaded <its __name__>" when imported
        assert result.stderr.splitlines().count(f"loaded {module}") == 1, result.stderr
    assert "loaded" not in result.stdout  # what the model prints goes to stderr


@pytest.mark.parametrize("layout", LAYOUTS.values(), ids=LAYOUTS.keys())
def test_every_table_has_a_position_relative_to_the_working_directory(layout: Layout) -> None:
    result = provider(*layout.args(), "--dialect", "sqlite", cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    found = positions(result.stdout)
    tables = {name.rpartition(".")[2] for name in layout.tables}  # SQLite flattens schemas
    assert set(found) == set(created_tables(result.stdout)) == tables
    for table, (path, line) in found.items():
        source = (layout.folder / path).read_text().splitlines()[line - 1]
        # the class statement (or its decorator), or the Table(...) call
        assert source.lstrip().startswith(("class ", "@")) or "Table(" in source, (table, path, line, source)


@pytest.mark.parametrize(
    "path",
    ["app", "app/models", "app/models/post.py", "./app/models/"],
    ids=["package", "subfolder", "one file", "dotted and trailing slash"],
)
def test_a_package_can_be_named_by_any_of_its_folders_or_files(path: str) -> None:
    layout = LAYOUTS["absolute"]
    result = provider("--path", path, "--dialect", "postgresql", cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    assert set(created_tables(result.stdout)) == {"users", "posts"}
    assert result.stderr.splitlines().count("loaded app.models.user") == 1, result.stderr


def test_a_model_folder_given_by_absolute_path_from_elsewhere(tmp_path: Path) -> None:
    layout = LAYOUTS["relative"]
    result = provider("--path", str(layout.folder / "store"), "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert set(created_tables(result.stdout)) == layout.tables


def test_a_foreign_key_into_another_metadata_resolves() -> None:
    layout = LAYOUTS["mixed"]
    result = provider(*layout.args(), "--dialect", "postgresql", cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    ddl = result.stdout
    assert "FOREIGN KEY(region_id) REFERENCES regions (id)" in ddl  # registry() -> declarative_base()
    assert "FOREIGN KEY(vendor_id) REFERENCES vendors (id) ON DELETE CASCADE" in ddl  # Core -> DeclarativeBase
    assert "FOREIGN KEY(vendor_id) REFERENCES vendors (id)" in ddl  # SQLModel -> DeclarativeBase
    order = created_tables(ddl)
    assert order.index("regions") < order.index("warehouses") < order.index("docks")


def test_copied_tables_keep_the_names_their_own_naming_convention_gives() -> None:
    # Two bases with different conventions and a foreign key between them: the provider puts both into one
    # MetaData to resolve it, which must not rename the unique constraints after the other's convention.
    layout = LAYOUTS["multi"]
    result = provider(*layout.args(), "--dialect", "postgresql", cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    assert "CONSTRAINT crm_uq_contacts_email UNIQUE (email)" in result.stdout
    assert "CONSTRAINT billing_uq_accounts_number UNIQUE (number)" in result.stdout


def test_sqlmodel_classes_without_table_true_are_not_tables() -> None:
    layout = LAYOUTS["mixed"]
    result = provider("--path", "registry_styles/sqlm.py", "--path", "registry_styles/declarative.py",
                      "--dialect", "sqlite", cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["sqlm_products", "vendors"]


def test_the_same_table_in_two_metadata_is_an_error_naming_both_places(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/legacy.py": """\
            import sqlalchemy as sa

            metadata = sa.MetaData()
            users = sa.Table("users", metadata, sa.Column("id", sa.Integer, primary_key=True))
            """,
        "pkg/orm.py": table_module("users"),
    })
    result = provider("--path", "pkg", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "'users' is defined twice" in line
    assert "pkg/legacy.py:4" in line and "pkg/orm.py:9" in line


# --- what is not imported ----------------------------------------------------------------------------------------

SKIPPED_TREE = {
    "proj/__init__.py": "",
    "proj/models.py": table_module("kept"),
    "proj/.hidden/models.py": table_module("from_hidden"),
    "proj/env311/pyvenv.cfg": "home = /usr/bin\n",
    "proj/env311/lib/models.py": table_module("from_venv"),
    "proj/__pycache__/models.py": RAISES,
    "proj/tests/models.py": table_module("from_tests"),
    "proj/migrations/models.py": table_module("from_migrations"),
    "proj/test_models.py": table_module("from_test_file"),
}


def test_hidden_virtualenv_cache_test_and_migration_folders_are_not_imported(tmp_path: Path) -> None:
    write_tree(tmp_path, SKIPPED_TREE)
    result = provider("--path", "proj", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["kept"]


@pytest.mark.parametrize(
    ("include", "table"),
    [
        ("proj/tests", "from_tests"),
        ("proj/env311", "from_venv"),
        ("proj/test_models.py", "from_test_file"),
        ("proj/migrations", "from_migrations"),
    ],
)
def test_include_imports_a_skipped_folder_when_asked(tmp_path: Path, include: str, table: str) -> None:
    write_tree(tmp_path, SKIPPED_TREE)
    result = provider("--path", "proj", "--include", include, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == sorted(["kept", table])


def test_a_hidden_folder_is_imported_through_its_own_path(tmp_path: Path) -> None:
    # Inside a package it cannot be imported by name (".hidden" is no identifier): --include says so.
    write_tree(tmp_path, SKIPPED_TREE)
    included = provider("--path", "proj", "--include", "proj/.hidden", "--dialect", "sqlite", cwd=tmp_path)
    assert included.returncode == 1
    assert included.stdout == ""
    assert "'.hidden' is not a valid module name" in included.stderr
    assert "own --path" in included.stderr

    result = provider("--path", "proj", "--path", "proj/.hidden", "--dialect", "sqlite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["from_hidden", "kept"]


@pytest.mark.parametrize("glob", ["proj/legacy", "proj/legacy/*", "*/broken.py", "proj/legacy/broken.py"])
def test_exclude_leaves_out_matching_files_and_folders(tmp_path: Path, glob: str) -> None:
    write_tree(tmp_path, {
        "proj/__init__.py": "",
        "proj/models.py": table_module("kept"),
        "proj/legacy/__init__.py": "",
        "proj/legacy/broken.py": RAISES,
    })
    assert provider("--path", "proj", "--dialect", "sqlite", cwd=tmp_path).returncode == 1

    result = provider("--path", "proj", "--exclude", glob, "--dialect", "sqlite", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["kept"]


# --- a model that prints ---------------------------------------------------------------------------------------


def test_what_a_model_prints_while_importing_goes_to_stderr(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "chatty/__init__.py": "print('package says hi')\n",
        "chatty/models.py": table_module("quiet_table") + textwrap.dedent("""\
            import os
            import sys

            print("print() at import")
            sys.stdout.write("sys.stdout.write at import\\n")
            sys.stdout.flush()
            os.write(1, b"os.write to descriptor 1\\n")
            sys.__stdout__.write("sys.__stdout__ at import\\n")
            sys.__stdout__.flush()
            """),
    })
    result = provider("--path", "chatty", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    for words in ["package says hi", "print() at import", "sys.stdout.write at import",
                  "os.write to descriptor 1", "sys.__stdout__ at import"]:
        assert words in result.stderr
        assert words not in result.stdout
    assert statements(result.stdout) == [
        "CREATE TABLE quiet_table (\n\tid SERIAL NOT NULL, \n\tPRIMARY KEY (id)\n);"
    ]


# --- --model --------------------------------------------------------------------------------------------------

MODEL_TREE = {
    "modelpkg/__init__.py": "",
    "modelpkg/decl.py": table_module("decl_things"),
    "modelpkg/core.py": """\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        things = sa.Table("core_things", metadata, sa.Column("id", sa.Integer, primary_key=True))
        """,
    "modelpkg/imper.py": """\
        import sqlalchemy as sa
        from sqlalchemy.orm import Mapped, mapped_column, registry

        reg = registry()


        @reg.mapped
        class Thing:
            __tablename__ = "reg_things"
            id: Mapped[int] = mapped_column(primary_key=True)
        """,
    "other/extra.py": table_module("extra_things"),
}


@pytest.mark.parametrize(
    ("args", "tables"),
    [
        (["--model", "modelpkg.decl:Base"], ["decl_things"]),
        (["--model", "modelpkg.decl:Row"], ["decl_things"]),
        (["--model", "modelpkg.decl"], ["decl_things"]),
        (["--model", "modelpkg.core:metadata"], ["core_things"]),
        (["--model", "modelpkg.core:things"], ["core_things"]),
        (["--model", "modelpkg.imper:reg"], ["reg_things"]),
        (["--model", "modelpkg.decl:Base", "--model", "modelpkg.imper:reg"], ["decl_things", "reg_things"]),
        (["--model", "modelpkg.core:metadata", "--path", "other"], ["core_things", "extra_things"]),
        (["--path", "modelpkg/decl.py", "--model", "modelpkg.imper:reg"], ["decl_things", "reg_things"]),
    ],
    ids=["Base", "mapped class", "bare module", "MetaData", "Table", "registry", "two", "beside --path",
         "beside --path of the same package"],
)
def test_model_names_a_metadata_holder(tmp_path: Path, args: list[str], tables: list[str]) -> None:
    write_tree(tmp_path, MODEL_TREE)
    result = provider(*args, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == tables


@pytest.mark.parametrize(
    ("spec", "message"),
    [
        ("modelpkg.decl:Nope", "has no attribute 'Nope'"),
        ("modelpkg.nope", "No module named 'modelpkg.nope'"),
        ("modelpkg.core:sa", "not a MetaData"),
    ],
)
def test_model_that_names_nothing_usable_is_an_error(tmp_path: Path, spec: str, message: str) -> None:
    write_tree(tmp_path, MODEL_TREE)
    result = provider("--model", spec, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert message in line
    assert "<frozen" not in line


# --- script mode ------------------------------------------------------------------------------------------------


def test_script_mode_renders_the_same_model_again_for_another_dialect(tmp_path: Path) -> None:
    # The second call finds the modules already imported, so nothing new is defined while it runs; it must
    # still find the tables the first call saw being defined.
    write_tree(tmp_path, {"scriptmodel/__init__.py": "", "scriptmodel/rows.py": table_module("rows")})
    try:
        first = render_ddl(["scriptmodel"], dialect="postgresql", cwd=tmp_path)
        second = render_ddl(["scriptmodel"], dialect="sqlite", cwd=tmp_path)
        third = render_ddl(["scriptmodel"], dialect="postgresql", cwd=tmp_path)
    finally:
        for name in [n for n in sys.modules if n.split(".")[0] == "scriptmodel"]:
            del sys.modules[name]

    assert created_tables(first) == created_tables(second) == ["rows"]
    assert third == first
    assert positions(second) == {"rows": ("scriptmodel/rows.py", 9)}

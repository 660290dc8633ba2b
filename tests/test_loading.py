"""Finding the model: every module imported once, as a real package, and every MetaData it fills used.

Each test runs the provider as Atlas does (a subprocess, no PYTHONPATH) on a layout from tests/models/ or on
a small tree written into tmp_path, and reads what it printed.
"""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from atlas_provider import render_ddl
from atlas_provider.errors import UsageError
from atlas_provider.loading.finding import find_modules
from tests.models import LAYOUTS, ROOT, Layout, created_tables, positions, provider, statements


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


def test_the_same_name_for_two_different_tables_is_an_error_naming_both_places(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/legacy.py": """\
            import sqlalchemy as sa

            metadata = sa.MetaData()
            users = sa.Table("users", metadata, sa.Column("id", sa.BigInteger, primary_key=True))
            """,
        "pkg/orm.py": table_module("users"),
    })
    result = provider("--path", "pkg", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "'users' is defined twice" in line
    assert "pkg/legacy.py:4" in line and "pkg/orm.py:9" in line
    assert "('id BIGSERIAL NOT NULL' at pkg/legacy.py:4, 'id SERIAL NOT NULL' at pkg/orm.py:9)" in line


# --- what is not imported ----------------------------------------------------------------------------------------

SKIPPED_TREE = {
    "proj/__init__.py": "",
    "proj/models.py": table_module("kept"),
    "proj/.hidden/models.py": table_module("from_hidden"),
    "proj/env311/pyvenv.cfg": "home = /usr/bin\n",
    "proj/env311/lib/models.py": table_module("from_venv"),
    "proj/__pycache__/models.py": RAISES,
    "proj/tests/models.py": table_module("from_tests"),
    "proj/migrations/models.py": table_module("from_migrations"),  # a module of the package proj: imported
    "proj/test_models.py": table_module("from_test_file"),
}


def test_hidden_virtualenv_cache_and_test_folders_are_not_imported(tmp_path: Path) -> None:
    write_tree(tmp_path, SKIPPED_TREE)
    result = provider("--path", "proj", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["from_migrations", "kept"]


@pytest.mark.parametrize(
    ("include", "table"),
    [
        ("proj/tests", "from_tests"),
        ("proj/env311", "from_venv"),
        ("proj/test_models.py", "from_test_file"),
    ],
)
def test_include_imports_a_skipped_folder_when_asked(tmp_path: Path, include: str, table: str) -> None:
    write_tree(tmp_path, SKIPPED_TREE)
    result = provider("--path", "proj", "--include", include, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == sorted(["from_migrations", "kept", table])


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
    assert sorted(created_tables(result.stdout)) == ["from_hidden", "from_migrations", "kept"]


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


# --- where tables come from: re-exports and installed packages (issue 9) -----------------------------------------

SHARED_PACKAGE = {
    "shared_models/__init__.py": """\
        import sqlalchemy as sa
        from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column


        class Base(DeclarativeBase):
            pass


        class Account(Base):
            __tablename__ = "accounts"
            id: Mapped[int] = mapped_column(primary_key=True)


        audit = sa.MetaData()
        events = sa.Table("audit_events", audit, sa.Column("id", sa.Integer, primary_key=True))

        __all__ = ["Account", "Base", "audit", "events"]
        """,
}

# An object like Flask's `g` or `current_app` (werkzeug's LocalProxy): asking it anything, even its class,
# fails outside an application context.
PROXY = """\
    class _Proxy:
        @property
        def __class__(self):
            raise RuntimeError("Working outside of application context.")

        def __getattr__(self, name):
            raise RuntimeError("Working outside of application context.")

        def __bool__(self):
            raise RuntimeError("Working outside of application context.")


    g = current_app = _Proxy()
    """


def test_tables_re_exported_from_a_package_outside_the_path_are_the_models(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        **SHARED_PACKAGE,
        "src/app/__init__.py": "",
        "src/app/models/__init__.py": "from shared_models import *  # noqa: F403\n" + textwrap.dedent(PROXY),
    })
    # src/ is the import root; shared_models/ lies outside it, importable from the working directory
    result = provider("--path", "src/app/models", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["accounts", "audit_events"]
    assert result.stderr == ""  # the proxy in the module's globals is passed over without a word
    assert positions(result.stdout)["accounts"] == ("shared_models/__init__.py", 9)


def test_tables_sqlalchemy_defines_for_its_dialects_stay_out(tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "",
        "app/models.py": table_module("kept") + "from sqlalchemy.dialects.mssql.information_schema import columns\n",
    })
    result = provider("--path", "app", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["kept"]


@pytest.fixture(scope="session")
def installed_python(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A virtual environment made with `python -m venv`, with `shared_models` copied into its site-packages
    (what a non-editable `pip install` leaves there) and this environment's packages made visible to it."""
    import sqlalchemy

    home = tmp_path_factory.mktemp("installed") / "venv"
    subprocess.run([sys.executable, "-m", "venv", "--without-pip", str(home)], check=True)
    python = home / ("Scripts" if os.name == "nt" else "bin") / "python"
    purelib = subprocess.run([python, "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"],
                             capture_output=True, text=True, check=True).stdout.strip()
    ours = Path(sqlalchemy.__file__).parent.parent  # this environment's site-packages (and its .pth files)
    (Path(purelib) / "provider.pth").write_text(f"import site; site.addsitedir({str(ours)!r})\n{ROOT}\n")
    write_tree(Path(purelib), SHARED_PACKAGE)
    return python


def installed_provider(python: Path, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([str(python), "-m", "atlas_provider", *args], cwd=cwd, capture_output=True,
                          encoding="utf-8", env={**os.environ, "PYTHONPATH": ""}, stdin=subprocess.DEVNULL,
                          timeout=120, check=False)


@pytest.mark.parametrize(
    "args",
    [["--path", "app"], ["--model", "shared_models"], ["--path", "shared_models"]],
    ids=["--path re-exporting it", "bare --model", "--path naming the installed module"],
)
def test_an_installed_package_s_tables_load_when_selected(installed_python: Path, tmp_path: Path,
                                                          args: list[str]) -> None:
    write_tree(tmp_path, {"app/__init__.py": "from shared_models import Base, audit\n" + textwrap.dedent(PROXY)})
    result = installed_provider(installed_python, *args, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["accounts", "audit_events"]
    path, line = positions(result.stdout)["accounts"]
    assert path.endswith("site-packages/shared_models/__init__.py") and line == 9


def test_a_table_defined_differently_in_the_app_and_an_installed_package_names_both_places(
        installed_python: Path, tmp_path: Path) -> None:
    write_tree(tmp_path, {
        "app/__init__.py": "from shared_models import Base\n",
        "app/accounts.py": """\
            import sqlalchemy as sa

            metadata = sa.MetaData()
            accounts = sa.Table("accounts", metadata, sa.Column("number", sa.String(20), primary_key=True))
            """,
    })
    result = installed_provider(installed_python, "--path", "app", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "table 'accounts' is defined twice" in line and "unknown place" not in line
    assert "app/accounts.py:4" in line and "site-packages/shared_models/__init__.py:9" in line


# --- identical duplicates --------------------------------------------------------------------------------------

CORE_CUSTOMERS = """\
    import sqlalchemy as sa

    metadata = sa.MetaData()
    customers = sa.Table(
        "customers", metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(200), nullable=False, unique=True),
        sa.Column("kind", sa.Enum("a", "b", name="kind"), server_default="a"),
        sa.CheckConstraint("length(email) > 3", name="email_long_enough"),
        sa.Index("ix_customers_kind", "kind", postgresql_where=sa.text("kind = 'a'")),
    )
    """


def test_the_same_table_declared_identically_in_three_metadata_is_emitted_once(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", **{f"app/part{n}.py": CORE_CUSTOMERS for n in (1, 2, 3)}})
    result = provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["customers"]
    assert result.stdout.count("CREATE INDEX ix_customers_kind") == 1
    assert positions(result.stdout)["customers"] == ("app/part1.py", 4)
    [note] = result.stderr.splitlines()
    assert "'customers' is defined 3 times, identically for postgresql (app/part1.py:4, app/part2.py:4, " \
           "app/part3.py:4); it is emitted once" in note


@pytest.mark.parametrize(
    ("change", "difference"),
    [
        (("sa.String(200)", "sa.String(100)"),
         "('email VARCHAR(200) NOT NULL' at app/one.py:4, 'email VARCHAR(100) NOT NULL' at app/two.py:4)"),
        (('"a", "b", name="kind"', '"a", "c", name="kind"'),
         """(type of column kind: "CREATE TYPE public.kind AS ENUM ('a', 'b')" at app/one.py:4,"""),
        (("length(email) > 3", "length(email) > 4"),
         "('CONSTRAINT email_long_enough CHECK (length(email) > 3)' at app/one.py:4,"),
        (("kind = 'a'", "kind = 'b'"), "(index ix_customers_kind: "),
        (('server_default="a"', 'server_default="b"'), """("kind public.kind DEFAULT 'a'" at app/one.py:4,"""),
        # what the comparison once missed: a variant for the target printed, a comment
        (("sa.String(200)", 'sa.String(200).with_variant(sa.Text(), "postgresql")'),
         "('email VARCHAR(200) NOT NULL' at app/one.py:4, 'email TEXT NOT NULL' at app/two.py:4)"),
        (("unique=True)", 'unique=True, comment="e-mail")'), "(comments: "),
    ],
    ids=["length", "enum values", "check", "partial index", "server default", "variant", "comment"],
)
def test_duplicates_that_differ_in_any_part_are_an_error(tmp_path: Path, change: tuple[str, str],
                                                         difference: str) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/one.py": CORE_CUSTOMERS,
                          "app/two.py": CORE_CUSTOMERS.replace(*change)})
    result = provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert "at app/one.py:4 and at app/two.py:4" in line and "differ on postgresql" in line
    assert difference in line


def test_duplicates_are_judged_by_what_each_target_receives(tmp_path: Path) -> None:
    """A variant for MySQL only: PostgreSQL receives the two definitions alike and gets the table once; MySQL
    would receive two different tables, which is an error there, whichever file name sorts first."""
    mysql_only = CORE_CUSTOMERS.replace("sa.String(200)", 'sa.String(200).with_variant(sa.String(300), "mysql")')
    write_tree(tmp_path, {"app/__init__.py": "", "app/one.py": CORE_CUSTOMERS, "app/two.py": mysql_only})
    same = provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)
    assert same.returncode == 0, same.stderr
    assert created_tables(same.stdout) == ["customers"] and "email VARCHAR(200)" in same.stdout
    assert "identically for postgresql" in same.stderr

    different = provider("--path", "app", "--dialect", "mysql", cwd=tmp_path)
    assert different.returncode == 1 and different.stdout == ""
    [line] = different.stderr.splitlines()
    assert "'email VARCHAR(200) NOT NULL' at app/one.py:4, 'email VARCHAR(300) NOT NULL' at app/two.py:4" in line


# --- module names follow Python ----------------------------------------------------------------------------------


def loaded_modules(stderr: str) -> list[str]:
    return sorted(line.removeprefix("loaded ") for line in stderr.splitlines() if line.startswith("loaded "))


def printing_table_module(table: str) -> str:
    return "print('loaded', __name__)\n" + table_module(table)


def test_folders_without_init_inside_a_package_are_its_namespace_portions(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/a/models.py": printing_table_module("alphas"),
                          "app/b/models.py": printing_table_module("betas")})
    result = provider("--path", "app/a", "--path", "app/b", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["alphas", "betas"]
    assert loaded_modules(result.stderr) == ["app.a.models", "app.b.models"]


def test_clashing_top_level_names_are_imported_from_their_common_folder(tmp_path: Path) -> None:
    write_tree(tmp_path, {"p1/models.py": printing_table_module("ones"), "p2/models.py": printing_table_module("twos")})
    result = provider("--path", "p1", "--path", "p2", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["ones", "twos"]
    assert loaded_modules(result.stderr) == ["p1.models", "p2.models"]


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"my-p1/models.py": table_module("ones"), "p2/models.py": table_module("twos")},
         "the folder name 'my-p1' cannot be part of a module name"),
        ({"my-p1/models.py": "from base import Base\n", "my-p1/base.py": table_module("ones"),
          "p2/models.py": table_module("twos")}, "cannot be part of a module name"),
        ({"p1/models.py": "from base import Base\n", "p1/base.py": table_module("ones"),
          "p2/models.py": table_module("twos"), "p2/base.py": table_module("twos_base")},
         "No module named 'base' (imported as 'p1.models' from the common folder"),
    ],
    ids=["folder name", "folder name, imports", "top-level imports"],
)
def test_a_clash_that_namespace_packages_cannot_settle_is_an_error(tmp_path: Path, files: dict[str, str],
                                                                    message: str) -> None:
    write_tree(tmp_path, files)
    first = next(iter(files)).split("/")[0]
    result = provider("--path", first, "--path", "p2", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert message in line
    assert str(tmp_path) not in line


@pytest.mark.parametrize("given", ["app.models", "app.models.accounts", "app"])
def test_a_dotted_module_name_is_accepted_as_a_path(tmp_path: Path, given: str) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/models/__init__.py": "",
                          "app/models/accounts.py": table_module("accounts")})
    result = provider("--path", given, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["accounts"]


def test_a_path_that_names_nothing_is_shown_as_given(tmp_path: Path) -> None:
    result = provider("--path", "app.nothing", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stderr == "atlas-provider: error: --path app.nothing: path does not exist\n"


# --- finding files (issue 11) ------------------------------------------------------------------------------------


def test_symlinked_folders_are_followed_once_and_loops_are_cut(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/models.py": table_module("kept"),
                          "elsewhere/linked/__init__.py": "", "elsewhere/linked/models.py": table_module("linked")})
    (tmp_path / "app" / "linked").symlink_to(tmp_path / "elsewhere" / "linked", target_is_directory=True)
    (tmp_path / "app" / "loop").symlink_to(tmp_path / "app", target_is_directory=True)
    result = provider("--path", "app", "--verbose", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == ["kept", "linked"]
    assert "atlas-provider: skipped app/loop/: a link to a folder already walked" in result.stderr


def test_a_non_ascii_module_name_is_imported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/__init__.py": "", "app/modèle.py": table_module("modeles")})
    result = provider("--path", "app", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["modeles"]


# What is left out by default at a project's top, outside its packages: a file, or a folder (with a module inside
# it), each failing if imported. Tests and alembic's env.py with its versions/ are left out at any depth.
NOT_MODELS = [
    "proj/tests.py", "proj/test.py", "proj/manage.py", "proj/fabfile.py", "proj/tasks.py", "proj/wsgi.py",
    "proj/asgi.py", "proj/setup.py", "proj/noxfile.py", "proj/scripts/", "proj/docs/", "proj/benchmarks/",
    "proj/examples/", "proj/migrations/", "proj/build/", "proj/app/tests/", "proj/app/test_models.py",
    "proj/app/db/versions/", "proj/app/db/env.py", "proj/app/__main__.py",
]
NOT_MODELS_TREE = {
    "proj/app/__init__.py": "", "proj/app/models.py": table_module("kept"), "proj/app/db/__init__.py": "",
    **{name + "seed.py" if name.endswith("/") else name: RAISES for name in NOT_MODELS},
}


@pytest.mark.parametrize("command", [[], ["check"], ["schema", "--out-dir", "out"]], ids=["print", "check", "schema"])
def test_tests_scripts_docs_and_tooling_are_not_imported_and_verbose_lists_them(
        tmp_path: Path, command: list[str]) -> None:
    write_tree(tmp_path, NOT_MODELS_TREE)
    result = provider(*command, "--path", "proj", "--verbose", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    ddl = result.stdout if not command else (tmp_path / "out" / "sqlite.sql").read_text() if command[0] == "schema" \
        else ""
    if not command or command[0] == "schema":
        assert created_tables(ddl) == ["kept"]
    skipped = [line.split(": ")[1] for line in result.stderr.splitlines() if line.startswith("atlas-provider: skipped")]
    assert sorted(skipped) == sorted(f"skipped {name}" for name in NOT_MODELS)


def test_include_brings_back_every_default_skip(tmp_path: Path) -> None:
    tooling = [name for name in NOT_MODELS if name.count("/") == 1 or name.endswith("/")][:6]
    write_tree(tmp_path, {"proj/app/__init__.py": "", "proj/app/models.py": table_module("kept"),
                          **{name + "seed.py" if name.endswith("/") else name: table_module(f"t{n}")
                             for n, name in enumerate(tooling)}})
    includes = [arg for name in tooling for arg in ("--include", name.rstrip("/"))]
    result = provider("--path", "proj", *includes, "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == sorted(["kept", *(f"t{n}" for n in range(len(tooling)))])


# Names the tooling skip list uses, as modules of a package: the package's, imported like any other.
PACKAGE_MODULES = ["app/models/tasks.py", "app/models/manage.py", "app/models/wsgi.py", "app/models/setup.py",
                   "app/docs/", "app/scripts/", "app/examples/", "app/migrations/", "app/build/", "app/env/"]


def test_a_module_of_a_package_is_imported_whatever_its_name(tmp_path: Path) -> None:
    tables = {name: "t_" + name.strip("/").replace("/", "_").removesuffix(".py") for name in PACKAGE_MODULES}
    write_tree(tmp_path, {
        "app/__init__.py": "", "app/models/__init__.py": "",
        **{name + "models.py" if name.endswith("/") else name: table_module(table) for name, table in tables.items()},
        "app/tests/test_models.py": table_module("t_test_fixture"),  # tests stay left out, tables or not
        "tasks.py": RAISES, "docs/conf.py": RAISES,  # the project's own tooling, outside the package
    })
    result = provider("--path", ".", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert sorted(created_tables(result.stdout)) == sorted(tables.values())


@pytest.mark.parametrize("tooling", ["tasks.py", "scripts/", "docs/examples/"])
def test_skipped_tooling_that_defines_a_table_is_an_error_naming_it(tmp_path: Path, tooling: str) -> None:
    """A flat project whose tasks.py (or a scripts/ folder) holds tables: leaving it out would make Atlas drop
    them, so the provider refuses and names the file, the line and both ways on."""
    file = tooling + "models.py" if tooling.endswith("/") else tooling
    entry = tooling.split("/")[0] if tooling.endswith("/") else tooling
    write_tree(tmp_path, {"proj/models.py": table_module("kept"), f"proj/{file}": table_module("tasks")})
    result = provider("--path", "proj", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert f"proj/{file}:10 defines a table" in line
    assert f"--include proj/{entry} imports it" in line and f"--exclude proj/{entry} leaves it out" in line
    for flag, expected in (("--include", ["kept", "tasks"]), ("--exclude", ["kept"])):
        again = provider("--path", "proj", flag, f"proj/{entry}", "--dialect", "sqlite", cwd=tmp_path)
        assert again.returncode == 0, again.stderr
        assert sorted(created_tables(again.stdout)) == expected


def test_skipped_tooling_that_only_mentions_a_table_in_words_is_skipped_quietly(tmp_path: Path) -> None:
    """A comment or a docstring that says `Table(` or `__tablename__` defines nothing; a call after such a
    mention is named at its own line."""
    words = '''\
        """Invoke tasks: `inv dump` prints each sa.Table(...) and each __tablename__."""
        # Table( objects are listed by the dump task
        HELP = "Table(name, metadata) or __tablename__ = ..."
        '''
    write_tree(tmp_path, {"proj/models.py": table_module("kept"), "proj/tasks.py": words + RAISES,
                          "proj/docs/conf.py": words, "proj/scripts/dump.py": words + "t = Table(\n"})
    (tmp_path / "proj" / "fabfile.py").write_bytes(b"# caf\xe9\nt = Table('t')\n")  # not UTF-8: Python cannot read it
    (tmp_path / "proj" / "noxfile.py").write_bytes(b"\x00\xffTable(\x80" * 100)  # nor this
    found = find_modules("proj", cwd=tmp_path, exclude=["proj/scripts"])
    assert list(found.modules) == ["models"]

    with pytest.raises(UsageError, match=r"proj/scripts/dump\.py:4 defines a table"):
        find_modules("proj", cwd=tmp_path)


@pytest.mark.parametrize("name", ["my models/models.py", "app/my-models.py"])
def test_a_table_in_a_file_no_import_can_name_is_an_error(tmp_path: Path, name: str) -> None:
    """`my models/` or `my-models.py` cannot be imported by name; leaving its tables out would make Atlas drop
    them."""
    write_tree(tmp_path, {"proj/models.py": table_module("kept"), "proj/app/__init__.py": "",
                          f"proj/{name}": table_module("lost")})
    entry = f"proj/{name.split('/')[0]}" if name.startswith("my models") else f"proj/{name}"
    with pytest.raises(UsageError, match=rf"proj/{name}:10 defines a table, but {entry} is not imported: .* is not a "
                                         rf"valid module name; .*--exclude {entry} leaves it out"):
        find_modules("proj", cwd=tmp_path)
    assert list(find_modules("proj", cwd=tmp_path, exclude=[entry]).modules) == ["app", "models"]


def test_a_skipped_folder_given_as_the_path_is_imported(tmp_path: Path) -> None:
    write_tree(tmp_path, {"examples/shop/__init__.py": "", "examples/shop/models.py": table_module("shop_items")})
    result = provider("--path", "examples/shop", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["shop_items"]


@pytest.mark.parametrize(
    ("given", "why"),
    [("/", "refusing the filesystem root"), ("HOME", "refusing the home folder"), ("", "an empty path")],
    ids=["root", "home", "empty"],
)
def test_paths_that_would_import_everything_are_refused(tmp_path: Path, given: str, why: str) -> None:
    write_tree(tmp_path, {"home/models.py": RAISES})
    home = tmp_path / "home"
    result = provider("--path", str(home) if given == "HOME" else given, "--dialect", "sqlite", cwd=home,
                      env={"HOME": str(home)})

    assert result.returncode == 1
    assert result.stdout == ""
    [line] = result.stderr.splitlines()
    assert why in line

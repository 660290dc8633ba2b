"""The catalogue of bad input: each case runs the CLI as Atlas does and checks its exact exit code, its one
stderr line and its empty stdout.

Atlas takes stdout as the whole desired schema whenever the exit code is 0, so every failure here must be
exit 1 with nothing on stdout (exit 2 only for a command line that cannot be parsed), and stderr must say
where (file:line, table, option) and why, on the single line Atlas shows the user (usage errors too).

Each case writes its model into ``tmp_path`` and runs the provider with ``tmp_path`` as the working
directory, so paths in messages are the short relative ones a user sees.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
import tempfile
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from tests.support.provider import run_provider
from tests.support.sqlsplit import split_statements

ERROR = "atlas-provider: error: "

# A valid model module: most cases add one defect to an otherwise loadable model, so that the failure
# is the defect under test and not something else.
HEADER = """\
from sqlalchemy import Column, ForeignKey, Index, Integer, MetaData, String, Table, UniqueConstraint, func

metadata = MetaData()
"""
CUSTOMERS = HEADER + """\
customers = Table(
    "customers", metadata,
    Column("id", Integer, primary_key=True),
    Column("email", String(200), nullable=False),
)
"""


@dataclass
class Case:
    """One bad input: the files to write, the command line, and the exact stderr line expected.

    ``stderr`` may name ``{tmp}`` (the resolved tmp_path); with ``regex`` it is a pattern, for messages that
    embed text from Python itself, which changes between versions.
    """

    files: dict[str, str | bytes] = field(default_factory=dict)
    args: tuple[str, ...] = ("--path", "app", "--dialect", "postgresql")
    stderr: str = ""
    code: int = 1
    regex: bool = False
    env: dict[str, str] = field(default_factory=dict)


CASES: dict[str, Case] = {
    # ---- paths -----------------------------------------------------------------------------------
    "path does not exist": Case(
        stderr=ERROR + "--path app: path does not exist",
    ),
    "file instead of a folder": Case(
        files={"app": "customers = 1\n"},
        stderr=ERROR + "--path app: not a folder or a Python file",
    ),
    "empty folder": Case(
        files={"app/": ""},
        stderr=ERROR + "postgresql: no tables found; refusing to print an empty schema, which Atlas would apply "
        "by dropping every table (pass --allow-empty if that is really wanted)",
    ),
    "folder holding only tests and migrations": Case(
        files={"app/tests/test_models.py": CUSTOMERS, "app/migrations/env.py": CUSTOMERS},
        stderr=ERROR + "postgresql: no tables found; refusing to print an empty schema, which Atlas would apply "
        "by dropping every table (pass --allow-empty if that is really wanted)",
    ),
    # ---- importing the model ---------------------------------------------------------------------
    "syntax error": Case(
        files={"app/models.py": CUSTOMERS + "orders = Table(\n"},
        stderr=ERROR + "app/models.py:9: SyntaxError: '(' was never closed",
    ),
    "exception at import": Case(
        files={"app/models.py": CUSTOMERS + "raise RuntimeError('DATABASE_URL is not set')\n"},
        stderr=ERROR + "app/models.py:9: RuntimeError: DATABASE_URL is not set",
    ),
    "exception deep in a helper module": Case(
        files={
            "app/__init__.py": "",
            "app/settings.py": "def url():\n    return {}['DATABASE_URL']\n",
            "app/models.py": CUSTOMERS + "from app.settings import url\nURL = url()\n",
        },
        stderr=ERROR + "app/settings.py:2: KeyError: 'DATABASE_URL'",
    ),
    "import cycle": Case(
        files={
            "app/__init__.py": "",
            "app/customers.py": "from app.orders import orders\n" + CUSTOMERS,
            "app/orders.py": "from app.customers import customers\norders = 1\n",
        },
        stderr=ERROR + "app/orders.py:1: ImportError: cannot import name 'customers' from partially initialized "
        "module 'app.customers' (most likely due to a circular import) ({tmp}/app/customers.py)",
    ),
    "missing third-party module": Case(
        files={"app/models.py": "import stripe_sdk_that_is_not_installed\n" + CUSTOMERS},
        stderr=ERROR + "app/models.py:1: ModuleNotFoundError: No module named 'stripe_sdk_that_is_not_installed'",
    ),
    "sys.exit at import": Case(
        files={"app/models.py": CUSTOMERS + "import sys\nsys.exit('no configuration found')\n"},
        stderr=ERROR + "app/models.py:10: the module called sys.exit('no configuration found') while being imported",
    ),
    "sys.exit(0) at import is still a failure": Case(
        files={"app/models.py": CUSTOMERS + "import sys\nsys.exit(0)\n"},
        stderr=ERROR + "app/models.py:10: the module called sys.exit(0) while being imported",
    ),
    "non-UTF-8 source": Case(
        files={"app/models.py": CUSTOMERS.encode() + "NOTE = 'caf\u00e9'\n".encode("latin-1")},
        stderr=ERROR + r"app/models\.py:9: SyntaxError: \(unicode error\) 'utf-8' codec can't decode byte 0xe9 .*",
        regex=True,
    ),
    "module name taken by the standard library": Case(
        # A folder without __init__.py is its own import root, so types.py would be the stdlib's `types`.
        files={"app/types.py": CUSTOMERS},
        stderr=ERROR + r"app/types\.py: the module name 'types' is already taken by \S+/types\.py, so this file "
        r"is not imported; rename the file or make its folder a package \(add __init__\.py\)",
        regex=True,
    ),
    "--model names a module that does not exist": Case(
        files={"app/__init__.py": "", "app/models.py": CUSTOMERS},
        args=("--model", "app.modles", "--dialect", "postgresql"),
        stderr=ERROR + "app.modles: ModuleNotFoundError: No module named 'app.modles'",
    ),
    "--model names an attribute that does not exist": Case(
        files={"app/__init__.py": "", "app/models.py": CUSTOMERS},
        args=("--model", "app.models:Base", "--dialect", "postgresql"),
        stderr=ERROR + "--model app.models:Base: module app.models has no attribute 'Base'",
    ),
    # ---- model defects -------------------------------------------------------------------------
    "two tables with one name in one MetaData": Case(
        files={"app/models.py": CUSTOMERS + 'again = Table("customers", metadata, Column("id", Integer, primary_key=True))\n'},
        stderr=ERROR + "app/models.py:9: InvalidRequestError: Table 'customers' is already defined for this MetaData "
        "instance. Specify 'extend_existing=True' to redefine options and columns on an existing Table object.",
    ),
    "two tables with one name in two MetaData": Case(
        files={"app/billing.py": CUSTOMERS, "app/crm.py": CUSTOMERS.replace("String(200)", "String(100)")},
        stderr=ERROR + "customers: table 'customers' is defined twice, at app/billing.py:4 and at app/crm.py:4, and "
        "the two differ on postgresql ('email VARCHAR(200) NOT NULL' at app/billing.py:4, 'email VARCHAR(100) NOT NULL' "
        "at app/crm.py:4); keep one definition, or make them the same",
    ),
    "foreign key to a table that does not exist": Case(
        files={"app/models.py": CUSTOMERS + 'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("cart_id", ForeignKey("carts.id")))\n'},
        stderr=ERROR + "app/models.py:9 (orders): foreign key orders.cart_id -> carts.id: Foreign key associated with "
        "column 'orders.cart_id' could not find table 'carts' with which to generate a foreign key to target column "
        "'id'; define that table in the model or load the module that does (--path/--model)",
    ),
    "foreign key to a column that does not exist": Case(
        files={"app/models.py": CUSTOMERS + 'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("customer_id", ForeignKey("customers.uuid")))\n'},
        stderr=ERROR + "app/models.py:9 (orders): foreign key orders.customer_id -> customers.uuid: Could not initialize "
        "target column for ForeignKey 'customers.uuid' on table 'orders': table 'customers' has no column named "
        "'uuid'; add that column or correct the reference",
    ),
    "foreign key to a column that is neither primary nor unique": Case(
        files={"app/models.py": CUSTOMERS + 'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("email", ForeignKey("customers.email")))\n'},
        stderr=ERROR + "app/models.py:9 (orders): foreign key orders.email -> customers.email: the referenced column is "
        "neither the primary key nor unique, which postgresql rejects; mark it unique (unique=True or a "
        "UniqueConstraint) or refer to the primary key",
    ),
    "foreign key to a column unique only through an expression index": Case(
        files={"app/models.py": CUSTOMERS + 'Index("ix_customers_email_lower", func.lower(customers.c.email), unique=True)\n'
               'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("email", ForeignKey("customers.email")))\n'},
        stderr=ERROR + "app/models.py:10 (orders): foreign key orders.email -> customers.email: the referenced column is "
        "neither the primary key nor unique, which postgresql rejects; mark it unique (unique=True or a "
        "UniqueConstraint) or refer to the primary key",
    ),
    "foreign key to a column unique only on some rows (partial index)": Case(
        files={"app/models.py": CUSTOMERS + 'Index("ix_customers_email", customers.c.email, unique=True, '
               'postgresql_where=customers.c.id > 0)\n'
               'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("email", ForeignKey("customers.email")))\n'},
        stderr=ERROR + "app/models.py:10 (orders): foreign key orders.email -> customers.email: the referenced column is "
        "neither the primary key nor unique, which postgresql rejects; mark it unique (unique=True or a "
        "UniqueConstraint) or refer to the primary key",
    ),
    "index declared with no columns": Case(
        files={"app/models.py": HEADER + 'customers = Table("customers", metadata, Column("id", Integer, primary_key=True), '
               'Index("ix_customers_email"))\n'},
        stderr=ERROR + "app/models.py:4 (customers): index 'ix_customers_email' on customers: it has no columns; give "
        "it columns or remove it",
    ),
    "one index name declared twice, differently": Case(
        files={"app/models.py": CUSTOMERS + 'Index("ix_customers_email", customers.c.email)\n'
               'Index("ix_customers_email", customers.c.email, customers.c.id)\n'},
        stderr=ERROR + "app/models.py:4 (customers): index 'ix_customers_email' on customers: it is declared twice, "
        "differently: (email) and (email, id); remove one or give them different names",
    ),
    # ---- dialects ------------------------------------------------------------------------------
    "unknown dialect": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app", "--dialect", "snowflake"),
        stderr=ERROR + "--dialect: unknown dialect 'snowflake': not built in, and no installed package provides it "
        "(known: clickhouse, mariadb, mssql, mysql, postgresql, sqlite)",
    ),
    "dialect whose package is not installed": Case(
        # An installed distribution registers the dialect, but the module it names is gone (a broken install).
        files={
            "site/fakedb-1.0.dist-info/METADATA": "Metadata-Version: 2.1\nName: fakedb\nVersion: 1.0\n",
            "site/fakedb-1.0.dist-info/entry_points.txt":
                "[sqlalchemy.dialects]\nfakedb = fakedb_missing.dialect:FakeDialect\n",
            "app/models.py": CUSTOMERS,
        },
        args=("--path", "app", "--dialect", "fakedb"),
        env={"PYTHONPATH": "site"},
        stderr=ERROR + "--dialect: dialect 'fakedb' needs a package that is not installed "
        "(No module named 'fakedb_missing')",
    ),
    "a type the dialect cannot render": Case(
        files={"app/models.py": HEADER + 'notes = Table("notes", metadata, Column("id", Integer, primary_key=True), '
               'Column("title", String))\n'},
        args=("--path", "app", "--dialect", "mysql"),
        stderr=ERROR + "notes (mysql): cannot compile CreateTable: (in table 'notes', column 'title'): VARCHAR "
        "requires a length on dialect mysql",
    ),
    "dialect spelled with a dot (SQLAlchemy's registry would pick the generic adapter)": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app", "--dialect", "postgresql.psycopg2"),
        stderr=ERROR + "--dialect: 'postgresql.psycopg2' is not a dialect name (did you mean 'postgresql+psycopg2'?); "
        "write a dialect, optionally with a driver as in a SQLAlchemy URL (known: clickhouse, mariadb, mssql, mysql, "
        "postgresql, sqlite)",
    ),
    "dialect that is a path": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app", "--dialect", "../../etc"),
        stderr=ERROR + "--dialect: '../../etc' is not a dialect name; write a dialect, optionally with a driver as in a "
        "SQLAlchemy URL (known: clickhouse, mariadb, mssql, mysql, postgresql, sqlite)",
    ),
    "dialect that is a path (check)": Case(
        files={"app/models.py": CUSTOMERS},
        args=("check", "--path", "app", "--dialect", "../../etc"),
        stderr=ERROR + "--dialect: '../../etc' is not a dialect name; write a dialect, optionally with a driver as in a "
        "SQLAlchemy URL (known: clickhouse, mariadb, mssql, mysql, postgresql, sqlite)",
    ),
    # ---- SQLite has one schema --------------------------------------------------------------------
    "two schemas' tables of one name on sqlite": Case(
        files={"app/models.py": HEADER + 'a = Table("users", metadata, Column("id", Integer, primary_key=True), schema="a")\n'
               'b = Table("users", metadata, Column("id", Integer, primary_key=True), schema="b")\n'},
        args=("--path", "app", "--dialect", "sqlite"),
        stderr=ERROR + "sqlite: a.users and b.users would both be created as 'users': sqlite has no schemas; rename "
        "one, or leave one out of this target (info={'atlas': {'exclude': ['sqlite']}})",
    ),
    # ---- foreign keys MySQL and MariaDB refuse with no more than errno 150 -----------------------
    "foreign key from a named schema to the default schema (mysql)": Case(
        files={"app/models.py": CUSTOMERS + 'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("customer_id", ForeignKey("customers.id")), schema="sales")\n'},
        args=("--path", "app", "--dialect", "mysql"),
        stderr=ERROR + "app/models.py:9 (sales.orders): foreign key orders.customer_id -> customers.id: mysql looks "
        "'customers' up in database 'sales', the referring table's, not in the default one; give 'customers' an "
        "explicit schema",
    ),
    "unnamed foreign key whose generated name is too long (mariadb)": Case(
        files={"app/models.py": CUSTOMERS + 'history = Table("customer_lifetime_value_adjustment_history_snapshot_records", '
               'metadata, Column("id", Integer, primary_key=True), Column("customer_id", ForeignKey("customers.id")))\n'},
        args=("--path", "app", "--dialect", "mariadb"),
        stderr=ERROR + "app/models.py:9 (customer_lifetime_value_adjustment_history_snapshot_records): foreign key "
        "customer_lifetime_value_adjustment_history_snapshot_records.customer_id -> customers.id: it has no name, and "
        "mariadb would call it 'customer_lifetime_value_adjustment_history_snapshot_records_ibfk_1', longer than the "
        "63 bytes it allows; name it (ForeignKey(..., name=...)) or give the MetaData a naming convention",
    ),
    "ON DELETE SET NULL on a NOT NULL column (mysql)": Case(
        files={"app/models.py": CUSTOMERS + 'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("customer_id", ForeignKey("customers.id", ondelete="SET NULL"), nullable=False))\n'},
        args=("--path", "app", "--dialect", "mysql"),
        stderr=ERROR + "app/models.py:9 (orders): foreign key orders.customer_id -> customers.id: ON DELETE SET NULL "
        "on NOT NULL column(s) customer_id, which mysql rejects; make them nullable or choose another action",
    ),
    "ON UPDATE CASCADE from a nullable column into a NOT NULL one (mariadb)": Case(
        files={"app/models.py": HEADER + 'customers = Table("customers", metadata, Column("id", Integer, primary_key=True), '
               'Column("code", String(20), unique=True))\n'
               'orders = Table("orders", metadata, Column("id", Integer, primary_key=True), '
               'Column("customer_code", ForeignKey("customers.code", onupdate="CASCADE"), nullable=False))\n'},
        args=("--path", "app", "--dialect", "mariadb"),
        stderr=ERROR + "app/models.py:5 (orders): foreign key orders.customer_code -> customers.code: ON UPDATE "
        "CASCADE from nullable referenced column(s) into NOT NULL ones, which mariadb rejects; make both sides NOT "
        "NULL, or both nullable, or choose another action",
    ),
    # ---- command lines that cannot be parsed: exit 2, one line ----------------------------------
    "no --dialect": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app"),
        code=2,
        stderr=ERROR + "Invalid value for --dialect: is required (see 'atlas-provider --help')",
    ),
    "unknown option": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app", "--dialect", "postgresql", "--colour"),
        code=2,
        stderr=ERROR + "No such option: --colour (see 'atlas-provider --help')",
    ),
    "option without its value": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app", "--dialect"),
        code=2,
        stderr=ERROR + "Option '--dialect' requires an argument. (see 'atlas-provider --help')",
    ),
    "setting without a value": Case(
        files={"app/models.py": CUSTOMERS},
        args=("--path", "app", "--dialect", "postgresql", "-s", "novalue"),
        code=2,
        stderr=ERROR + "Invalid value for --setting: expected KEY=VALUE, got 'novalue' (see 'atlas-provider --help')",
    ),
    "unknown subcommand option": Case(
        files={"app/models.py": CUSTOMERS},
        args=("check", "--path", "app", "--dialect", "postgresql", "--format", "yaml"),
        code=2,
        stderr=ERROR + r"Invalid value for '--format' / '-f': .*'yaml' is not one of 'table', 'json', 'markdown'\. "
        r"\(see 'atlas-provider check --help'\)",
        regex=True,
    ),
    "subcommand missing a required option": Case(
        files={"app/models.py": CUSTOMERS},
        args=("schema", "--path", "app", "--dialect", "postgresql"),
        code=2,
        stderr=ERROR + "Missing option '--out-dir' / '-o'. (see 'atlas-provider schema --help')",
    ),
}


def write_tree(root: Path, files: dict[str, str | bytes]) -> None:
    """Write ``files`` (relative path -> text or bytes; a path ending in / is an empty folder) under root."""
    for name, content in files.items():
        path = root / name
        if name.endswith("/"):
            path.mkdir(parents=True, exist_ok=True)
            continue
        path.parent.mkdir(parents=True, exist_ok=True)
        if isinstance(content, bytes):
            path.write_bytes(content)
        else:
            path.write_text(content, encoding="utf-8")


def assert_fails(result, expected: str, *, code: int = 1, regex: bool = False) -> None:  # type: ignore[no-untyped-def]
    """Exit ``code``, nothing on stdout, and exactly one stderr line."""
    assert result.stdout == "", f"stdout must stay empty on failure, got:\n{result.stdout}"
    assert result.returncode == code, f"exit {result.returncode}, stderr:\n{result.stderr}"
    assert result.stderr.endswith("\n") and result.stderr.count("\n") == 1, (
        f"expected one stderr line, got:\n{result.stderr}"
    )
    got = result.stderr.rstrip("\n")
    if regex:
        assert re.fullmatch(expected, got), f"stderr does not match {expected!r}:\n{got}"
    else:
        assert got == expected


@pytest.mark.parametrize("case", CASES.values(), ids=CASES.keys())
def test_bad_input(case: Case, tmp_path: Path) -> None:
    write_tree(tmp_path, case.files)
    expected = case.stderr.replace("{tmp}", re.escape(str(tmp_path.resolve())) if case.regex else str(tmp_path.resolve()))
    env = {name: str(tmp_path / value) for name, value in case.env.items()}
    result = run_provider(*case.args, cwd=tmp_path, env=env)
    assert_fails(result, expected, code=case.code, regex=case.regex)


# ---- names that would leave a comment ------------------------------------------------------------
# A `-- atlas:pos <table>` line ends at a newline: a table named "x\nDROP TABLE accounts;--" would put a
# statement in front of Atlas. No database needs such a name; every target refuses it.

ALL_DIALECTS = ["postgresql", "mysql", "mariadb", "sqlite", "mssql", "clickhouse"]
CONTROL_NAMES = {
    "table": (HEADER + 'evil = Table("users\\nDROP TABLE accounts;--", metadata, Column("id", Integer, primary_key=True))\n',
              "the table name 'users\\nDROP TABLE accounts;--' contains a control character (a newline?); rename it"),
    "column": (HEADER + 'evil = Table("users", metadata, Column("id\\r", Integer, primary_key=True))\n',
               "the column name 'users.id\\r' contains a control character (a newline?); rename it"),
}


@pytest.mark.parametrize("dialect", ALL_DIALECTS)
@pytest.mark.parametrize("kind", CONTROL_NAMES)
def test_a_name_with_a_control_character_is_refused(kind: str, dialect: str, tmp_path: Path) -> None:
    source, message = CONTROL_NAMES[kind]
    write_tree(tmp_path, {"app/models.py": source})
    result = run_provider("--path", "app", "--dialect", dialect, cwd=tmp_path)
    table = "users\\nDROP TABLE accounts;--" if kind == "table" else "users"
    assert_fails(result, ERROR + f"'{table}' ({dialect}): {message}")


# ---- unreadable files ----------------------------------------------------------------------------
# Python's import system passes over a file it cannot read (or finds another module under its name),
# which would leave that file's tables out of the schema; the provider must fail instead.

def test_dangling_symlink(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/models.py": CUSTOMERS})
    (tmp_path / "app" / "orders.py").symlink_to(tmp_path / "moved" / "orders.py")
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)
    assert_fails(result, ERROR + "app/orders.py: cannot read this file (No such file or directory); fix it or leave "
                 "it out with --exclude")


def test_symlink_loop(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/models.py": CUSTOMERS})
    (tmp_path / "app" / "orders.py").symlink_to("orders.py")
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)
    assert_fails(result, ERROR + "app/orders.py: cannot read this file (Too many levels of symbolic links); fix it "
                 "or leave it out with --exclude")


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="no named pipes on this platform")
def test_fifo_named_like_a_module(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/models.py": CUSTOMERS})
    os.mkfifo(tmp_path / "app" / "orders.py")
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path, timeout=60)
    assert_fails(result, ERROR + "app/orders.py: cannot read this file (not a regular file); fix it or leave it out "
                 "with --exclude")


def test_file_without_read_permission(tmp_path_factory: pytest.TempPathFactory) -> None:
    """chmod 000. Root reads any file, so as root the provider runs as user nobody (setpriv), in a folder
    nobody can enter; without setpriv that one sub-case is skipped (the symlink and FIFO cases remain)."""
    prefix: list[str] = []
    if os.geteuid() == 0:
        setpriv = shutil.which("setpriv")
        if setpriv is None:
            pytest.skip("running as root, which reads any file, and setpriv is not there to drop privileges")
        prefix = [setpriv, "--reuid=65534", "--regid=65534", "--clear-groups"]
        # The provider starts its child with sys.executable; as nobody that must be possible too (here the
        # interpreter can live under root's 0700 home, which a dropped-privilege process cannot exec from).
        respawn = "import subprocess, sys; subprocess.run([sys.executable, '-c', ''], check=True)"
        if subprocess.run([*prefix, sys.executable, "-c", respawn], capture_output=True, cwd="/", check=False).returncode:
            pytest.skip("user nobody cannot start this interpreter again (it lives in a folder closed to nobody)")
    # tmp_path lives in a 0700 folder of root's; this one is open to nobody.
    root = Path(tempfile.mkdtemp(prefix="atlas_unreadable_"))
    try:
        root.chmod(0o755)
        write_tree(root, {"app/models.py": CUSTOMERS, "app/orders.py": CUSTOMERS.replace("customers", "orders")})
        (root / "app" / "orders.py").chmod(0)
        result = subprocess.run([*prefix, sys.executable, "-m", "atlas_provider", "--path", "app", "--dialect",
                                 "postgresql"], cwd=root, capture_output=True, encoding="utf-8", timeout=120,
                                stdin=subprocess.DEVNULL, check=False)
    finally:
        shutil.rmtree(root)
    assert_fails(result, ERROR + "app/orders.py: cannot read this file (Permission denied); fix it or leave it out "
                 "with --exclude")


def test_exclude_gets_past_an_unreadable_file(tmp_path: Path) -> None:
    """The error's advice works: --exclude leaves the broken file out."""
    write_tree(tmp_path, {"app/models.py": CUSTOMERS})
    (tmp_path / "app" / "orders.py").symlink_to(tmp_path / "moved" / "orders.py")
    result = run_provider("--path", "app", "--dialect", "postgresql", "--exclude", "app/orders.py", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "CREATE TABLE customers" in result.stdout


# ---- output during import ------------------------------------------------------------------------

def test_model_that_prints_while_imported_still_succeeds(tmp_path: Path) -> None:
    """print(), sys.stdout, sys.__stdout__ and a raw write to descriptor 1 all land on stderr."""
    noisy = (
        "import os, sys\n"
        "print('connecting to the database...')\n"
        "sys.stdout.write('sys.stdout\\n')\n"
        "sys.__stdout__.write('sys.__stdout__\\n'); sys.__stdout__.flush()\n"
        "os.write(1, b'descriptor 1\\n')\n"
    )
    write_tree(tmp_path, {"app/models.py": noisy + CUSTOMERS})
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    for words in ("connecting to the database...", "sys.stdout", "sys.__stdout__", "descriptor 1"):
        assert words in result.stderr
        assert words not in result.stdout
    assert split_statements(result.stdout) == [
        "CREATE TABLE customers (\n\tid SERIAL NOT NULL, \n\temail VARCHAR(200) NOT NULL, \n\tPRIMARY KEY (id)\n);"
    ]


def test_model_that_prints_then_fails_leaves_stdout_empty(tmp_path: Path) -> None:
    write_tree(tmp_path, {"app/models.py": "print('half way')\n" + CUSTOMERS + "raise ValueError('bad')\n"})
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == "half way\n" + ERROR + "app/models.py:10: ValueError: bad\n"


def test_output_after_the_schema_goes_to_stderr(tmp_path: Path) -> None:
    """A model's atexit handler and a thread it started run after the schema is written: their words go to
    stderr too, or Atlas would read them as SQL."""
    late = (
        "import atexit, sys, threading, time\n"
        "atexit.register(print, 'goodbye from atexit')\n"
        "def later():\n"
        "    time.sleep(1)\n"
        "    print('hello from a thread')\n"
        "threading.Thread(target=later).start()\n"
    )
    write_tree(tmp_path, {"app/models.py": late + CUSTOMERS})
    result = run_provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)
    assert result.returncode == 0, result.stderr
    assert "goodbye from atexit" in result.stderr and "hello from a thread" in result.stderr
    assert len(split_statements(result.stdout)) == 1
    assert result.stdout.rstrip().endswith(");")

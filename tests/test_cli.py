"""The command Atlas runs: its flags, exit codes and what it writes where, run as a subprocess."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

import atlas_provider
from atlas_provider.cli import guarded
from tests.models import EXAMPLE, LAYOUTS, ROOT, created_tables, positions, provider, statements

EXAMPLE_ARGS = ("--path", "examples/shop")
# The example's tables for an application database, and the file and class (or Table) defining each.
EXAMPLE_TABLES = {
    "addresses": ("customers.py", "class Address(Base):"),
    "customers": ("customers.py", "class Customer(Base):"),
    "password_reset_tokens": ("customers.py", "class PasswordResetToken(Base):"),
    "categories": ("catalog.py", "class Category(Base):"),
    "products": ("catalog.py", "class Product(Base):"),
    "tags": ("catalog.py", "class Tag(Base):"),
    "product_tags": ("catalog.py", "product_tags = sa.Table("),  # a Core table
    "orders": ("orders.py", "class Order(Base):"),
    "order_items": ("orders.py", "class OrderItem(Base):"),
    "analytics.daily_sales": ("analytics.py", "class DailySales(Base):"),  # schema-qualified
}


def write_tree(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(textwrap.dedent(text), encoding="utf-8")


GOOD = """\
    import sqlalchemy as sa

    metadata = sa.MetaData()
    good = sa.Table("good", metadata, sa.Column("id", sa.Integer, primary_key=True))
    """


# --- entry points ---------------------------------------------------------------------------------------------


def test_version() -> None:
    result = provider("--version", cwd=ROOT)

    assert result.returncode == 0
    assert result.stdout == f"atlas-provider {atlas_provider.__version__}\n"


@pytest.mark.parametrize("script", ["atlas-provider", "atlas-provider-sqlalchemy"])
def test_console_scripts_print_what_python_m_prints(script: str) -> None:
    # atlas-provider-sqlalchemy is the existing provider's name: configurations that call it keep working.
    executable = Path(sys.executable).with_name(script)
    assert executable.exists()
    result = subprocess.run([str(executable), *EXAMPLE_ARGS, "--dialect", "sqlite"], cwd=ROOT,
                            capture_output=True, encoding="utf-8", stdin=subprocess.DEVNULL, check=False)

    assert result.returncode == 0, result.stderr
    assert result.stdout == provider(*EXAMPLE_ARGS, "--dialect", "sqlite", cwd=ROOT).stdout


def test_the_entry_point_has_no_import_cycle() -> None:
    """`__main__` -> parent (the supervising process); the child imports cli; nothing imports `__main__` back."""
    code = ("import sys, atlas_provider.cli, atlas_provider.child; "
            "print(sorted(m for m in sys.modules if m.startswith('atlas_provider.') and 'main' in m))")
    result = subprocess.run([sys.executable, "-c", code], cwd=ROOT, capture_output=True, encoding="utf-8", check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout == "[]\n"


def test_help_lists_the_flags_of_the_existing_provider_and_ours() -> None:
    result = provider("--help", cwd=ROOT, env={"COLUMNS": "200"})

    assert result.returncode == 0
    for flag in ["--path", "--dialect", "--skip-errors", "--model", "--exclude", "--include", "--allow-empty",
                 "--no-create-schemas", "--version"]:
        assert flag in result.stdout


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["--path", "examples/shop"], 2, "--dialect"),  # Typer's usage error
        (["--path", "examples/shop", "--dialect", "oracle9000"], 1, "unknown dialect 'oracle9000'"),
        (["--path", "no/such/folder", "--dialect", "sqlite"], 1, "path does not exist"),
        (["--dialect", "sqlite"], 1, "nothing to load"),
    ],
    ids=["no dialect", "unknown dialect", "missing path", "no path"],
)
def test_usage_errors_print_nothing_on_stdout(args: list[str], code: int, message: str) -> None:
    result = provider(*args, cwd=ROOT)

    assert result.returncode == code
    assert result.stdout == ""
    assert message in result.stderr


# --- the example ----------------------------------------------------------------------------------------------


def test_example_positions_name_every_table_relative_to_the_working_directory() -> None:
    result = provider(*EXAMPLE_ARGS, "--dialect", "postgresql", cwd=ROOT)

    assert result.returncode == 0, result.stderr
    found = positions(result.stdout)
    assert set(found) == set(EXAMPLE_TABLES) == set(created_tables(result.stdout))
    for table, (path, line) in found.items():
        file, definition = EXAMPLE_TABLES[table]
        assert path == f"examples/shop/models/{file}"
        assert (ROOT / path).read_text().splitlines()[line - 1] == definition


def test_positions_follow_the_working_directory() -> None:
    result = provider("--path", "shop", "--dialect", "postgresql", cwd=EXAMPLE.parent)

    assert result.returncode == 0, result.stderr
    assert positions(result.stdout)["product_tags"][0] == "shop/models/catalog.py"


def test_create_schemas_by_default_and_not_with_no_create_schemas() -> None:
    default = provider(*EXAMPLE_ARGS, "--dialect", "postgresql", cwd=ROOT)
    without = provider(*EXAMPLE_ARGS, "--dialect", "postgresql", "--no-create-schemas", cwd=ROOT)

    assert default.returncode == without.returncode == 0
    assert statements(default.stdout)[0] == "CREATE SCHEMA analytics;"
    assert statements(without.stdout) == statements(default.stdout)[1:]
    assert "SCHEMA" not in without.stdout


# --- zero tables --------------------------------------------------------------------------------------------


def test_zero_tables_is_an_error_unless_allow_empty(tmp_path: Path) -> None:
    write_tree(tmp_path, {"empty/models.py": "import sqlalchemy as sa\n\nmetadata = sa.MetaData()\n"})

    refused = provider("--path", "empty", "--dialect", "postgresql", cwd=tmp_path)
    assert refused.returncode == 1
    assert refused.stdout == ""
    assert "no tables found" in refused.stderr and "--allow-empty" in refused.stderr

    allowed = provider("--path", "empty", "--dialect", "postgresql", "--allow-empty", cwd=tmp_path)
    assert allowed.returncode == 0, allowed.stderr
    assert allowed.stdout == ""


def test_a_target_that_gets_no_table_is_refused_too(tmp_path: Path) -> None:
    write_tree(tmp_path, {"lake/models.py": """\
        import sqlalchemy as sa

        metadata = sa.MetaData()
        events = sa.Table("events", metadata, sa.Column("id", sa.Integer, primary_key=True),
                          info={"atlas": {"targets": ["lake"]}})
        """})
    result = provider("--path", "lake", "--dialect", "sqlite", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""
    assert "none for this target" in result.stderr


# --- failures and --skip-errors ----------------------------------------------------------------------------------

BROKEN_TREE = {
    "app/__init__.py": "",
    "app/a_good.py": GOOD,
    "app/b_broken.py": "import sqlalchemy as sa\n\nprint('half-way')\nraise ValueError('no config')\n",
}


def test_a_module_that_fails_to_import_fails_the_run_with_one_line(tmp_path: Path) -> None:
    write_tree(tmp_path, BROKEN_TREE)
    result = provider("--path", "app", "--dialect", "postgresql", cwd=tmp_path)

    assert result.returncode == 1
    assert result.stdout == ""  # not the good module's table: nothing at all
    assert result.stderr.splitlines() == [
        "half-way",
        "atlas-provider: error: app/b_broken.py:4: ValueError: no config",
    ]


def test_skip_errors_skips_a_broken_module_with_a_warning(tmp_path: Path) -> None:
    write_tree(tmp_path, BROKEN_TREE)
    result = provider("--path", "app", "--dialect", "postgresql", "--skip-errors", cwd=tmp_path)

    assert result.returncode == 0, result.stderr
    assert created_tables(result.stdout) == ["good"]
    [warning] = [line for line in result.stderr.splitlines() if line.startswith("atlas-provider:")]
    assert warning.startswith("atlas-provider: warning: skipped app/b_broken.py:4: ValueError: no config")


def test_the_output_is_written_once_after_everything_succeeded(capsys: pytest.CaptureFixture[str]) -> None:
    # In-process (no real descriptor): what the model prints goes to stderr, the text to stdout at the end.
    # The descriptor-level guard is covered by the subprocess tests (os.write(1, ...) in test_loading.py).
    def run() -> str:
        print("model noise")
        return "CREATE TABLE t (id INT);\n"

    guarded(run)
    out, err = capsys.readouterr()
    assert out == "CREATE TABLE t (id INT);\n"
    assert err == "model noise\n"


# --- DDL events through the command ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("dialect", "trigger"),
    [
        ("postgresql", "CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW EXECUTE FUNCTION items_touch()"),
        ("mysql", "CREATE TRIGGER items_touch BEFORE INSERT ON items FOR EACH ROW\nBEGIN\n"),
        ("sqlite", "CREATE TRIGGER items_touch AFTER INSERT ON items\nBEGIN\n"),
    ],
)
def test_after_create_events_land_right_after_their_table(dialect: str, trigger: str) -> None:
    layout = LAYOUTS["features"]
    result = provider(*layout.args(), "--dialect", dialect, cwd=layout.folder)

    assert result.returncode == 0, result.stderr
    assert result.stdout.startswith("-- atlas:delimiter -- end\n\n")  # a trigger body holds ";"
    found = statements(result.stdout)
    after_items = found[[s.startswith("CREATE TABLE items (") for s in found].index(True) + 1:]
    events = [s for s in after_items if not s.startswith(("COMMENT ON", "CREATE INDEX", "CREATE UNIQUE INDEX"))]
    assert events[0] == "CREATE VIEW item_names AS SELECT id, name FROM items"
    assert any(s.startswith(trigger) for s in events[1:3])

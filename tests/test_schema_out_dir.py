"""`atlas-provider schema --out-dir DIR`: one DDL file per target, byte for byte what Atlas would read."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

from tests.support.provider import run_provider

ROOT = Path(__file__).parent.parent
EXAMPLE = ("--path", "examples/shop")
DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "clickhouse")


def provider(*args: str, cwd: Path = ROOT) -> Any:
    return run_provider(*args, cwd=cwd, env={"PYTHONPATH": ""})


@pytest.fixture(scope="module")
def written(tmp_path_factory: pytest.TempPathFactory) -> tuple[Any, Path]:
    out = tmp_path_factory.mktemp("schema") / "nested" / "schema"
    args = [arg for dialect in DIALECTS for arg in ("--dialect", dialect)]
    return provider("schema", *EXAMPLE, *args, "--out-dir", str(out)), out


def test_one_file_per_target_and_their_names_on_stdout(written: tuple[Any, Path]) -> None:
    result, out = written
    assert result.returncode == 0
    assert sorted(p.name for p in out.iterdir()) == sorted(f"{d}.sql" for d in DIALECTS)
    assert [line.split(" (")[0] for line in result.stdout.splitlines()] == [f"wrote {out / d}.sql" for d in DIALECTS]


@pytest.mark.parametrize("dialect", DIALECTS)
def test_each_file_is_what_the_direct_command_prints(written: tuple[Any, Path], dialect: str) -> None:
    _, out = written
    direct = provider(*EXAMPLE, "--dialect", dialect)
    assert direct.returncode == 0
    assert (out / f"{dialect}.sql").read_bytes() == direct.stdout.encode("utf-8")


def test_what_a_target_cannot_express_is_told_on_stderr_as_by_the_direct_command(written: tuple[Any, Path]) -> None:
    result, _ = written
    direct = provider(*EXAMPLE, "--dialect", "clickhouse")
    assert direct.stderr and direct.stderr in result.stderr


def test_existing_files_are_replaced(tmp_path: Path) -> None:
    (tmp_path / "postgresql.sql").write_text("stale", encoding="utf-8")
    result = provider("schema", *EXAMPLE, "-d", "postgresql", "--out-dir", str(tmp_path))
    assert result.returncode == 0
    assert (tmp_path / "postgresql.sql").read_text(encoding="utf-8") == provider(*EXAMPLE, "-d", "postgresql").stdout


def test_aliases_name_the_file_by_dialect_and_count_once(tmp_path: Path) -> None:
    result = provider("schema", *EXAMPLE, "-d", "postgres", "-d", "postgresql", "--out-dir", str(tmp_path))
    assert result.returncode == 0
    assert [p.name for p in tmp_path.iterdir()] == ["postgresql.sql"]


def test_nothing_is_written_unless_every_target_succeeds(tmp_path: Path) -> None:
    """--strict fails on ClickHouse (foreign keys); PostgreSQL, built first, must not be written either."""
    out = tmp_path / "schema"
    result = provider("schema", *EXAMPLE, "-d", "postgresql", "-d", "clickhouse", "--strict", "--out-dir", str(out))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.startswith("atlas-provider: error: clickhouse: ")
    assert not out.exists()


def test_the_model_is_imported_once_for_every_target(tmp_path: Path) -> None:
    (tmp_path / "shop.py").write_text(
        "import sqlalchemy as sa\nprint('imported')\n"
        "items = sa.Table('items', sa.MetaData(), sa.Column('id', sa.Integer, primary_key=True))\n",
        encoding="utf-8",
    )
    result = provider("schema", "--path", "shop.py", "-d", "postgresql", "-d", "sqlite", "--out-dir", "out",
                      cwd=tmp_path)
    assert result.returncode == 0
    assert result.stderr == "imported\n"


@pytest.mark.parametrize(
    ("args", "code", "message"),
    [
        (["-d", "postgresql"], 2, "--out-dir"),
        (["--out-dir", "x"], 2, "--dialect"),
        (["-d", "oracle9000", "--out-dir", "x"], 1, "unknown dialect 'oracle9000'"),
    ],
)
def test_bad_command_lines(tmp_path: Path, args: list[str], code: int, message: str) -> None:
    result = provider("schema", "--path", str(ROOT / "examples" / "shop"), *args, cwd=tmp_path)
    assert (result.returncode, result.stdout) == (code, "")
    assert message in result.stderr
    assert not (tmp_path / "x").exists()


def test_building_one_target_leaves_the_model_as_it_was_for_the_next() -> None:
    """PostgreSQL breaks the example's foreign-key cycle with ALTER TABLE; SQLite, built from the same loaded
    model afterwards, still creates that foreign key inline."""
    from atlas_provider import build_schema
    from tests.models import load_example

    model = load_example()
    alone = build_schema(model, "sqlite").text
    build_schema(model, "postgresql")
    assert build_schema(model, "sqlite").text == alone
    assert "FOREIGN KEY(customer_id) REFERENCES customers (id) ON DELETE CASCADE" in alone

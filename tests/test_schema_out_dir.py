"""`atlas-provider schema --out-dir DIR`: one DDL file per target, byte for byte what Atlas would read."""

from __future__ import annotations

import subprocess
from collections.abc import Iterator
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


# --- all files or none: a failure while writing leaves the old files (run with the interpreter's defaults) -----

def defaults(*args: str, cwd: Path = ROOT) -> Any:
    return run_provider(*args, cwd=cwd, env={"PYTHONPATH": "", "PYTHONDONTWRITEBYTECODE": "", "PYTHONUNBUFFERED": ""})


def old_files(folder: Path, *names: str) -> dict[str, str]:
    folder.mkdir(parents=True, exist_ok=True)
    for name in names:
        (folder / name).write_text(f"old {name}\n", encoding="utf-8")
    return {name: f"old {name}\n" for name in names}


def assert_unchanged(folder: Path, old: dict[str, str]) -> None:
    assert {p.name: p.read_text(encoding="utf-8") for p in folder.iterdir() if p.is_file()} == old


def test_a_file_that_cannot_be_written_leaves_every_old_file(tmp_path: Path) -> None:
    """The files were written one after another: postgresql.sql was already replaced when mysql.sql failed."""
    out = tmp_path / "schema"
    old = old_files(out, "postgresql.sql")
    (out / "mysql.sql").mkdir()  # cannot be replaced by a file
    result = defaults("schema", *EXAMPLE, "-d", "postgresql", "-d", "mysql", "--out-dir", str(out))
    assert (result.returncode, result.stdout) == (1, "")
    assert result.stderr.splitlines()[-1] == (f"atlas-provider: error: {out}: cannot write mysql.sql: Is a directory; "
                                              f"no file was changed")
    assert_unchanged(out, old)


def test_text_that_is_not_utf8_leaves_no_empty_file(tmp_path: Path) -> None:
    """A lone surrogate in a comment raised at the write, outside the error boundary, leaving an empty file."""
    (tmp_path / "shop.py").write_text(
        "import sqlalchemy as sa\n"
        "items = sa.Table('items', sa.MetaData(), sa.Column('id', sa.Integer, primary_key=True), comment='\\udc80')\n",
        encoding="utf-8")
    old = old_files(tmp_path / "out", "postgresql.sql")
    result = defaults("schema", "--path", "shop.py", "-d", "sqlite", "-d", "postgresql", "--out-dir", "out",
                      cwd=tmp_path)
    assert (result.returncode, result.stdout) == (1, "")
    [line] = [line for line in result.stderr.splitlines() if "warning" not in line]  # SQLite: comment left out
    assert line.startswith("atlas-provider: error: out/postgresql.sql: line ") and "cannot be written as UTF-8" in line
    assert_unchanged(tmp_path / "out", old)


@pytest.fixture
def small_disk(tmp_path: Path) -> Iterator[Path]:
    """A 16 KiB tmpfs: a real file system that fills up (needs the right to mount; root in CI)."""
    folder = tmp_path / "disk"
    folder.mkdir()
    mounted = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=16k", "tmpfs", str(folder)], capture_output=True,
                             check=False)
    if mounted.returncode != 0:
        pytest.skip(f"cannot mount a small tmpfs: {mounted.stderr.decode().strip()}")
    try:
        yield folder
    finally:
        subprocess.run(["umount", str(folder)], check=True)


def test_a_full_disk_leaves_the_old_files_and_no_cut_one(small_disk: Path) -> None:
    """It left mysql.sql cut at 4,096 bytes."""
    old = old_files(small_disk, "postgresql.sql", "mysql.sql")
    result = defaults("schema", *EXAMPLE, "-d", "postgresql", "-d", "mysql", "--out-dir", str(small_disk))
    assert (result.returncode, result.stdout) == (1, "")
    errors = [line for line in result.stderr.splitlines() if "error" in line]
    assert errors == [f"atlas-provider: error: {small_disk}: cannot write mysql.sql: No space left on device; "
                      f"no file was changed"] or errors == [
                     f"atlas-provider: error: {small_disk}: cannot write postgresql.sql: No space left on device; "
                     f"no file was changed"], result.stderr
    assert sorted(p.name for p in small_disk.iterdir()) == ["mysql.sql", "postgresql.sql"]  # no temporary left
    assert_unchanged(small_disk, old)


def test_replaced_files_keep_their_permissions(tmp_path: Path) -> None:
    old_files(tmp_path, "sqlite.sql")
    (tmp_path / "sqlite.sql").chmod(0o640)
    result = defaults("schema", *EXAMPLE, "-d", "sqlite", "--out-dir", str(tmp_path))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "sqlite.sql").stat().st_mode & 0o777 == 0o640
    assert [p.name for p in tmp_path.iterdir()] == ["sqlite.sql"]


def test_a_symlinked_file_is_written_through_its_link(tmp_path: Path) -> None:
    """`postgresql.sql -> ../migrations/schema.sql`: the file behind the link gets the schema (as when the files
    were written in place); the rename replaced the link with a copy, leaving the linked file stale."""
    (tmp_path / "migrations").mkdir()
    linked = tmp_path / "migrations" / "schema.sql"
    linked.write_text("old\n", encoding="utf-8")
    (tmp_path / "out").mkdir()
    (tmp_path / "out" / "postgresql.sql").symlink_to(Path("..") / "migrations" / "schema.sql")
    result = defaults("schema", *EXAMPLE, "-d", "postgresql", "--out-dir", str(tmp_path / "out"))
    assert result.returncode == 0, result.stderr
    assert (tmp_path / "out" / "postgresql.sql").is_symlink()
    assert linked.read_text(encoding="utf-8") == defaults(*EXAMPLE, "-d", "postgresql").stdout
    assert sorted(p.name for p in (tmp_path / "migrations").iterdir()) == ["schema.sql"]


class _Interrupted(dict):  # type: ignore[type-arg]
    """The files to write, with a Ctrl-C that arrives after the first one was written."""

    def items(self) -> Iterator[tuple[str, bytes]]:  # type: ignore[override]
        for number, item in enumerate(super().items()):
            if number:
                raise KeyboardInterrupt
            yield item


def test_an_interrupt_while_writing_leaves_no_temporary_file(tmp_path: Path) -> None:
    """SIGINT between two files left the first one's temporary file behind (6 in 30 runs of a 5-target schema,
    SIGINT sent as soon as a temporary file appeared)."""
    from atlas_provider.outdir import write_together

    old = old_files(tmp_path, "postgresql.sql")
    with pytest.raises(KeyboardInterrupt):
        write_together(tmp_path, _Interrupted({"postgresql.sql": b"new\n", "mysql.sql": b"new\n"}))
    assert_unchanged(tmp_path, old)
    assert [p.name for p in tmp_path.iterdir()] == ["postgresql.sql"]

"""The same model gives the same bytes: whatever the hash seed, the import order or the working directory.

Atlas diffs the provider's output against the migration directory on every run; output that wobbles shows up
as phantom changes, and output that is sometimes empty as DROP TABLE. Runs are subprocesses, a few at a time.
"""

from __future__ import annotations

import os
import random
import re
import shutil
import subprocess
from collections import Counter
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pytest

from tests.models import EXAMPLE, LAYOUTS, ROOT, created_tables, positions, provider, statements

EXAMPLE_ARGS = ("--path", "examples/shop")


def run_with_seeds(args: list[str], cwd: Path, count: int) -> dict[int, subprocess.CompletedProcess[str]]:
    """Run the provider `count` times with random PYTHONHASHSEED values, a few processes at a time."""
    seeds = random.Random().sample(range(1, 2**32 - 1), count)
    with ThreadPoolExecutor(max_workers=max(2, os.cpu_count() or 2)) as pool:
        results = pool.map(lambda seed: provider(*args, cwd=cwd, env={"PYTHONHASHSEED": str(seed)}), seeds)
        return dict(zip(seeds, results))


def assert_one_output(results: dict[int, subprocess.CompletedProcess[str]]) -> str:
    failed = {seed: r.stderr for seed, r in results.items() if r.returncode != 0 or not r.stdout}
    assert not failed, f"failed or printed nothing with PYTHONHASHSEED={failed}"
    outputs = Counter(r.stdout for r in results.values())
    if len(outputs) > 1:
        by_output = {text: [s for s, r in results.items() if r.stdout == text] for text in outputs}
        pytest.fail(f"{len(outputs)} different outputs; seeds per output: {list(by_output.values())}")
    return next(iter(outputs))


@pytest.mark.parametrize(
    ("dialect", "runs"),
    # PostgreSQL (tables as the model has them) and SQLite (copied tables) are the fast check; 50 seeds and
    # the other dialects are the full tier
    [("postgresql", 4), ("sqlite", 4), *(pytest.param(dialect, runs, marks=pytest.mark.full) for dialect, runs in
                                         [("postgresql", 50), ("mysql", 4), ("mariadb", 4), ("mssql", 4)])],
)
def test_example_is_byte_identical_whatever_the_hash_seed(dialect: str, runs: int) -> None:
    output = assert_one_output(run_with_seeds([*EXAMPLE_ARGS, "--dialect", dialect], ROOT, runs))
    assert len(created_tables(output)) >= 9


def test_modules_importing_each_other_load_every_time() -> None:
    # The existing provider printed nothing in 7 of 20 runs on this layout.
    layout = LAYOUTS["absolute"]
    output = assert_one_output(run_with_seeds([*layout.args(), "--dialect", "postgresql"], layout.folder, 10))
    assert sorted(created_tables(output)) == ["posts", "users"]


def test_the_order_of_path_options_does_not_matter() -> None:
    layout = LAYOUTS["multi"]
    one = provider("--path", "crm", "--path", "billing", "--dialect", "postgresql", cwd=layout.folder)
    other = provider("--path", "billing", "--path", "crm", "--dialect", "postgresql", cwd=layout.folder)

    assert one.returncode == other.returncode == 0, one.stderr + other.stderr
    assert one.stdout == other.stdout


# Module names that reverse the order in which the example's modules are found and imported.
RENAMES = {"analytics": "e_analytics", "base": "d_base", "catalog": "c_catalog", "customers": "b_customers",
           "orders": "a_orders"}


def copy_example_with_renamed_modules(target: Path) -> Path:
    shop = target / "shop"
    shutil.copytree(EXAMPLE, shop, ignore=shutil.ignore_patterns("__pycache__"))
    models = shop / "models"
    for old, new in RENAMES.items():
        (models / f"{old}.py").rename(models / f"{new}.py")
    for file in models.glob("*.py"):
        text = file.read_text()
        for old, new in RENAMES.items():
            text = re.sub(rf"\b(shop\.models|from )\.?{old}\b",
                          lambda m, new=new: m.group(0).replace(old, new), text)
        file.write_text(text)
    return shop


@pytest.mark.parametrize("dialect", ["postgresql", "sqlite"])
def test_the_order_modules_are_imported_in_does_not_matter(tmp_path: Path, dialect: str) -> None:
    copy_example_with_renamed_modules(tmp_path)
    renamed = provider("--path", "shop", "--dialect", dialect, cwd=tmp_path)
    original = provider("--path", "shop", "--dialect", dialect, cwd=EXAMPLE.parent)

    assert renamed.returncode == original.returncode == 0, renamed.stderr + original.stderr
    assert statements(renamed.stdout) == statements(original.stdout)
    assert positions(renamed.stdout)["orders"][0] == "shop/models/a_orders.py"  # the renamed file was used


def test_the_working_directory_changes_only_the_position_paths(tmp_path: Path) -> None:
    runs = {
        ROOT: "examples/shop",
        EXAMPLE.parent: "shop",
        EXAMPLE / "models": "..",
        tmp_path: str(EXAMPLE),  # an absolute path from an unrelated folder
    }
    results = {cwd: provider("--path", path, "--dialect", "postgresql", cwd=cwd) for cwd, path in runs.items()}

    assert all(r.returncode == 0 for r in results.values()), [r.stderr for r in results.values()]
    assert len({tuple(statements(r.stdout)) for r in results.values()}) == 1
    places = {
        cwd: {table: ((cwd / path).resolve(), line) for table, (path, line) in positions(r.stdout).items()}
        for cwd, r in results.items()
    }
    assert len({tuple(sorted(p.items())) for p in places.values()}) == 1
    assert positions(results[EXAMPLE / "models"].stdout)["orders"] == ("orders.py", 47)


# --- an order Atlas can execute -----------------------------------------------------------------------------

_PHASES = [
    ("schema", re.compile(r"CREATE SCHEMA ")),
    ("type", re.compile(r"CREATE TYPE ")),
    ("sequence", re.compile(r"CREATE SEQUENCE ")),
    ("table", re.compile(r"CREATE TABLE |COMMENT ON |CREATE (UNIQUE )?INDEX |execute sp_addextendedproperty ")),
    ("foreign key", re.compile(r"ALTER TABLE \S+ ADD ")),
]
_REFERENCES = re.compile(r"REFERENCES (\S+) \(")
_INDEX = re.compile(r"CREATE (?:UNIQUE )?INDEX (\S+) ON (\S+) ")


def phase(statement: str) -> int:
    return next(i for i, (_, pattern) in enumerate(_PHASES) if pattern.match(statement))


@pytest.mark.parametrize("dialect", ["postgresql", "mysql", "sqlite", "mssql"])
def test_example_statements_come_in_an_order_atlas_can_execute(dialect: str) -> None:
    result = provider(*EXAMPLE_ARGS, "--dialect", dialect, cwd=ROOT)
    assert result.returncode == 0, result.stderr
    found = statements(result.stdout)

    phases = [phase(s) for s in found]
    assert phases == sorted(phases), "schemas, types, sequences, tables, then foreign keys that close a cycle"
    created: list[str] = []
    indexes: dict[str, list[str]] = {}
    for statement in found:
        if statement.startswith("CREATE TABLE "):
            name = created_tables(statement)[0]
            for referred in _REFERENCES.findall(statement) if dialect != "sqlite" else ():  # SQLite: any order
                assert referred in created or referred == name, f"{name} refers to {referred}, not created yet"
            created.append(name)
        elif match := _INDEX.match(statement):
            assert match[2] == created[-1], f"index {match[1]} is not right after its table"
            indexes.setdefault(match[2], []).append(match[1])
        elif statement.startswith("ALTER TABLE "):
            assert all(t in created for t in _REFERENCES.findall(statement))
    assert all(names == sorted(names) for names in indexes.values()), indexes
    alters = [s for s in found if s.startswith("ALTER TABLE ")]
    assert alters == sorted(alters)
    assert (dialect == "sqlite") == (not alters)  # the customers <-> addresses cycle

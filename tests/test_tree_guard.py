"""The tree guard (.ci/check-tree) on a throwaway repository: it names a committed venv and a large file."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
GUARD = ROOT / ".ci" / "check-tree"

pytestmark = pytest.mark.skipif(shutil.which("git") is None, reason="git is not installed")


def git(repo: Path, *args: str) -> None:
    subprocess.run(["git", "-c", "user.name=test", "-c", "user.email=test@example.invalid", *args],
                   cwd=repo, check=True, capture_output=True)


@pytest.fixture
def repo(tmp_path: Path) -> Path:
    """A git repository with the project's .gitignore, the guard and one ordinary file, committed."""
    (tmp_path / ".ci").mkdir()
    shutil.copy2(GUARD, tmp_path / ".ci" / "check-tree")
    shutil.copy2(ROOT / ".gitignore", tmp_path / ".gitignore")
    (tmp_path / "module.py").write_text("x = 1\n", encoding="utf-8")
    git(tmp_path, "init", "-q")
    git(tmp_path, "add", "-A")
    git(tmp_path, "commit", "-qm", "clean")
    return tmp_path


def run_guard(repo: Path, cwd: Path | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run(["bash", str(repo / ".ci" / "check-tree")], cwd=cwd or repo, capture_output=True,
                          text=True, check=False)


def test_clean_tree_passes(repo: Path) -> None:
    result = run_guard(repo, cwd=repo / ".ci")
    assert result.returncode == 0, result.stderr
    assert result.stderr == ""
    assert result.stdout == "check-tree: 3 tracked files, none ignored, none over 1 MiB\n"


def test_planted_venv_and_large_file_fail_in_one_line(repo: Path) -> None:
    (repo / ".venv").mkdir()
    (repo / ".venv" / "pyvenv.cfg").write_text("home = /usr/bin\n", encoding="utf-8")
    (repo / "data.bin").write_bytes(b"\0" * (2 * 1024 * 1024))
    (repo / "small.bin").write_bytes(b"\0" * (1024 * 1024))  # exactly the limit: allowed
    git(repo, "add", "data.bin", "small.bin")
    git(repo, "add", "-f", ".venv/pyvenv.cfg")  # what a pre-.gitignore commit did
    git(repo, "commit", "-qm", "planted")

    result = run_guard(repo)
    assert result.returncode == 1
    assert result.stdout == ""
    assert result.stderr == (
        "check-tree: tracked but matched by .gitignore (1): .venv/pyvenv.cfg; "
        "tracked and larger than 1 MiB (1): data.bin (untrack them: git rm --cached)\n"
    )


def test_staged_but_uncommitted_files_count_and_long_lists_are_cut(repo: Path) -> None:
    cache = repo / "bench" / ".work"
    cache.mkdir(parents=True)
    for number in range(12):
        (cache / f"model_{number:02}.py").write_text("", encoding="utf-8")
    git(repo, "add", "-f", "bench/.work")

    result = run_guard(repo)
    assert result.returncode == 1
    listed = ", ".join(f"bench/.work/model_{number:02}.py" for number in range(10))
    assert result.stderr == (
        f"check-tree: tracked but matched by .gitignore (12): {listed} and 2 more"
        " (untrack them: git rm --cached)\n"
    )


"""The projects' own virtual environment: made once per requirement list, outside the repository, reused after.

It lives in ``$ATLAS_PROVIDER_TEST_CACHE`` (default ``~/.cache/atlas-provider-tests``) as
``realprojects-<hash>``, the hash taken over requirements.txt, the provider's own dependencies and the
Python version. The projects are installed from the index, not editable, exactly as requirements.txt pins
them; the provider is installed into it too, from a copy of this checkout (so the build writes nothing
here), and reinstalled whenever its source changes. A lock file keeps two test runs from installing at once
and from swapping the provider under each other.
"""

from __future__ import annotations

import fcntl
import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib

HERE = Path(__file__).parent
ROOT = HERE.parent.parent
REQUIREMENTS = HERE / "requirements.txt"
# What the provider's wheel is built from; README.md because pyproject.toml names it as the readme.
PROVIDER_SOURCES = ("pyproject.toml", "README.md", "atlas_provider")
INSTALL_TIMEOUT = 900  # seconds; the install takes about 2 minutes from pip's cache (README.md)
LOCK_TIMEOUT = 1800  # another run may hold the environment for a whole tier


@dataclass(frozen=True)
class Environment:
    """A ready environment: the projects and this checkout's provider installed in ``path``."""

    path: Path
    install_seconds: float | None  # None when an existing environment was reused

    @property
    def python(self) -> Path:
        return self.path / "bin" / "python"

    def provider(self, *args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        """Run ``<env>/bin/atlas-provider *args`` as Atlas would: its own process, no stdin, outputs apart.

        Without PYTHONDONTWRITEBYTECODE, as in a user's shell: the first run caches the projects' bytecode in
        the environment, so the later runs do not compile mlflow and zenml again.
        """
        return _run([str(self.path / "bin" / "atlas-provider"), *args], cwd=cwd, drop=("PYTHONDONTWRITEBYTECODE",))

    def inside(self, *args: str) -> subprocess.CompletedProcess[str]:
        """Run ``python -m tests.realprojects.inside *args`` with the environment's Python, from the checkout."""
        return _run([str(self.python), "-m", "tests.realprojects.inside", *args], cwd=ROOT)


def _run(argv: Sequence[str], cwd: Path, drop: tuple[str, ...] = ()) -> subprocess.CompletedProcess[str]:
    # Whatever this process was given on PYTHONPATH (the checkout, say) would shadow the installed copies.
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", *drop)}
    return subprocess.run(
        argv, cwd=cwd, env=env, stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8",
        timeout=600, check=False,
    )


def cache_root() -> Path:
    """Where environments are kept: outside every checkout, so nothing generated lands in the repository."""
    return Path(os.environ.get("ATLAS_PROVIDER_TEST_CACHE") or Path.home() / ".cache" / "atlas-provider-tests")


def environment_key() -> str:
    """A digest of everything the environment's installed packages depend on."""
    project = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]
    parts = [REQUIREMENTS.read_text(encoding="utf-8"), *project["dependencies"], sys.version.split()[0]]
    return hashlib.sha256("\n".join(parts).encode()).hexdigest()[:16]


def provider_digest() -> str:
    """A digest of the provider's source as this checkout has it."""
    digest = hashlib.sha256()
    for name in PROVIDER_SOURCES:
        path = ROOT / name
        files = [path] if path.is_file() else sorted(
            p for p in path.rglob("*") if p.is_file() and "__pycache__" not in p.parts)
        for file in files:
            digest.update(str(file.relative_to(ROOT)).encode() + b"\0" + file.read_bytes() + b"\0")
    return digest.hexdigest()


@contextmanager
def prepared() -> Iterator[Environment]:
    """Yield the environment, made or brought up to date, held under its lock until the caller is done."""
    root = cache_root()
    root.mkdir(parents=True, exist_ok=True)
    path = root / f"realprojects-{environment_key()}"
    with _locked(path.with_suffix(".lock")):
        seconds = None
        if not (path / "complete.json").exists():
            seconds = _create(path)
        _install_provider(path)
        yield Environment(path, seconds)


@contextmanager
def _locked(lock: Path) -> Iterator[None]:
    with lock.open("a") as handle:
        deadline = time.monotonic() + LOCK_TIMEOUT
        while True:
            try:
                fcntl.flock(handle, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError:
                if time.monotonic() > deadline:
                    raise RuntimeError(f"{lock} is still held by another run after {LOCK_TIMEOUT} s") from None
                time.sleep(2)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _create(path: Path) -> float:
    """Make the environment from scratch and install the pinned projects; return how long that took."""
    shutil.rmtree(path, ignore_errors=True)  # a half-made one from an interrupted run
    started = time.monotonic()
    _check([sys.executable, "-m", "venv", str(path)], "create the virtual environment")
    with _provider_copy() as source:
        # One resolution for the projects and the provider, as a user installing both would get.
        _pip(path, "install", "--no-compile", "-r", str(REQUIREMENTS), str(source))
    seconds = round(time.monotonic() - started, 1)
    (path / "complete.json").write_text(json.dumps({"install_seconds": seconds}), encoding="utf-8")
    return seconds


def _install_provider(path: Path) -> None:
    stamp = path / "provider.sha256"
    digest = provider_digest()
    if stamp.exists() and stamp.read_text(encoding="utf-8") == digest:
        return
    with _provider_copy() as source:
        _pip(path, "install", "--no-compile", "--no-deps", "--force-reinstall", str(source))
    stamp.write_text(digest, encoding="utf-8")


@contextmanager
def _provider_copy() -> Iterator[Path]:
    """This checkout's provider sources in a temporary folder, for pip to build a (non-editable) wheel from."""
    with tempfile.TemporaryDirectory(prefix="atlas-provider-src-") as folder:
        for name in PROVIDER_SOURCES:
            source, target = ROOT / name, Path(folder) / name
            if source.is_dir():
                shutil.copytree(source, target, ignore=shutil.ignore_patterns("__pycache__"))
            else:
                shutil.copy2(source, target)
        yield Path(folder)


def _pip(path: Path, *args: str) -> None:
    _check([str(path / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", "-q", *args],
           f"pip {args[0]} into {path}")


def _check(argv: list[str], what: str) -> None:
    result = subprocess.run(argv, stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8",
                            timeout=INSTALL_TIMEOUT, check=False)
    if result.returncode != 0:
        tail = "\n".join((result.stdout + result.stderr).splitlines()[-30:])
        raise RuntimeError(f"could not {what} (exit {result.returncode}):\n{tail}")

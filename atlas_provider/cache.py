"""An opt-in cache (`--cache`) that answers a repeated run without importing the model.

Atlas runs the provider again and again on an unchanged model (diff, lint, apply, CI). A cached answer
is given only when nothing that could change it changed: the same arguments, working directory,
interpreter and sys.path, the same list of model files under each --path, and every file the last run
imported (the model, SQLAlchemy, this package, anything they pulled in) unchanged by content. Any
doubt (a missing file, an unreadable entry, a different version of this format) means a full run.

This module imports only the standard library: a hit must not pay for importing SQLAlchemy.
"""

from __future__ import annotations

import hashlib
import json
import os
import sys
import tempfile
from collections.abc import Iterable, Sequence

FORMAT = 1
CACHE_FLAG = "--cache"
DIR_ENV = "ATLAS_PROVIDER_CACHE_DIR"
SKIPPED_DIRS = ("__pycache__",)


def cache_dir() -> str:
    """$ATLAS_PROVIDER_CACHE_DIR, else the user's cache folder ($XDG_CACHE_HOME or ~/.cache)/atlas-provider."""
    if os.environ.get(DIR_ENV):
        return os.environ[DIR_ENV]
    base = os.environ.get("XDG_CACHE_HOME") or os.path.join(os.path.expanduser("~"), ".cache")
    return os.path.join(base, "atlas-provider")


def _key(argv: Sequence[str]) -> str:
    identity = {
        "format": FORMAT,
        "argv": [a for a in argv if a != CACHE_FLAG],
        "cwd": os.getcwd(),
        "python": [sys.executable, sys.version],
        "path": sys.path[1:],  # [0] is the script's folder, which differs between entry points
        "pythonpath": os.environ.get("PYTHONPATH", ""),
    }
    return hashlib.sha256(json.dumps(identity, sort_keys=True).encode()).hexdigest()


def _digest(path: str) -> str | None:
    try:
        with open(path, "rb") as handle:
            return hashlib.blake2b(handle.read(), digest_size=16).hexdigest()
    except OSError:
        return None


def python_files(folders: Iterable[str]) -> list[str]:
    """Every .py file under the given folders (or the files themselves): a new model file is a change."""
    found: list[str] = []
    for folder in folders:
        if os.path.isfile(folder):
            found.append(os.path.abspath(folder))
            continue
        for root, dirs, files in os.walk(folder):
            dirs[:] = sorted(d for d in dirs if d not in SKIPPED_DIRS)
            found.extend(os.path.abspath(os.path.join(root, f)) for f in sorted(files) if f.endswith(".py"))
    return found


def _path_args(argv: Sequence[str]) -> list[str]:
    paths = []
    for i, arg in enumerate(argv):
        if arg in ("--path", "-p") and i + 1 < len(argv):
            paths.append(argv[i + 1])
        elif arg.startswith("--path="):
            paths.append(arg.split("=", 1)[1])
    return paths


def lookup(argv: Sequence[str]) -> dict | None:
    """The cached result of a run with these arguments, if provably still valid; else None."""
    entry_file = os.path.join(cache_dir(), _key(argv) + ".json")
    try:
        with open(entry_file, encoding="utf-8") as handle:
            entry = json.load(handle)
        if entry.get("format") != FORMAT:
            return None
        if entry["tree"] != python_files(_path_args(argv)):
            return None
        for path, digest in entry["files"].items():
            if _digest(path) != digest:
                return None
        return entry
    except (OSError, ValueError, KeyError, TypeError):
        return None


def store(argv: Sequence[str], output: str, warnings: list[str]) -> None:
    """Record a successful run: its output, warnings, and the content of every file it imported."""
    files = sorted(
        {os.path.abspath(f) for m in list(sys.modules.values()) if isinstance(f := getattr(m, "__file__", None), str)}
    )
    entry = {
        "format": FORMAT,
        "tree": python_files(_path_args(argv)),
        "files": {path: _digest(path) for path in files},
        "output": output,
        "warnings": warnings,
    }
    if any(d is None for d in entry["files"].values()):
        return  # a file we cannot read again could never prove a hit
    directory = cache_dir()
    try:
        os.makedirs(directory, exist_ok=True)
        fd, temporary = tempfile.mkstemp(dir=directory, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as handle:
            json.dump(entry, handle)
        os.replace(temporary, os.path.join(directory, _key(argv) + ".json"))
    except OSError:
        pass  # a cache that cannot be written only costs the next run its speed

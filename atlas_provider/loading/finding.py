"""Find the model's modules: which files under each --path are imported, and under which dotted names.

Names follow Python's rules. A folder's modules are named from the folder above its topmost package;
a folder without `__init__.py` inside a package is a namespace portion of that package; a folder that
is no package at all holds top-level modules. Nothing is imported here: a `--path` given as a dotted
module name is looked up with the path finder, which reads folders and runs no code.
"""

from __future__ import annotations

import fnmatch
import importlib.machinery
import io
import keyword
import os
import re
import stat
import sys
import tokenize
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

from ..errors import ModelImportError, UsageError

# Never imported unless --include names them, wherever they are: tests (importing them runs test code, and
# the tables they define are fixtures), a package's `__main__.py` (importing it runs the program), caches and
# installed copies. Virtual environments (pyvenv.cfg) and alembic's env.py with its versions/ are found by
# their shape, hidden folders by their dot.
SKIPPED_DIRS = frozenset({"__pycache__", "node_modules", "site-packages", "tests", "test", "testing"})
SKIPPED_FILES = ("test_*.py", "*_test.py", "tests.py", "test.py", "conftest.py", "__main__.py")
# A project's tooling, skipped only where it is no module of a package: a project root's tasks.py (Invoke),
# docs/conf.py (Sphinx), scripts/, migrations/, a build/ copy. Inside a package every module belongs to it
# (`app/models/tasks.py`, a feature package `app/docs/`) and is imported like any other.
TOOLING_DIRS = frozenset({"scripts", "docs", "benchmarks", "examples", "migrations", "alembic", "build", "dist",
                          "venv", "env"})
TOOLING_FILES = ("setup.py", "noxfile.py", "manage.py", "fabfile.py", "tasks.py", "wsgi.py", "asgi.py")
# Skipped tooling that defines a table is an error, so no model module goes missing without a word (Atlas
# throws a successful run's stderr away, so a warning would not be seen). Migrations and copies are not
# read: their tables are history or duplicates, never the model.
UNREAD_TOOLING_DIRS = frozenset({"migrations", "alembic", "build", "dist", "venv", "env"})
DEFINES_TABLE = re.compile(rb"\bTable\s*\(|\b__tablename__\b")
# The same holds for a file or folder whose name no import can spell (`my models/`, `my-models.py`).
TOOLING = "skipped as tooling outside the model's packages; --include {entry} imports it as part of the model"
UNNAMEABLE = "not imported: {name!r} is not a valid module name; rename it or give it its own --path"

Note = Callable[[str], None]


@dataclass
class Found:
    """The modules one --path contributes: the folder to import them from and each name's file."""

    given: str  # the --path as the user typed it, for messages
    root: Path
    modules: dict[str, Path] = field(default_factory=dict)  # dotted name -> file (a package: its __init__.py)
    regrouped: bool = False  # moved to a common folder because its top-level names clashed with another's


def is_module_name(name: str) -> bool:
    """Whether `name` can be one part of a dotted module name (non-ASCII letters included)."""
    return name.isidentifier() and not keyword.iskeyword(name)


def relative_path(path: Path, cwd: Path) -> str:
    """`path` as seen from `cwd` (with ../ when outside it), in forward slashes."""
    try:
        return Path(os.path.relpath(path, cwd)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.rstrip("/") + "/*")
               for p in patterns)


# ---------------------------------------------------------------------------------------------
# what a --path names


def resolve_path(raw: str | Path, cwd: Path) -> Path:
    """The folder or file a --path names: a path (relative to `cwd`), else a dotted module name.

    The filesystem root, the home folder (or a folder above it) and an empty string are refused:
    each would import every Python file below it, running code that is not the model.
    """
    given = str(raw)
    where = f"--path {given!r}" if not given.strip() else f"--path {given}"
    if not given.strip():
        raise UsageError("an empty path would mean the working directory and everything below it; "
                         "give the model's folder (for the working directory itself: --path .)", where=where)
    path = Path(given).expanduser()
    path = path if path.is_absolute() else cwd / path
    if not path.exists() and not path.is_symlink():
        found = _module_location(given, cwd)
        if found is None:
            raise UsageError("path does not exist", where=where)  # nor is it a module Python can find
        path = found
    resolved = path.resolve()
    if resolved == Path(resolved.anchor):
        raise UsageError("refusing the filesystem root: it would import every Python file on the machine; "
                         "give the model's folder", where=where)
    try:
        home: Path | None = Path.home().resolve()
    except (RuntimeError, KeyError):  # no home folder known for this user
        home = None
    if home is not None and (resolved == home or resolved in home.parents):
        raise UsageError("refusing the home folder (or a folder above it): it would import every Python file "
                         "in it, other projects and environments included; give the model's folder", where=where)
    return path


def _module_location(name: str, cwd: Path) -> Path | None:
    """Where the module `pkg.mod` lives (its .py file or package folder), found without importing it."""
    parts = name.split(".")
    if not all(is_module_name(part) for part in parts):
        return None
    spec = importlib.machinery.PathFinder.find_spec(parts[0], [str(cwd), *sys.path])
    if spec is None:
        return None
    if not spec.submodule_search_locations:
        return Path(spec.origin) if len(parts) == 1 and spec.origin else None
    folders = [Path(location) for location in spec.submodule_search_locations]
    for depth, part in enumerate(parts[1:], 2):
        below = [f / part for f in folders if (f / part).is_dir()]
        if below:
            folders = below
            continue
        files = [f / f"{part}.py" for f in folders if (f / f"{part}.py").is_file()]
        return files[0] if files and depth == len(parts) else None
    return folders[0]


def import_root(path: Path) -> Path:
    """The folder to put on sys.path for the modules at `path`: the parent of the topmost package
    above it, where a folder without __init__.py inside a package counts as part of that package
    (a namespace portion); a folder in no package is its own root (its modules are top-level)."""
    folder = path if path.is_dir() else path.parent
    top = folder
    while top.parent != top and is_module_name(top.name) and (top.parent / "__init__.py").exists():
        top = top.parent
    if top == folder and not ((folder / "__init__.py").exists() and is_module_name(folder.name)):
        return folder
    return top.parent


def module_name(file: Path, root: Path) -> str:
    """The dotted name of `file` imported from `root`."""
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


# ---------------------------------------------------------------------------------------------
# walking a folder


class _Walk:
    """One --path's folder tree, walked in name order, following symlinked folders once each."""

    def __init__(self, root: Path, cwd: Path, exclude: Sequence[str], include: Sequence[str],
                 note: Note | None) -> None:
        self.root, self.cwd, self.exclude, self.include = root, cwd, exclude, include
        self.note = note
        self.folders: set[str] = set()  # real paths walked: a link back up (a loop) or a second link is skipped
        self.files: set[str] = set()
        self.modules: dict[str, Path] = {}
        # (what is skipped, as --exclude names it; file:line of a table in it; why, and the way in)
        self.unread_tables: list[tuple[str, str, str]] = []

    def skip(self, relative: str, reason: str) -> None:
        if self.note is not None:
            self.note(f"skipped {relative}: {reason}")

    def folder(self, folder: Path, in_package: bool) -> None:
        """Walk `folder`; `in_package`: it is a package or a namespace portion of one (its modules are a
        package's, whatever their names)."""
        self.folders.add(os.path.realpath(folder))
        try:
            entries = sorted(os.scandir(folder), key=lambda e: e.name)
        except OSError as error:
            raise ModelImportError(f"cannot read this folder ({error.strerror or error})",
                                   path=relative_path(folder, self.cwd)) from None
        has_env = any(e.name == "env.py" for e in entries)  # alembic's env.py beside versions/
        for entry in entries:
            path = Path(entry.path)
            if entry.name.endswith(".py") and not _is_dir(entry):
                self.file(path, in_package)
            elif _is_dir(entry):
                self.subfolder(path, in_package, alembic_versions=has_env and entry.name == "versions")

    def subfolder(self, path: Path, in_package: bool, *, alembic_versions: bool) -> None:
        relative = relative_path(path, self.cwd)
        shown = relative + "/"
        if _matches(relative, self.exclude):
            self.skip(shown, "--exclude")
            return
        reason = _skip_reason(path, alembic_versions)
        if reason is None and not in_package and path.name in TOOLING_DIRS:
            reason = "tooling, outside the model's packages"
            if path.name not in UNREAD_TOOLING_DIRS and not _matches(relative, self.include):
                self.read_tooling(path, relative, TOOLING.format(entry=relative))
        if reason and not _matches(relative, self.include):
            self.skip(shown, f"{reason} (--include {relative} imports it)")
            return
        if not is_module_name(path.name):  # ".hidden", "my-utils": no module inside can be imported by name
            if _matches(relative, self.include):
                raise UsageError(f"{path.name!r} is not a valid module name, so the modules in it cannot be "
                                 "imported by name; give that folder its own --path",
                                 where=f"--include {relative}")
            self.read_tooling(path, relative, UNNAMEABLE.format(name=path.name))
            self.skip(shown, "not a valid module name")
            return
        real = os.path.realpath(path)
        if real in self.folders:
            self.skip(shown, "a link to a folder already walked (its modules are imported once)")
            return
        self.folder(path, in_package or (path / "__init__.py").exists())

    def file(self, path: Path, in_package: bool) -> None:
        relative = relative_path(path, self.cwd)
        if _matches(relative, self.exclude):
            self.skip(relative, "--exclude")
            return
        if not _matches(relative, self.include):
            if any(fnmatch.fnmatch(path.name, p) for p in SKIPPED_FILES):
                self.skip(relative, f"not a model file by default (--include {relative} imports it)")
                return
            if not in_package and path.name in TOOLING_FILES:
                self.read_tooling(path, relative, TOOLING.format(entry=relative))
                self.skip(relative, f"tooling, outside the model's packages (--include {relative} imports it)")
                return
            if path.name == "env.py" and (path.parent / "versions").is_dir():
                self.skip(relative, f"alembic's env.py, beside versions/ (--include {relative} imports it)")
                return
        if not is_module_name(path.stem):
            self.read_tooling(path, relative, UNNAMEABLE.format(name=path.name))
            self.skip(relative, "not a valid module name")
            return
        real = os.path.realpath(path)
        if real in self.files:
            self.skip(relative, "a link to a file already found (it is imported once)")
            return
        self.files.add(real)
        check_readable(path, relative)
        self.modules[module_name(path, self.root)] = path


    def read_tooling(self, path: Path, relative: str, why: str) -> None:
        """Note where a skipped file (or a .py file in a skipped folder) defines a table, by its text; `why`
        it is skipped and how to import it, for the error."""
        files = [path] if path.is_file() else sorted(
            Path(folder, name) for folder, folders, names in os.walk(path)
            if not any(part.startswith(".") or part in SKIPPED_DIRS for part in Path(folder).relative_to(path).parts)
            for name in names if name.endswith(".py"))
        for file in files:
            if _matches(relative_path(file, self.cwd), self.exclude):
                continue
            try:
                text = file.read_bytes()
            except OSError:
                continue
            line = _table_line(text)
            if line is not None:
                self.unread_tables.append((relative, f"{relative_path(file, self.cwd)}:{line}", why))


def _table_line(text: bytes) -> int | None:
    """The line of the first `Table(` call or `__tablename__` in `text`'s code, not its comments or strings (a
    docstring that mentions them defines nothing). The text is searched first, so most files are never
    tokenized. A file that fails to tokenize before a definition (not UTF-8 without a coding line, binary)
    cannot be imported either, so it defines nothing."""
    if DEFINES_TABLE.search(text) is None:
        return None
    try:
        previous = None
        for token in tokenize.tokenize(io.BytesIO(text).readline):
            if token.type == tokenize.NAME and token.string == "__tablename__" or (
                    token.string == "(" and previous is not None and previous.string == "Table"
                    and previous.type == tokenize.NAME):
                return token.start[0]
            if token.type not in (tokenize.NL, tokenize.COMMENT):
                previous = token
        return None
    except (SyntaxError, tokenize.TokenError, UnicodeDecodeError):
        return None


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()  # follows symlinks: a linked package is walked like any other
    except OSError:
        return False


def _skip_reason(path: Path, alembic_versions: bool) -> str | None:
    if path.name.startswith("."):
        return "hidden"
    if (path / "pyvenv.cfg").exists():
        return "a virtual environment"
    if alembic_versions:
        return "alembic migrations (versions/ beside env.py)"
    if path.name in SKIPPED_DIRS:
        return "not a model folder by default"
    return None


def check_readable(file: Path, relative: str) -> None:
    """Fail on a model file that cannot be read (a dangling symlink, no permission): Python's import
    system would pass over it, or find another module by that name, and its tables would be missing."""
    try:
        # O_NONBLOCK: a FIFO named like a module must not hang the provider
        fd = os.open(file, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0))
        try:
            problem = None if stat.S_ISREG(os.fstat(fd).st_mode) else "not a regular file"
        finally:
            os.close(fd)
    except OSError as error:
        problem = error.strerror or str(error)
    if problem:
        raise ModelImportError(f"cannot read this file ({problem}); fix it or leave it out with --exclude",
                               path=relative)


def find_modules(raw: str | Path, *, cwd: Path, exclude: Sequence[str] = (), include: Sequence[str] = (),
                 note: Note | None = None) -> Found:
    """The modules one --path names, with the folder to import them from. `note` hears of every file
    and folder left out (for --verbose)."""
    path = resolve_path(raw, cwd)
    given = str(raw)
    if path.is_file() or (path.is_symlink() and not path.exists()):
        if path.suffix != ".py":
            raise UsageError("not a folder or a Python file", where=f"--path {given}")
        real = path.resolve()
        root = import_root(real)
        check_readable(path, relative_path(path, cwd))
        return Found(given, root, {module_name(real, root): real})
    folder = path.resolve()
    root = import_root(folder)
    walk = _Walk(root, cwd, exclude, include, note)
    walk.folder(folder, in_package=root != folder)
    if walk.unread_tables:
        entry, place, why = walk.unread_tables[0]
        more = len(walk.unread_tables) - 1
        others = f" (and {more} more skipped file{'s' if more > 1 else ''})" if more else ""
        raise UsageError(f"{place} defines a table{others}, but {entry} is {why}, --exclude {entry} leaves it "
                         "out", where=f"--path {given}")
    return Found(given, root, dict(sorted(walk.modules.items())))


# ---------------------------------------------------------------------------------------------
# several --paths: one module per name, one name per file


def settle_clashes(found: list[Found]) -> list[Found]:
    """Give every module of every --path one name that no other file has.

    Two --paths whose top-level names clash (`p1/models.py` and `p2/models.py`), or that reach one file
    under two names, are imported from their nearest common folder instead, their folders becoming
    namespace packages (`p1.models`, `p2.models`). Where that cannot be, the clash is an error.
    """
    involved = _clashing(found)
    if not involved:
        return found
    common = Path(os.path.commonpath([str(found[i].root) for i in involved]))
    for i in sorted(involved):
        item = found[i]
        prefix = item.root.relative_to(common).parts
        bad = [part for part in prefix if not is_module_name(part)]
        if bad:
            raise _clash_error(found, involved, f"the folder name {bad[0]!r} cannot be part of a module name")
        dotted = ".".join(prefix)
        found[i] = Found(item.given, common,
                         {f"{dotted}.{name}" if dotted else name: file for name, file in item.modules.items()},
                         regrouped=True)
    if _clashing(found):
        raise _clash_error(found, involved, "they still clash when imported from their common folder")
    return found


def _clashing(found: list[Found]) -> set[int]:
    """Indices of the --paths whose modules clash: one top-level name for different files or packages
    (several plain folders of one name are fine: Python joins them into one namespace package), or
    one file under two names."""
    tops: dict[str, dict[str, tuple[int, bool]]] = {}  # top-level name -> real path -> (index, namespace)
    names: dict[str, dict[str, int]] = {}  # real file -> name -> index
    for index, item in enumerate(found):
        for name, file in item.modules.items():
            top = name.split(".")[0]
            entry = item.root / top
            namespace = entry.is_dir() and not (entry / "__init__.py").exists()
            real = os.path.realpath(entry if entry.is_dir() else file)
            tops.setdefault(top, {})[real] = (index, namespace)
            names.setdefault(os.path.realpath(file), {})[name] = index
    involved: set[int] = set()
    for providers in tops.values():
        if len(providers) > 1 and not all(namespace for _, namespace in providers.values()):
            involved.update(index for index, _ in providers.values())
    for by_name in names.values():
        if len(by_name) > 1:
            involved.update(by_name.values())
    return involved


def _clash_error(found: list[Found], involved: set[int], why: str) -> UsageError:
    paths = " and ".join(f"--path {found[i].given}" for i in sorted(involved))
    return UsageError(f"{paths} hold modules of the same name (or one file under two names), and {why}; "
                      "rename one, make the folders packages (add __init__.py), or give their common folder "
                      "as one --path")

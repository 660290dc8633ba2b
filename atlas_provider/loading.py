"""Load the model: import the user's modules once each, as real packages, and collect every table.

Modules are imported under their dotted names from the folder that holds the topmost package, so
absolute imports, relative imports and modules importing each other all see one module object, and
each table is defined once. Every table created while importing is recorded with the file and line
that created it (for `-- atlas:pos` and for error messages) by a listener on `Table`, which also tells
which MetaData objects the model uses.
"""

from __future__ import annotations

import contextlib
import fnmatch
import importlib
import importlib.util
import os
import stat
import sys
import sysconfig
import traceback
import weakref
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from types import FrameType, ModuleType

from sqlalchemy import MetaData, Table, event

from .errors import ModelError, ModelImportError, UsageError

# Folders never imported unless --include names them: they hold tests, migrations, tooling or other
# environments, and importing them runs code that is not the model (alembic's env.py connects to a DB).
SKIPPED_DIRS = frozenset(
    {"__pycache__", "node_modules", "site-packages", "venv", "env", "tests", "test", "testing",
     "migrations", "alembic", "build", "dist"}
)
SKIPPED_FILES = ("test_*.py", "*_test.py", "conftest.py", "setup.py", "noxfile.py", "__main__.py")


@dataclass(frozen=True)
class Origin:
    """Where a table was defined: a path relative to the working directory, and a line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Model:
    """Everything the model declares: its tables (sorted by full name) and where each was defined."""

    tables: list[Table]
    origins: dict[str, Origin] = field(default_factory=dict)

    def origin(self, table: Table) -> Origin | None:
        return self.origins.get(table.fullname)

    def where(self, table: Table) -> str:
        origin = self.origin(table)
        return f"{origin} ({table.fullname})" if origin else table.fullname


# ---------------------------------------------------------------------------------------------
# finding modules


def _is_skipped_dir(path: Path) -> bool:
    return (
        path.name.startswith(".")
        or path.name in SKIPPED_DIRS
        or (path / "pyvenv.cfg").exists()
    )


def _is_skipped_file(name: str) -> bool:
    return any(fnmatch.fnmatch(name, pattern) for pattern in SKIPPED_FILES)


def import_root(path: Path) -> Path:
    """The folder to put on sys.path: the parent of the topmost package that contains `path`."""
    start = path if path.is_dir() else path.parent
    if not (start / "__init__.py").exists():
        return start
    while (start.parent / "__init__.py").exists() and start.parent != start:
        start = start.parent
    return start.parent


def _module_name(file: Path, root: Path) -> str:
    parts = list(file.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def _matches(relative: str, patterns: Sequence[str]) -> bool:
    return any(fnmatch.fnmatch(relative, p) or fnmatch.fnmatch(relative, p.rstrip("/") + "/*")
               for p in patterns)


def discover_modules(
    path: Path, *, cwd: Path, exclude: Sequence[str] = (), include: Sequence[str] = ()
) -> tuple[Path, list[str]]:
    """The import root and the sorted dotted names of the modules under `path`."""
    if not path.exists():
        raise UsageError("path does not exist", where=f"--path {path}")
    if path.is_file():
        if path.suffix != ".py":
            raise UsageError("not a folder or a Python file", where=f"--path {path}")
        root = import_root(path)
        return root, [_module_name(path.resolve(), root.resolve())]
    root = import_root(path.resolve())
    modules: list[str] = []
    for folder, dirs, files in os.walk(path.resolve()):
        here = Path(folder)
        kept = []
        for name in sorted(dirs):
            sub = here / name
            relative = _relative(sub, cwd)
            if _matches(relative, exclude):
                continue
            if _is_skipped_dir(sub) and not _matches(relative, include):
                continue
            if not name.isidentifier():  # ".hidden", "my-utils": no module inside can be imported by name
                if _matches(relative, include):
                    raise UsageError(f"{name!r} is not a valid module name, so the modules in it cannot be "
                                     "imported by name; give that folder its own --path",
                                     where=f"--include {relative}")
                continue
            kept.append(name)
        dirs[:] = kept
        for name in sorted(files):
            if not name.endswith(".py"):
                continue
            file = here / name
            relative = _relative(file, cwd)
            if _matches(relative, exclude):
                continue
            if _is_skipped_file(name) and not _matches(relative, include):
                continue
            if not name.isascii() or not Path(name).stem.replace("_", "a").isalnum():
                continue  # not importable as a module name (e.g. "my-script.py")
            _check_readable(file, relative)
            modules.append(_module_name(file, root))
    return root, sorted(set(modules))


def _check_readable(file: Path, relative: str) -> None:
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


def _relative(path: Path, cwd: Path) -> str:
    try:
        return Path(os.path.relpath(path, cwd)).as_posix()
    except ValueError:  # another drive on Windows
        return path.as_posix()


# ---------------------------------------------------------------------------------------------
# recording where tables come from

def _library_dirs() -> tuple[str, ...]:
    """Folders whose frames are never the place a table was defined: SQLAlchemy, us, the stdlib,
    and the libraries that wrap declarative classes (SQLModel, pydantic)."""
    import sqlalchemy

    dirs = [os.path.dirname(sqlalchemy.__file__), os.path.dirname(__file__)]
    dirs += [sysconfig.get_paths()["stdlib"], sysconfig.get_paths()["platstdlib"]]
    for name in ("sqlmodel", "pydantic", "pydantic_core", "typing_extensions"):
        with contextlib.suppress(ImportError, ValueError):
            spec = importlib.util.find_spec(name)
            if spec is not None and spec.origin:
                dirs.append(os.path.dirname(spec.origin))
    return tuple(os.path.normcase(os.path.abspath(d)) + os.sep for d in dirs)


class _TableRecorder:
    """Records every Table attached to a MetaData while active, with the user frame that made it.

    It runs once per table, so what it learns about a file (library or not, its relative path) is
    remembered by file name.
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.library = _library_dirs()
        self.tables: dict[int, tuple[Table, Origin | None]] = {}
        self._paths: dict[str, str | None] = {}  # code file name -> path relative to cwd, None: library
        # Tables an earlier load in this process recorded: their modules are not imported again.
        for table, place in _EARLIER.items():
            origin = Origin(_relative(Path(place[0]), cwd), place[1]) if place else None
            self.tables[id(table)] = (table, origin)
        self._earlier = set(self.tables)

    def _user_path(self, filename: str) -> str | None:
        if filename not in self._paths:
            if filename.startswith("<"):
                self._paths[filename] = None
            elif os.path.normcase(os.path.abspath(filename)).startswith(self.library):
                self._paths[filename] = None
            else:
                self._paths[filename] = _relative(Path(filename), self.cwd)
        return self._paths[filename]

    def _origin(self, frame: FrameType | None) -> Origin | None:
        """The user's line that created a table, or None when a library module's own code did (e.g.
        SQLAlchemy's dialect modules define information-schema tables when first imported)."""
        while frame is not None:
            code = frame.f_code
            path = self._user_path(code.co_filename)
            if path is not None:
                return Origin(path, frame.f_lineno)
            if code.co_name == "<module>" and not code.co_filename.startswith("<"):
                return None
            frame = frame.f_back
        return None

    def _on_attach(self, table: Table, parent: object) -> None:
        if isinstance(parent, MetaData):
            self.tables[id(table)] = (table, self._origin(sys._getframe(1)))

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        event.listen(Table, "after_parent_attach", self._on_attach)
        try:
            yield
        finally:
            event.remove(Table, "after_parent_attach", self._on_attach)
            self._remember()

    def _remember(self) -> None:
        """Keep this load's tables for later loads in the process (script mode renders once per
        dialect); an earlier table that the same line defined again (a module imported anew) is
        forgotten, so it is not taken for a second definition."""
        fresh = {(t.fullname, o) for key, (t, o) in self.tables.items() if key not in self._earlier}
        for key in self._earlier:
            table, origin = self.tables[key]
            if origin is not None and (table.fullname, origin) in fresh:
                del self.tables[key]
                _EARLIER.pop(table, None)
        for key, (table, origin) in self.tables.items():
            if key not in self._earlier:
                _EARLIER[table] = (str(self.cwd / origin.path), origin.line) if origin else None


# Tables recorded by earlier loads in this process, with the absolute file and the line that made them.
_EARLIER: weakref.WeakKeyDictionary[Table, tuple[str, int] | None] = weakref.WeakKeyDictionary()


# ---------------------------------------------------------------------------------------------
# importing

def _import(name: str, root: Path, cwd: Path) -> ModuleType:
    try:
        return importlib.import_module(name)
    except SyntaxError as error:  # also IndentationError and undecodable (non-UTF-8) source
        path = _relative(Path(error.filename), cwd) if error.filename else name
        raise ModelImportError(f"{type(error).__name__}: {error.msg}", path=path, line=error.lineno) from error
    except SystemExit as error:
        path, line = _blame(error, root, cwd, name)
        raise ModelImportError(
            f"the module called sys.exit({error.code!r}) while being imported", path=path, line=line
        ) from error
    except KeyboardInterrupt:
        raise
    except BaseException as error:  # the model's own code failed: report where, not a traceback
        path, line = _blame(error, root, cwd, name)
        message = str(error).splitlines()[0] if str(error) else ""
        raise ModelImportError(
            f"{type(error).__name__}: {message}" if message else type(error).__name__, path=path, line=line
        ) from error


def _blame(error: BaseException, root: Path, cwd: Path, module: str) -> tuple[str, int | None]:
    """The deepest traceback frame inside the user's folder: the line that failed."""
    root_prefix = os.path.normcase(str(root.resolve())) + os.sep
    found: tuple[str, int | None] | None = None
    for frame, line in traceback.walk_tb(error.__traceback__):
        filename = frame.f_code.co_filename
        if filename.startswith("<"):  # "<frozen importlib._bootstrap>", "<string>": no file of the user's
            continue
        if os.path.normcase(os.path.abspath(filename)).startswith(root_prefix):
            found = (_relative(Path(filename), cwd), line)
    if found is None:
        filename = getattr(error, "filename", None)  # e.g. PermissionError on an unreadable file
        if filename:
            return _relative(Path(filename), cwd), None
        return module, None
    return found


def _check_same_file(module: ModuleType, name: str, root: Path, cwd: Path) -> None:
    """Fail when `import name` gave a module other than the file found under --path: a name already
    imported from elsewhere (a file `types.py` in a folder without `__init__.py` is the standard
    library's `types`) would otherwise leave that file's tables out without a word."""
    base = root.joinpath(*name.split("."))
    expected = [base.with_name(base.name + ".py"), base / "__init__.py"]
    found = getattr(module, "__file__", None) or getattr(getattr(module, "__spec__", None), "origin", None)
    if found and any(os.path.realpath(found) == os.path.realpath(e) for e in expected):
        return
    mine = next((e for e in expected if e.exists()), expected[0])
    other = "a built-in module"
    if found and found not in ("built-in", "frozen"):
        other = _relative(Path(found), cwd)
        other = os.path.abspath(found) if other.startswith("../") else other
    raise ModelImportError(
        f"the module name {name!r} is already taken by {other}, so this file is not imported; "
        "rename the file or make its folder a package (add __init__.py)",
        path=_relative(mine, cwd),
    )


@contextlib.contextmanager
def _on_sys_path(folders: Iterable[Path]) -> Iterator[None]:
    added = [str(f) for f in dict.fromkeys(folders) if str(f) not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for entry in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)


def _metadata_of(value: object) -> MetaData | None:
    if isinstance(value, MetaData):
        return value
    if isinstance(value, Table):
        return value.metadata
    metadata = getattr(value, "metadata", None)  # declarative Base, registry, SQLModel
    return metadata if isinstance(metadata, MetaData) else None


def _parse_model_spec(spec: str) -> tuple[str, str | None]:
    module, _, attr = spec.partition(":")
    if not module or not all(part.isidentifier() for part in module.split(".")):
        raise UsageError("expected pkg.module or pkg.module:attribute", where=f"--model {spec}")
    return module, attr or None


def load_model(
    paths: Sequence[str | Path] = (),
    models: Sequence[str] = (),
    *,
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    cwd: str | Path | None = None,
    skip_errors: bool = False,
    warn: Callable[[str], None] | None = None,
) -> Model:
    """Import the modules under `paths` and the `pkg.module[:attr]` specs in `models`; collect tables.

    With `--path`, every MetaData that received a table defined in the user's files is used whole.
    With `--model module:attr`, that attribute's MetaData (a declarative Base, registry, MetaData or
    Table) is used whole. Output of the model's code on stdout is sent to stderr. `skip_errors` (the
    existing provider's flag) skips a module that fails to import, calling `warn` with the error.
    """
    if not paths and not models:
        raise UsageError("nothing to load: give --path DIR or --model pkg.module[:attr]")
    base = Path(cwd or os.getcwd()).resolve()
    recorder = _TableRecorder(base)
    roots: list[Path] = []
    plan: list[tuple[Path, list[str]]] = []
    for raw in paths:
        path = Path(raw) if Path(raw).is_absolute() else base / raw
        root, modules = discover_modules(path, cwd=base, exclude=exclude, include=include)
        roots.append(root)
        plan.append((root, modules))
    specs = [_parse_model_spec(spec) for spec in models]

    explicit: list[MetaData] = []
    with _on_sys_path([*roots, base]), recorder.active(), contextlib.redirect_stdout(sys.stderr):
        for root, modules in plan:
            for name in modules:
                try:
                    _check_same_file(_import(name, root, base), name, root, base)
                except ModelImportError as error:
                    if not skip_errors:
                        raise
                    if warn is not None:
                        warn(f"skipped {error} (--skip-errors): its tables are missing from the schema")
        for module_name, attr in specs:
            already = set(recorder.tables)
            module = _import(module_name, base, base)
            if attr is None:  # a bare module: the MetaData its import filled, as with --path
                explicit.extend(
                    table.metadata for key, (table, origin) in recorder.tables.items()
                    if key not in already and origin is not None
                )
                continue
            value: object = module
            for part in attr.split("."):
                if not hasattr(value, part):
                    raise UsageError(f"module {module_name} has no attribute {attr!r}", where=f"--model {module_name}:{attr}")
                value = getattr(value, part)
            metadata = _metadata_of(value)
            if metadata is None:
                raise UsageError(
                    f"{attr} is a {type(value).__name__}, not a MetaData, declarative Base, registry or Table",
                    where=f"--model {module_name}:{attr}",
                )
            explicit.append(metadata)

    user_roots = tuple(os.path.join(os.path.normcase(str(r.resolve())), "") for r in roots)
    metadatas: dict[int, MetaData] = {id(m): m for m in explicit}
    origins: dict[int, Origin] = {}
    for table, origin in recorder.tables.values():
        if origin is not None:
            origins[id(table)] = origin
        if paths and origin is not None and _inside(origin.path, base, user_roots):
            metadatas.setdefault(id(table.metadata), table.metadata)

    tables = _collect(metadatas.values(), origins)
    return Model(
        tables=sorted(tables, key=table_key),
        origins={t.fullname: origins[id(t)] for t in tables if id(t) in origins},
    )


def _inside(path: str, cwd: Path, roots: tuple[str, ...]) -> bool:
    """Whether `path` (relative to the working directory, which may be inside a root) is in an import root."""
    return os.path.normcase(os.path.normpath(os.path.join(cwd, path))).startswith(roots)


def table_key(table: Table) -> tuple[str, str]:
    """The sort key used everywhere: schema (none first), then name."""
    return (table.schema or "", table.name)


def _collect(metadatas: Iterable[MetaData], origins: dict[int, Origin]) -> list[Table]:
    """All tables of all MetaData; the same table name in two MetaData is an error naming both."""
    seen: dict[str, Table] = {}
    for metadata in metadatas:
        for table in metadata.tables.values():
            other = seen.get(table.fullname)
            if other is not None and other is not table:
                places = sorted(str(origins.get(id(t), "an unknown place")) for t in (other, table))
                raise ModelError(
                    f"table {table.fullname!r} is defined twice, at {places[0]} and at {places[1]}",
                    table=table.fullname,
                )
            seen[table.fullname] = table
    return list(seen.values())

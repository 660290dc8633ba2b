"""Let the model's modules go once their tables are collected, in a process that only prints DDL.

After loading, printing the schema needs the `Table` objects alone (the MetaData holds them). The mapped
classes, their mappers, instrumented attributes and event dispatchers stay alive only because the user's
modules in `sys.modules` hold the classes: at 2,000 tables that is a third of the heap. Two steps let
that memory go, for the DDL command only (`verify` builds rows from the mapped classes, and in-process
loads, tests and the API, keep their modules for the next load):

- `EarlyRelease`, while the model is imported: a module of the model that no other file of the model
  can name is dropped right after its import, so the next module reuses its memory and the classes of
  the whole model are never alive at once. atlas-provider-sqlalchemy gets that effect by executing
  files without keeping them; it is what puts its peak below a plain import of the model.
- `release_model_modules`, once everything is imported: the rest of the user's modules.

Should a dropped module be needed after all (a file the first look could not see imports it, or may reach
it), the load raises `LoadAgain` before that file runs, and child.py starts the run over in a fresh
interpreter without early release: the output is then what it would have been, at the cost of a second
import of the model (whose own prints on stderr then appear twice).

Only modules loaded from outside the interpreter's library folders (`freshsource.library_folders`) and
imported during the load are dropped: installed libraries (SQLAlchemy, SQLModel, pydantic) are never
imported twice. Model code that still runs later (a TypeDecorator's methods) keeps its module's globals
through its functions.
"""

from __future__ import annotations

import contextlib
import gc
import os
import sys
from collections import Counter
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from types import ModuleType

from sqlalchemy import Table, event
from sqlalchemy.orm import Mapper

from .. import freshsource
from ..child import LoadAgain
from ..freshsource import library_folders
from .finding import Found

# Every ASCII byte that cannot be part of a name, made a space: splitting then gives the file's words.
_NOT_NAME = bytes(b if chr(b).isalnum() or b == ord("_") or b >= 128 else ord(" ") for b in range(256))
# Words of code that may reach a module other than by its name, or every class of the model at once:
# dynamic imports (a computed name would import a dropped module a second time, defining its tables
# again) and walks over the mapped classes (a dropped class would be missing from them). A file that
# holds one of them turns early release off for the whole load.
REACHES_EVERYTHING = frozenset({
    b"import_module", b"__import__", b"iter_modules", b"walk_packages", b"spec_from_file_location",
    b"exec_module", b"run_path", b"run_module", b"reload", b"exec", b"eval",
    b"__subclasses__", b"mappers", b"configure_mappers", b"_class_registry", b"_decl_class_registry",
    b"get_objects", b"get_referrers",
    # Configuring the mappers runs listeners that may add tables for every class configured then (the history
    # tables of SQLAlchemy-Continuum's make_versioned): a class dropped before would have none.
    b"configure", b"after_configured", b"before_configured", b"mapper_configured", b"before_mapper_configured",
    b"make_versioned", b"__versioned__",
    # Classes held weakly by the model itself (a registry filled by __init_subclass__), walked later: a dropped class
    # is gone from it.
    b"weakref", b"WeakSet", b"WeakValueDictionary", b"WeakKeyDictionary",
    # Walks over a package's submodules by attribute (a dropped one is no longer an attribute of its package).
    b"getmembers", b"ismodule", b"ModuleType",
})
# Installed libraries that walk the mapped classes for the model (sqlalchemy-utils' get_class_by_table, the
# history extensions' configure listeners): their code is not read, so importing one turns early release off,
# and starts the run over if a module was dropped before.
REACHING_LIBRARIES = frozenset({
    "sqlalchemy_utils", "sqlalchemy_continuum", "sqlalchemy_history", "flask_continuum", "postgresql_audit",
})
# Words that together reach every module: a walk over sys.modules (each alone is too common in comments).
REACH_EVERYTHING_TOGETHER = ((b"sys", b"modules"),)


def _split(source: bytes) -> frozenset[bytes]:
    return frozenset(source.translate(_NOT_NAME).split())


def _source(path: str | Path) -> bytes | None:
    try:
        with open(path, "rb") as file:
            return file.read()
    except OSError:
        return None


def _libraries() -> tuple[str, ...]:
    return tuple(os.path.join(str(folder), "") for folder in library_folders())


def _user_file(module: object, libraries: tuple[str, ...]) -> str | None:
    file = getattr(module, "__file__", None)
    if isinstance(file, str) and not os.path.abspath(file).startswith(libraries):
        return file
    return None


def _own_classes(name: str, module: ModuleType) -> Iterator[tuple[str, type]]:
    """The classes `module` (imported as `name`) defines, with the global name each has there. Globals are
    judged by their type alone, as in collecting.py: a Flask `g` proxy raises when asked anything."""
    for key, value in list(vars(module).items()):
        if issubclass(type(value), type) and vars(value).get("__module__") == name:
            yield key, value


def _defines_mapped_classes(name: str, module: ModuleType) -> bool:
    return any("_sa_class_manager" in vars(value) for _, value in _own_classes(name, module))


class EarlyRelease:
    """Drops each module of the model right after its import, when no other file can name it again.

    A module is dropped only when none of its names (its own last name, the classes it defines: a
    relationship("Name") finds a class by that) is a word of another file of the user's: every file
    --path found, every `.py` file in the packages they belong to (a helper module the model imports
    later), and every other file of the user's imported so far; and when no such file holds a word of
    `REACHES_EVERYTHING`. So no file imports it a second time or looks its classes up later, and
    dropping it changes nothing but memory. A package is never dropped early: its modules are
    imported through it. While `active`, every user file about to run is read first
    (`freshsource.source_watchers`): one that names a dropped module or class, or holds a word of
    `REACHES_EVERYTHING`, raises `LoadAgain` before it runs, and so does any import of a dropped module
    (a finder first on `sys.meta_path`). The flag stays up: a model that swallows the exception still
    has its run start over.
    """

    MAX_FILES = 20_000  # more files than this in the model's packages: not worth reading, no early release

    def __init__(self, found: Iterable[Found]) -> None:
        self._libraries = _libraries()
        self._counts: Counter[bytes] = Counter()  # in how many of the files each word is
        self._own: dict[str, frozenset[bytes]] = {}  # a module of the model -> its words
        self._read: dict[str, int] = {}  # the files counted, by real path: the hash of the bytes counted
        self._seen = set(sys.modules)
        self.enabled = True
        self.dropped: set[str] = set()
        self._dropped_words: set[bytes] = set()  # the names of the dropped modules and of their classes
        self.again = False  # a dropped module is needed: the run starts over (LoadAgain)
        packages: set[Path] = set()
        for item in found:
            for name, path in item.modules.items():
                if name not in self._own:
                    words = self._add(path)
                    if words is not None:
                        self._own[name] = words
                if "." in name:
                    packages.add(item.root / name.split(".", 1)[0])
        for package in sorted(packages):
            self._add_folder(package)

    def _add_folder(self, folder: Path) -> None:
        for parent, folders, files in os.walk(folder):
            folders[:] = [f for f in folders if not f.startswith(".") and f != "__pycache__"]
            for file in files:
                if file.endswith(".py") and self.enabled:
                    self._add(os.path.join(parent, file))
            if len(self._read) > self.MAX_FILES:
                self.enabled = False
            if not self.enabled:
                return

    def _add(self, path: str | Path, source: bytes | None = None) -> frozenset[bytes] | None:
        """Count the words of the file at `path` (of `source`, its bytes about to run, when given) and return
        them; None for a file counted before, unless `source` differs from what was counted: a file changed
        while the model loads (written by a module imported before it) turns early release off, and its new
        words are returned for `_see` to judge."""
        real = os.path.realpath(path)
        if real in self._read:  # counted once; a module whose file was read for another name is kept
            if source is not None and hash(source) != self._read[real]:
                self.enabled = False
                return _split(source)
            return None
        if source is None:
            source = _source(real)
        if source is None:  # unreadable now: who knows what it names
            self._read[real] = 0
            self.enabled = False
            return None
        self._read[real] = hash(source)
        words = _split(source)
        self._counts.update(words)
        if not REACHES_EVERYTHING.isdisjoint(words) or any(words.issuperset(t) for t in REACH_EVERYTHING_TOGETHER):
            self.enabled = False
        return words

    def _read_new_user_files(self) -> None:
        """The words of the user's files imported since the last call (a base or mixin module outside --path)."""
        for name, module in list(sys.modules.items()):
            if name in self._seen:
                continue
            self._seen.add(name)
            file = _user_file(module, self._libraries)
            if file is not None and file.endswith(".py"):
                self._see(file)

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """While the model is imported: watch the user's files before they run, refuse to import a dropped
        module a second time, and start over if the mappers are configured once a module was dropped (the
        model instantiated a class, or ran a query: `__declare_first__`, `__declare_last__` and configure
        listeners then run for every class alive, and may add tables). Raises LoadAgain at the end if that was
        needed, even if the model swallowed it, and in place of the error the load then failed with: the
        model may have failed for want of what it swallowed."""
        guard = _Guard(self)
        sys.meta_path.insert(0, guard)
        freshsource.source_watchers.append(self._before_run)
        event.listen(Mapper, "before_configured", self._before_configured)
        try:
            yield
        except BaseException as error:
            if self.again and not isinstance(error, (LoadAgain, KeyboardInterrupt)):
                raise LoadAgain("a module let go early is needed again") from error
            raise
        finally:
            event.remove(Mapper, "before_configured", self._before_configured)
            freshsource.source_watchers.remove(self._before_run)
            sys.meta_path.remove(guard)
        self.check()

    def _before_configured(self) -> None:
        if self.dropped:
            self.again = True
        self.check()

    def check(self) -> None:
        if self.again:
            raise LoadAgain("a module let go early is needed again")

    def _before_run(self, path: str, source: bytes) -> None:
        self._see(path, source)
        self.check()

    def _see(self, path: str, source: bytes | None = None) -> None:
        """Count the words of a user's file not read yet; once modules were dropped, one that may need them
        means starting over."""
        words = self._add(path, source)
        if words is not None and self.dropped and (not self.enabled or not self._dropped_words.isdisjoint(words)):
            self.again = True

    def compact(self, tables: Iterable[Table]) -> None:
        """Give the columns of `tables` compact dicts. A Column starts with a dict that shares its keys with
        every other column (under 300 bytes); mapping it adds attributes that turn it into a hash table of its
        own, sized for growth (about 1.5 KB). A copy holds the same items in about half of that: 12 MB at
        2,000 tables, the largest single part of the model that stays alive. The mapping is the same; only
        where it is stored changes."""
        for table in tables:
            for column in table.columns:
                before = vars(column)
                after = dict(before)
                if sys.getsizeof(after) < sys.getsizeof(before):
                    column.__dict__ = after

    def may_drop(self, name: str, module: ModuleType) -> bool:
        """Whether `module`, just imported as `name`, can go now: no other file can name it."""
        self._read_new_user_files()
        own = self._own.pop(name, None)  # asked once per module: its words are not needed after
        # Only a plain module object: an object standing in for one in sys.modules may run code when asked.
        if (not self.enabled or own is None or type(module) is not ModuleType or "__path__" in vars(module)
                or sys.modules.get(name) is not module):
            return False
        self.check()
        names = {name.rpartition(".")[2]}
        for key, value in _own_classes(name, module):
            names.update((key, type.__dict__["__name__"].__get__(value)))
        words = {n.encode("utf-8", "surrogateescape") for n in names}
        if any(self._counts[word] > (word in own) for word in words):
            return False
        self._dropped_words |= words
        return True

    def drop(self, name: str) -> None:
        """Take the module `name` out of `sys.modules` and its package, then free what only it held."""
        module = sys.modules.pop(name)
        parent, _, short = name.rpartition(".")
        package = sys.modules.get(parent) if parent else None
        if type(package) is ModuleType and vars(package).get(short) is module:
            delattr(package, short)
        del module
        self.dropped.add(name)
        # The collector is off (cli.py), so everything made since the last collection is in the youngest
        # generation: collecting it alone frees the module's cycles without walking the rest of the heap.
        gc.collect(0)


class _Guard:
    """First on `sys.meta_path` while the model is imported: a dropped module is never imported again."""

    def __init__(self, early: EarlyRelease) -> None:
        self.early = early

    def find_spec(self, name: str, path: object = None, target: object = None) -> None:
        if name in self.early.dropped:
            self.early.again = True
            raise LoadAgain(f"{name} is imported again")
        if name.partition(".")[0] in REACHING_LIBRARIES:
            self.early.enabled = False
            if self.early.dropped:
                self.early.again = True
                raise LoadAgain(f"{name} may walk the classes let go early")


def release_model_modules(before: Collection[str]) -> None:
    """Drop from `sys.modules` the user's modules imported since `before` (names), then collect cycles when
    one of them defined mapped classes (a full collection walks every table: with nothing to free, it is
    time lost)."""
    libraries = _libraries()
    mapped = False
    for name in [name for name in sys.modules if name not in before]:
        module = sys.modules[name]
        if _user_file(module, libraries) is not None:
            mapped = mapped or type(module) is not ModuleType or _defines_mapped_classes(name, module)
            del sys.modules[name]
    if mapped:
        gc.collect()

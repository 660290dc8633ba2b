"""Record where each table comes from: the file and line whose code created it.

A listener on `Table` sees every table attached to a MetaData while the model is imported, and walks
the stack to the frame that asked for it. Frames of the libraries that build tables for the user
(SQLAlchemy, this package, the standard library, the declarative wrappers SQLModel and pydantic) are
passed over; a table that such a library's own module creates at import (SQLAlchemy's dialects define
information-schema tables) has no origin and is never part of the model. Installed packages are not
libraries in this sense: a table an installed package defines has its place there, and is part of the
model when the user selected it (see collecting.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import os
import site
import sys
import sysconfig
import weakref
from collections.abc import Iterator
from pathlib import Path
from types import FrameType

from sqlalchemy import MetaData, Table, event

from .finding import relative_path
from .model import Origin

# The declarative wrappers: their frames stand between the user's class statement and the Table.
WRAPPERS = ("sqlmodel", "pydantic", "pydantic_core", "typing_extensions")

_LIBRARY, _INSTALLED, _USER = "library", "installed", "user"


def _prefix(path: str) -> str:
    return os.path.normcase(os.path.abspath(path))


def _module_places(names: tuple[str, ...]) -> list[str]:
    """Each module's folder (a package) or file (a single module, such as typing_extensions.py)."""
    places = []
    for name in names:
        with contextlib.suppress(ImportError, ValueError):
            spec = importlib.util.find_spec(name)  # a top-level name: found without importing it
            if spec is not None and spec.origin:
                places.append(os.path.dirname(spec.origin) + os.sep if spec.submodule_search_locations
                              else spec.origin)
    return places


def _installed_dirs() -> list[str]:
    """Where installed packages live: every site-packages (or dist-packages) folder this interpreter uses."""
    dirs = {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}
    with contextlib.suppress(AttributeError):  # site.getsitepackages is missing in some embedded builds
        dirs.update(site.getsitepackages())
    with contextlib.suppress(AttributeError):
        dirs.add(site.getusersitepackages())
    dirs.update(p for p in sys.path if os.path.basename(p) in ("site-packages", "dist-packages"))
    return [_prefix(d) + os.sep for d in dirs if d]


class Places:
    """Tells library, installed and user files apart, remembering the answer per file name.

    In a virtual environment `platstdlib` is `<venv>/lib/python3.X`, which holds site-packages: the
    standard library's folders count only for files outside every site-packages folder.
    """

    def __init__(self) -> None:
        import sqlalchemy

        package = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))  # atlas_provider/
        libraries = [os.path.dirname(sqlalchemy.__file__) + os.sep, package + os.sep, *_module_places(WRAPPERS)]
        self.libraries = tuple(_prefix(p) + (os.sep if p.endswith(os.sep) else "") for p in libraries)
        self.installed = tuple(_installed_dirs())
        paths = sysconfig.get_paths()
        self.stdlib = tuple(_prefix(paths[key]) + os.sep for key in ("stdlib", "platstdlib"))
        self._kinds: dict[str, str] = {}

    def kind(self, filename: str) -> str:
        found = self._kinds.get(filename)
        if found is None:
            path = _prefix(filename)
            if path.startswith(self.libraries):
                found = _LIBRARY
            elif path.startswith(self.installed):
                found = _INSTALLED
            elif path.startswith(self.stdlib):
                found = _LIBRARY
            else:
                found = _USER
            self._kinds[filename] = found
        return found


class TableRecorder:
    """Records every Table attached to a MetaData while active, with the frame that made it.

    It runs once per table, so what it learns about a file (its kind, its relative path) is remembered
    by file name.
    """

    def __init__(self, cwd: Path) -> None:
        self.cwd = cwd
        self.places = Places()
        self.tables: dict[int, tuple[Table, Origin | None]] = {}
        self._paths: dict[str, str] = {}  # code file name -> path relative to cwd
        # Tables an earlier load in this process recorded: their modules are not imported again.
        for table, place in _EARLIER.items():
            origin = Origin(relative_path(Path(place[0]), cwd), place[1]) if place else None
            self.tables[id(table)] = (table, origin)
        self._earlier = set(self.tables)

    def _at(self, frame: FrameType) -> Origin:
        filename = frame.f_code.co_filename
        path = self._paths.get(filename)
        if path is None:
            path = self._paths[filename] = relative_path(Path(filename), self.cwd)
        return Origin(path, frame.f_lineno)

    def _origin(self, frame: FrameType | None) -> Origin | None:
        """The line that created a table: the first user frame; else the module-level line of the
        installed package that defined it; None when a library module's own code did."""
        installed: Origin | None = None  # an installed helper's line, if no better place is found
        while frame is not None:
            code = frame.f_code
            if not code.co_filename.startswith("<"):  # "<frozen importlib._bootstrap>", "<string>"
                kind = self.places.kind(code.co_filename)
                if kind == _USER:
                    return self._at(frame)
                if kind == _INSTALLED:
                    if code.co_name == "<module>":
                        return self._at(frame)
                    installed = installed or self._at(frame)
                elif code.co_name == "<module>":
                    return None
            frame = frame.f_back
        return installed

    def _on_attach(self, table: Table, parent: object) -> None:
        if isinstance(parent, MetaData):
            self.tables[id(table)] = (table, self._origin(sys._getframe(1)))

    @contextlib.contextmanager
    def active(self) -> Iterator[None]:
        """Listen while the model is imported; afterwards keep what was seen for later loads."""
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

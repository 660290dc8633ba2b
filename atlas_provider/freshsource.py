"""Model files are compiled from the source they hold now, and no bytecode is written into the user's tree.

CPython trusts a `__pycache__/*.pyc` whose recorded source mtime (in whole seconds) and size match the
file, so a model edited twice within a second, to the same size, would be imported as it was before the
edit. In the child, files outside the interpreter's library folders (standard library, site-packages,
this package) are loaded by `FreshSourceLoader`, which neither reads nor writes `__pycache__` beside
them. Compiling a large model costs more than importing it, so the compiled code is kept in a private
store instead (`$XDG_CACHE_HOME/atlas-provider/bytecode`, else `~/.cache/...`): one entry per source path,
holding the SHA-256 of the exact bytes it was compiled from, used only when the file read now has that
digest (the "checked hash" idea of PEP 552, with a strong hash). The store is used only when it belongs
to this user and nobody else can write to it; without it, or under PYTHONDONTWRITEBYTECODE/-B (which it
honours for writing), the files are simply compiled. Library files keep CPython's usual bytecode.
"""

from __future__ import annotations

import hashlib
import importlib.util
import marshal
import os
import site
import stat
import sys
import sysconfig
import tempfile
from importlib.machinery import (
    BYTECODE_SUFFIXES,
    EXTENSION_SUFFIXES,
    SOURCE_SUFFIXES,
    ExtensionFileLoader,
    FileFinder,
    SourceFileLoader,
    SourcelessFileLoader,
)
from pathlib import Path
from types import CodeType
from typing import Any

FORMAT = b"atlas-provider-bytecode/1\n"
HEADER = len(FORMAT) + len(importlib.util.MAGIC_NUMBER) + hashlib.sha256().digest_size


def store_folder() -> Path | None:
    """The store's folder, or None. A relative XDG_CACHE_HOME is ignored, as the XDG Base Directory spec says
    ("If an implementation encounters a relative path in any of these variables it should consider the path
    invalid and ignore it"), and a relative home (HOME=.) gives no store: either would put it in the project."""
    base = os.environ.get("XDG_CACHE_HOME", "")
    if not os.path.isabs(base):
        base = os.path.join(os.path.expanduser("~"), ".cache")
    return Path(base) / "atlas-provider" / "bytecode" if os.path.isabs(base) else None


class BytecodeStore:
    """Compiled code of the user's files, by path, each entry checked against the digest of its source."""

    def __init__(self, folder: Path | None) -> None:
        self.folder = folder
        self._usable: bool | None = None

    def code(self, path: str, source: bytes, compile_source: Any) -> CodeType:
        """The code object for `source` (read from `path` just now): from the store when its entry was compiled
        from exactly these bytes, else compiled (and stored)."""
        digest = hashlib.sha256(source).digest()
        entry = self._entry(path)
        prefix = FORMAT + importlib.util.MAGIC_NUMBER + digest
        if entry is not None and self.usable():
            data = _read_own(entry)
            if data is not None and data[:HEADER] == prefix:
                try:
                    return marshal.loads(data[HEADER:])  # type: ignore[no-any-return]
                except (EOFError, ValueError, TypeError):
                    pass  # a damaged entry: compile again and replace it
        code: CodeType = compile_source(source, path)
        if entry is not None and self.usable() and not sys.dont_write_bytecode:
            _write_atomically(entry, prefix + marshal.dumps(code))
        return code

    def usable(self) -> bool:
        """The folder exists (created 0700 if not, unless bytecode is not to be written), is ours and is writable
        by nobody else."""
        if self._usable is None and self.folder is None:
            self._usable = False
        if self._usable is None:
            try:
                if not sys.dont_write_bytecode:
                    self.folder.mkdir(mode=0o700, parents=True, exist_ok=True)
                info = self.folder.lstat()
                self._usable = (stat.S_ISDIR(info.st_mode) and info.st_uid == os.geteuid()
                                and not info.st_mode & (stat.S_IWGRP | stat.S_IWOTH))
            except OSError:
                self._usable = False
        return self._usable

    def _entry(self, path: str) -> Path | None:
        if self.folder is None:
            return None
        # The path (it becomes the code's co_filename) and the optimisation level decide what compile() makes.
        key = f"{path}\0{sys.flags.optimize}".encode("utf-8", "surrogateescape")
        return self.folder / (hashlib.sha256(key).hexdigest()[:40] + ".bin")


def _read_own(entry: Path) -> bytes | None:
    try:
        fd = os.open(entry, os.O_RDONLY | getattr(os, "O_NOFOLLOW", 0))
    except OSError:
        return None
    try:
        info = os.fstat(fd)
        if info.st_uid != os.geteuid() or info.st_mode & (stat.S_IWGRP | stat.S_IWOTH):
            return None
        with os.fdopen(fd, "rb", closefd=False) as file:
            return file.read()
    except OSError:
        return None
    finally:
        os.close(fd)


def _write_atomically(entry: Path, data: bytes) -> None:
    try:
        fd, temporary = tempfile.mkstemp(dir=entry.parent, prefix=".tmp-")
        try:
            with os.fdopen(fd, "wb") as file:
                file.write(data)
            os.replace(temporary, entry)
        except BaseException:
            os.unlink(temporary)
            raise
    except OSError:
        pass  # a full disk or a read-only home: the code was compiled, the next run compiles again


class FreshSourceLoader(SourceFileLoader):
    """Loads a source file from its current bytes (see the module docstring); never touches `__pycache__`."""

    store: BytecodeStore | None = None

    def get_code(self, fullname: str) -> CodeType:
        path = self.get_filename(fullname)
        source = self.get_data(path)
        store = FreshSourceLoader.store or BytecodeStore(store_folder())
        FreshSourceLoader.store = store
        return store.code(path, source, self.source_to_code)


def library_folders() -> list[Path]:
    """Where the interpreter's own and installed packages live, whose bytecode CPython keeps as usual."""
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    folders = {sysconfig.get_path(name) for name in names}
    folders.update(getattr(site, "getsitepackages", lambda: [])())
    folders.add(site.getusersitepackages() if site.ENABLE_USER_SITE else "")
    folders.add(os.path.dirname(os.path.abspath(__file__)))
    return sorted({Path(f).resolve() for f in folders if f})


def install() -> None:
    """Put the fresh-source finder in front of CPython's for every folder outside `library_folders()`."""
    libraries = library_folders()
    loaders = [(FreshSourceLoader, SOURCE_SUFFIXES), (ExtensionFileLoader, EXTENSION_SUFFIXES),
               (SourcelessFileLoader, BYTECODE_SUFFIXES)]

    def hook(entry: str) -> FileFinder:
        folder = Path(entry or os.getcwd()).resolve()
        if not folder.is_dir() or any(folder == lib or lib in folder.parents for lib in libraries):
            raise ImportError("not a user folder")  # CPython's own finder takes it
        return FileFinder(entry, *loaders)  # type: ignore[arg-type]

    sys.path_hooks.insert(0, hook)
    sys.path_importer_cache.clear()

"""Model files are compiled from the source they hold now, and no bytecode is written into the user's tree.

CPython trusts a `__pycache__/*.pyc` whose recorded source mtime (in whole seconds) and size match the
file, so a model edited twice within a second, to the same size, would be imported as it was before the
edit. In the child, every file outside the interpreter's library folders (standard library,
site-packages, this package) is compiled from its current bytes by whichever loader imports it (see
`install`), and no `__pycache__` beside it is read or written. Compiling a large model costs more than
importing it, so the compiled code is kept in a private store instead (`$XDG_CACHE_HOME/atlas-provider/
bytecode`, else `~/.cache/...`): one entry per source path, holding the SHA-256 of the exact bytes it was
compiled from, used only when the file read now has that digest (the "checked hash" idea of PEP 552, with
a strong hash). The store is used only when it belongs to this user and nobody else can write to it;
without it, or under PYTHONDONTWRITEBYTECODE/-B (which it honours for writing), the files are simply
compiled. Library files keep CPython's usual bytecode.
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
from collections.abc import Callable
from importlib._bootstrap_external import SourceLoader  # the base of SourceFileLoader and importlib.abc's
from pathlib import Path
from types import CodeType
from typing import Any

FORMAT = b"atlas-provider-bytecode/1\n"
# Called with each user file's path and bytes before its code is made, so before it runs (loading/release.py).
source_watchers: list[Callable[[str, bytes], None]] = []
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


def library_folders() -> list[Path]:
    """Where the interpreter's own and installed packages live, whose bytecode CPython keeps as usual."""
    names = ("stdlib", "platstdlib", "purelib", "platlib")
    folders = {sysconfig.get_path(name) for name in names}
    folders.update(getattr(site, "getsitepackages", lambda: [])())
    folders.add(site.getusersitepackages() if site.ENABLE_USER_SITE else "")
    folders.add(os.path.dirname(os.path.abspath(__file__)))
    return sorted({Path(f).resolve() for f in folders if f})


def install() -> None:
    """Make every source loader compile the files outside `library_folders()` from their current bytes.

    The hook is `SourceLoader.get_code`, which CPython's own `SourceFileLoader` and every loader built on
    `importlib.abc.SourceLoader` run to turn a file into code, whichever finder made the spec: the path
    finder for `sys.path` (and the folders an editable install's `.pth` file adds), setuptools'
    `__editable__` finder, `importlib.util.spec_from_file_location`, `runpy`. It is the one place that
    reads a `.pyc` beside the file (or under `sys.pycache_prefix`) and writes one, so replacing it for
    the user's files is enough for all of them; library files go to CPython's own code unchanged.
    """
    libraries = tuple(os.path.join(str(folder), "") for folder in library_folders())
    original = SourceLoader.get_code
    store = BytecodeStore(store_folder())
    user_folders: dict[str, bool] = {}  # folder as the loader names it -> outside every library folder

    def get_code(loader: SourceLoader, fullname: str) -> CodeType | None:
        path = loader.get_filename(fullname)  # type: ignore[attr-defined]
        folder = os.path.dirname(path)
        user = user_folders.get(folder)
        if user is None:
            real = os.path.join(os.path.realpath(folder or os.getcwd()), "")
            user = user_folders[folder] = not real.startswith(libraries)
        # A file linked into a library folder is the user's (`flit install --symlink` of a one-module
        # project).
        if not user and not (os.path.islink(path) and not os.path.realpath(path).startswith(libraries)):
            return original(loader, fullname)
        source = loader.get_data(path)
        for watch in source_watchers:
            watch(path, source)
        return store.code(path, source, loader.source_to_code)

    SourceLoader.get_code = get_code  # type: ignore[method-assign]

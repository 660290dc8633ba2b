"""Import the model's modules by their dotted names, and turn a failure into one line that says where."""

from __future__ import annotations

import contextlib
import importlib
import os
import sys
import traceback
from collections.abc import Iterable, Iterator
from pathlib import Path
from types import ModuleType

from ..errors import ModelImportError
from .finding import relative_path
from .release import LoadAgain


def import_module(name: str, root: Path, cwd: Path) -> ModuleType:
    """`import name`, or ModelImportError naming the user's file and line that failed."""
    try:
        return importlib.import_module(name)
    except SyntaxError as error:  # also IndentationError and undecodable (non-UTF-8) source
        path = relative_path(Path(error.filename), cwd) if error.filename else name
        raise ModelImportError(f"{type(error).__name__}: {error.msg}", path=path, line=error.lineno) from error
    except SystemExit as error:
        path, line = _blame(error, root, cwd, name)
        raise ModelImportError(
            f"the module called sys.exit({error.code!r}) while being imported", path=path, line=line
        ) from error
    except (KeyboardInterrupt, LoadAgain):
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
            found = (relative_path(Path(filename), cwd), line)
    if found is None:
        filename = getattr(error, "filename", None)  # e.g. PermissionError on an unreadable file
        if filename:
            return relative_path(Path(filename), cwd), None
        return module, None
    return found


def check_same_file(module: ModuleType, name: str, file: Path, cwd: Path) -> None:
    """Fail when `import name` gave a module other than `file`, the one found under --path: a name
    already imported from elsewhere (a file `types.py` in a folder without `__init__.py` is the
    standard library's `types`) would otherwise leave that file's tables out without a word."""
    found = getattr(module, "__file__", None) or getattr(getattr(module, "__spec__", None), "origin", None)
    if found and os.path.realpath(found) == os.path.realpath(file):
        return
    other = "a built-in module"
    if found and found not in ("built-in", "frozen"):
        other = relative_path(Path(found), cwd)
        other = os.path.abspath(found) if other.startswith("../") else other
    raise ModelImportError(
        f"the module name {name!r} is already taken by {other}, so this file is not imported; "
        "rename the file or make its folder a package (add __init__.py)",
        path=relative_path(file, cwd),
    )


@contextlib.contextmanager
def on_sys_path(folders: Iterable[Path]) -> Iterator[None]:
    """Put `folders` first on sys.path while the model is imported (no PYTHONPATH needed)."""
    added = [str(f) for f in dict.fromkeys(folders) if str(f) not in sys.path]
    sys.path[:0] = added
    try:
        yield
    finally:
        for entry in added:
            with contextlib.suppress(ValueError):
                sys.path.remove(entry)

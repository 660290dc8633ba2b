"""`schema --out-dir`: several files that change together or not at all.

Each file is written whole to a temporary name in the target folder (so the rename below stays within one
file system), flushed to disk, and only when every one of them was written are they renamed over the old
files. A run that fails, or a disk that fills up, leaves the old files as they were and no partial file
behind; rename(2) replaces each file atomically, so a reader sees the old file or the new one, never a cut one.
A file that is a symbolic link is written through it, as a write in place would: the link stays, the file it
names is replaced. An interrupt (SIGINT) removes what was not renamed yet.
"""

from __future__ import annotations

import os
import stat
from collections.abc import Iterable
from pathlib import Path

from .errors import OutputError


def write_together(folder: Path, files: dict[str, bytes]) -> None:
    """Write `files` (name -> bytes) into `folder` (created if missing), all or none; raise OutputError."""
    try:
        folder.mkdir(parents=True, exist_ok=True)
    except OSError as error:
        raise OutputError(f"cannot create the folder: {_reason(error)}", where=str(folder)) from None
    written: dict[Path, Path] = {}  # target -> its temporary file, once written whole
    made: list[Path] = []  # every temporary name, from before its file is created: all are removed on failure
    name = ""
    replaced: list[str] = []
    try:
        for name, data in files.items():
            target = Path(os.path.realpath(folder / name))  # through a symbolic link: the file it names
            written[target] = _write_temporary(target, data, made)
        for target, temporary in written.items():
            os.replace(temporary, target)
            replaced.append(target.name)
    except OSError as error:
        _remove(made)
        if len(written) < len(files):
            raise OutputError(f"cannot write {name}: {_reason(error)}; no file was changed",
                              where=str(folder)) from None
        done = f"{', '.join(replaced)} already replaced, the others unchanged" if replaced else "no file was changed"
        raise OutputError(f"cannot replace {target.name}: {_reason(error)}; {done}", where=str(folder)) from None
    except BaseException:  # KeyboardInterrupt, at any point
        _remove(made)
        raise


def _write_temporary(target: Path, data: bytes, made: list[Path]) -> Path:
    """`data` in a new file beside `target`, on disk, with the old file's permissions (else the umask's); its
    name is added to `made` before it exists."""
    if target.is_dir():
        raise IsADirectoryError(21, os.strerror(21), str(target))
    try:
        mode = stat.S_IMODE(target.stat().st_mode)
    except OSError:
        mode = 0o666  # open() applies the umask, as for any new file
    temporary = target.with_name(f".{target.name}.{os.urandom(6).hex()}.tmp")
    made.append(temporary)
    fd = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, mode)
    try:
        view = memoryview(data)
        while view:
            view = view[os.write(fd, view):]
        os.fsync(fd)  # a file system that reserves space late reports ENOSPC here, not at rename
    finally:
        os.close(fd)
    return temporary


def _remove(paths: Iterable[Path]) -> None:
    for path in list(paths):
        try:
            os.unlink(path)
        except OSError:
            pass


def _reason(error: OSError) -> str:
    return error.strerror or str(error)

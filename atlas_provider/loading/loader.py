"""load_model: find the modules, import them once each while recording tables, collect the MetaData."""

from __future__ import annotations

import contextlib
import itertools
import os
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from types import ModuleType

from sqlalchemy import MetaData, Table

from ..duplicates import group_definitions
from ..errors import ModelImportError, UsageError
from .collecting import attribute, metadata_in_globals, parse_model_spec
from .finding import Found, find_modules, settle_clashes
from .importing import check_same_file, import_module, on_sys_path
from .model import Model, Origin, table_key
from .recording import TableRecorder
from .release import EarlyRelease

Callback = Callable[[str], None]


def load_model(
    paths: Sequence[str | Path] = (),
    models: Sequence[str] = (),
    *,
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    cwd: str | Path | None = None,
    skip_errors: bool = False,
    warn: Callback | None = None,
    verbose: Callback | None = None,
    let_go: bool = False,
) -> Model:
    """Import the modules under `paths` and the `pkg.module[:attr]` specs in `models`; collect tables.

    With `--path`, every MetaData that received a table defined in the user's files, or that a module's
    globals hold (a Base, registry, MetaData, Table or mapped class, re-exported from anywhere), is used
    whole. With `--model module:attr`, that attribute's MetaData; with a bare `--model module`, what its
    import filled and what its globals hold. Output of the model's code on stdout goes to stderr.
    `skip_errors` (the existing provider's flag) skips a module that fails to import, calling `warn`
    with the error. A name defined more than once keeps its first definition in `Model.tables` and the
    others in `Model.others`, for each target to judge. `verbose` hears of every file and folder left out.
    """
    if not paths and not models:
        raise UsageError("nothing to load: give --path DIR or --model pkg.module[:attr]")
    base = Path(cwd or os.getcwd()).resolve()
    found = settle_clashes([find_modules(raw, cwd=base, exclude=exclude, include=include, note=verbose)
                            for raw in paths])
    specs = [parse_model_spec(spec) for spec in models]
    recorder = TableRecorder(base)
    selected: list[MetaData] = []
    imported: list[ModuleType | list[MetaData]] = []  # a module dropped early: what its globals held
    # Not with --model: a module it names may import one of the --paths' modules by name, from anywhere.
    early = EarlyRelease(found) if let_go and not specs else None
    with on_sys_path([*(f.root for f in found), base]), recorder.active(), contextlib.redirect_stdout(sys.stderr):
        with early.active() if early is not None else contextlib.nullcontext():
            imported += _import_paths(found, base, skip_errors, warn, early, recorder)
        for module_name, attr in specs:
            already = set(recorder.tables)
            module = import_module(module_name, base, base)
            if attr is not None:
                selected.append(attribute(module, module_name, attr))
                continue
            # a bare module: the MetaData its import filled (as with --path), and those its globals hold
            own = _module_files(module)
            selected += [table.metadata for key, (table, origin) in recorder.tables.items()
                         if origin is not None and (key not in already or _in(base, origin, own))]
            imported.append(module)

    user_roots = tuple(os.path.join(os.path.normcase(str(f.root.resolve())), "") for f in found)
    metadatas: dict[int, MetaData] = {id(m): m for m in selected}
    origins: dict[int, Origin] = {}
    for table, origin in recorder.tables.values():
        if origin is not None:
            origins[id(table)] = origin
            if found and _in(base, origin, user_roots):
                metadatas.setdefault(id(table.metadata), table.metadata)
    for held in imported:
        for metadata in held if isinstance(held, list) else metadata_in_globals(held):
            if not _made_by_library(metadata, recorder):
                metadatas.setdefault(id(metadata), metadata)

    def place(table: Table) -> str | None:
        origin = origins.get(id(table))
        return str(origin) if origin else None

    tables, others = group_definitions(metadatas.values(), place)
    return Model(
        tables=sorted(tables, key=table_key),
        origins={t.fullname: origins[id(t)] for t in tables if id(t) in origins},
        others={name: [(t, origins.get(id(t))) for t in group] for name, group in others.items()},
    )


def _import_paths(found: list[Found], base: Path, skip_errors: bool, warn: Callback | None,
                  early: EarlyRelease | None, recorder: TableRecorder) -> list[ModuleType | list[MetaData]]:
    """Import every module the --paths found, each name once, in order. With `early`, the columns of the tables
    each import made are compacted, and a module it drops is replaced by the MetaData its globals held, read
    before it goes."""
    imported: list[ModuleType | list[MetaData]] = []
    compacted = 0  # how many of the recorded tables were compacted
    done: set[str] = set()
    for item in found:
        for name, file in item.modules.items():
            if name in done:
                continue
            done.add(name)
            try:
                module = import_module(name, item.root, base)
                check_same_file(module, name, file, base)
            except ModelImportError as error:
                if item.regrouped:  # imported from a common folder because names clashed: say so
                    error = ModelImportError(
                        f"{error.message} (imported as {name!r} from the common folder of several --path, because "
                        f"their module names clash; rename the modules, or make the folders packages)",
                        path=error.path, line=error.line)
                if not skip_errors:
                    raise error from error.__cause__
                if warn is not None:
                    warn(f"skipped {error} (--skip-errors): its tables are missing from the schema")
                continue
            if early is not None:
                early.compact(table for table, _ in itertools.islice(recorder.tables.values(), compacted, None))
                compacted = len(recorder.tables)
            if early is not None and early.may_drop(name, module):
                imported.append(metadata_in_globals(module))
                del module  # the last reference here: dropping it lets the collection free the classes
                early.drop(name)
            else:
                imported.append(module)
    return imported


def _module_files(module: ModuleType) -> tuple[str, ...]:
    """A module's file, or a package's folder, as prefixes of the files that belong to it."""
    file = getattr(module, "__file__", None)
    if not isinstance(file, str):
        return ()
    real = os.path.normcase(os.path.realpath(file))
    if os.path.basename(real) == "__init__.py":
        return (os.path.join(os.path.dirname(real), ""),)
    return (real,)


def _in(base: Path, origin: Origin, prefixes: tuple[str, ...]) -> bool:
    """Whether `origin` (relative to the working directory) lies in one of `prefixes` (absolute)."""
    path = os.path.normcase(os.path.normpath(os.path.join(base, origin.path)))
    return bool(prefixes) and (path.startswith(prefixes) or os.path.realpath(path).startswith(prefixes))


def _made_by_library(metadata: MetaData, recorder: TableRecorder) -> bool:
    """A MetaData only SQLAlchemy's own modules filled (information-schema tables): never the model."""
    places = [recorder.tables.get(id(t)) for t in metadata.tables.values()]
    return bool(places) and all(p is not None and p[1] is None for p in places)

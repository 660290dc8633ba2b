"""Collect the model's MetaData: the ones the user's files filled, and the ones the user selected.

A MetaData belongs to the model when a table in it was defined in a --path folder, when a selected
module's globals hold it (a declarative Base, `registry`, `MetaData`, `Table` or mapped class, possibly
re-exported from an installed package), or when --model names it. Globals are read without
evaluating anything: a Flask `g` or `current_app` proxy, or any object whose attribute access raises
or computes, is passed over, because its class is looked at and never the object's own attributes.
"""

from __future__ import annotations

import inspect
from collections.abc import Iterator
from types import ModuleType

from sqlalchemy import MetaData, Table
from sqlalchemy.orm import registry
from sqlalchemy.orm.instrumentation import ClassManager

from ..errors import UsageError

_MISSING = object()


def _static(value: object, name: str) -> object:
    """`value.name` as stored, without running a property, `__getattr__` or a descriptor."""
    try:
        return inspect.getattr_static(value, name, _MISSING)
    except Exception:  # noqa: BLE001 - an object odd enough to break even static lookup is passed over
        return _MISSING


def _held_metadata(value: object) -> Iterator[MetaData]:
    """The MetaData a global value holds, judged by its type alone (type() never asks the object)."""
    kind = type(value)
    if issubclass(kind, MetaData):
        yield value  # type: ignore[misc]
    elif issubclass(kind, Table):
        yield value.metadata  # type: ignore[attr-defined]
    elif issubclass(kind, registry):
        metadata = _static(value, "metadata")
        if isinstance(metadata, MetaData):
            yield metadata
    elif issubclass(kind, type):  # a class: a declarative Base, a mapped class, SQLModel
        metadata, table = _static(value, "metadata"), _static(value, "__table__")
        if issubclass(type(metadata), MetaData):
            yield metadata  # type: ignore[misc]
        if issubclass(type(table), Table):
            yield table.metadata  # type: ignore[attr-defined]  # hybrid: a Core table may have its own MetaData
        if issubclass(type(metadata), MetaData) or issubclass(type(table), Table):
            return
        manager = _static(value, "_sa_class_manager")  # mapped imperatively: no __table__ attribute
        if issubclass(type(manager), ClassManager):
            yield manager.registry.metadata  # type: ignore[attr-defined]
            local = getattr(manager.mapper, "local_table", None)  # type: ignore[attr-defined]
            if isinstance(local, Table):
                yield local.metadata


def metadata_in_globals(module: ModuleType) -> list[MetaData]:
    """Every MetaData reachable from `module`'s globals, in the order they appear there."""
    try:
        namespace = dict(vars(module))
    except TypeError:  # an object standing in for a module in sys.modules, without a __dict__
        return []
    found: dict[int, MetaData] = {}
    for value in namespace.values():
        try:
            for metadata in _held_metadata(value):
                found.setdefault(id(metadata), metadata)
        except Exception:  # noqa: BLE001 - an object that fails even to be looked at is not a model holder
            continue
    return list(found.values())


def metadata_of(value: object) -> MetaData | None:
    """The MetaData of what --model module:attr names (the user asked for it: attribute access is fine)."""
    if isinstance(value, MetaData):
        return value
    if isinstance(value, Table):
        return value.metadata
    metadata = getattr(value, "metadata", None)  # declarative Base, registry, SQLModel
    return metadata if isinstance(metadata, MetaData) else None


def parse_model_spec(spec: str) -> tuple[str, str | None]:
    """`pkg.module[:attr]` -> (module, attr or None)."""
    module, _, attr = spec.partition(":")
    if not module or not all(part.isidentifier() for part in module.split(".")):
        raise UsageError("expected pkg.module or pkg.module:attribute", where=f"--model {spec}")
    return module, attr or None


def attribute(module: ModuleType, module_name: str, attr: str) -> MetaData:
    """The MetaData --model module:attr names, or UsageError saying why there is none."""
    value: object = module
    for part in attr.split("."):
        if not hasattr(value, part):
            raise UsageError(f"module {module_name} has no attribute {attr!r}", where=f"--model {module_name}:{attr}")
        value = getattr(value, part)
    metadata = metadata_of(value)
    if metadata is None:
        raise UsageError(
            f"{attr} is a {type(value).__name__}, not a MetaData, declarative Base, registry or Table",
            where=f"--model {module_name}:{attr}",
        )
    return metadata

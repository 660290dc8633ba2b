"""Plain option values without pydantic: strings, lists of strings and flags, as Typer would give them.

Typer 0.2x coerces every option's value through a pydantic `TypeAdapter` built on first use, `None`
defaults included. Our commands' options are strings, lists of strings and flags, whose values Click
already gives in that type, and for those the adapters return the value unchanged (a string as it is, a
list of the strings, a bool as it is). Importing pydantic and building them costs the child about 0.2 s
and 12 MB on every Atlas run, more than a 500-table model takes to render. So `install` lets Typer
build its coercion only when a value is not already of its type: a value that is passes through, as
the adapter would have returned it; anything else (another annotation, a parser, a value of another
type) goes to Typer's own coercion, unchanged. On a Typer without this machinery, nothing is done.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any, get_args, get_origin

_installed = False


def install() -> None:
    """Make Typer pass plain values through on the options of a string, a list of strings or a bool."""
    global _installed
    if _installed:
        return
    try:
        from typer import core
        from typer._coercion import RuntimeParam
    except ImportError:  # a Typer on Click's own types: no pydantic to spare
        return
    typer_build = getattr(core, "build_runtime_param", None)
    if typer_build is None or not callable(getattr(RuntimeParam, "coerce", None)):
        return
    build: Callable[[Any], Any] = typer_build

    class PlainRuntimeParam(RuntimeParam):  # type: ignore[misc]
        """A value of the option's type as it is; any other value by Typer's coercion, built when first needed."""

        def _coerce_value(self, value: Any, param: Any, ctx: Any) -> Any:
            plain = _plain(self.annotation, value)
            if plain is not _NOT_PLAIN:
                return plain
            typer_own = getattr(param, "_atlas_typer_runtime_param", None)
            if typer_own is None:
                typer_own = build(param.type_descriptor)
                param._atlas_typer_runtime_param = typer_own
            return typer_own._coerce_value(value, param=param, ctx=ctx)

    def build_runtime_param(descriptor: Any) -> Any:
        info = getattr(descriptor, "parameter_info", None)
        if (getattr(descriptor, "file_annotation", None) is None and info is not None
                and getattr(info, "parser", None) is None and _is_plain(getattr(descriptor, "annotation", None))):
            try:
                return PlainRuntimeParam(annotation=descriptor.annotation, parameter_info=info)
            except TypeError:  # a RuntimeParam with other fields
                pass
        return build(descriptor)

    core.build_runtime_param = build_runtime_param
    _installed = True


_NOT_PLAIN = object()


def _is_plain(annotation: object) -> bool:
    return annotation in (str, bool) or (get_origin(annotation) is list and get_args(annotation) == (str,))


def _plain(annotation: object, value: object) -> object:
    """`value` as Typer's adapter for `annotation` returns it, when it already is of that type."""
    if annotation is str and type(value) is str:
        return value
    if annotation is bool and type(value) is bool:
        return value
    if annotation is not str and annotation is not bool and isinstance(value, (list, tuple)) \
            and all(type(item) is str for item in value):
        return list(value)
    return _NOT_PLAIN

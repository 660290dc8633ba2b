"""The pipeline, as functions that return text and never print.

    load_model -> check_model -> select -> same_definitions -> review (defects, per target) -> adapt -> order
    -> build_statements -> to_text

`render_ddl` runs the whole of it for one dialect (script mode); `build_schema` runs everything after
loading, so a command that serves several targets (check, schema --out-dir) imports the model once.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from sqlalchemy import Table
from sqlalchemy.exc import InvalidRequestError

from .adapting import adapt
from .closure import Dependent
from .dialects import Adapter, TargetOptions, get_adapter, known_dialects
from .duplicates import same_definitions, same_named_types
from .errors import EmptySchemaError, ModelError, UnsupportedError
from .loading import Model, Origin, load_model
from .losses import LossReport
from .ordering import order_tables
from .rendering import build_statements, position_lines, to_text
from .selection import LAKE, Selection, check_info, select
from .validation import Defect, review


@dataclass
class Schema:
    """One target's schema: the DDL text and what was left out on the way."""

    adapter: Adapter
    text: str
    losses: LossReport
    selection: Selection
    tables: list[Table]  # as the target gets them, in execution order
    skipped: list[Defect] = field(default_factory=list)  # model defects left out (--skip-defects)
    notes: list[str] = field(default_factory=list)  # warnings about the model's defects, one line each
    statements: list[str] = field(default_factory=list)  # the text's statements, in order, without terminators
    dependents: list[Dependent] = field(default_factory=list)  # what went with what was left out (closure.py)

    @property
    def dialect(self) -> str:
        return self.adapter.name


def target_names() -> set[str]:
    """Every name a model may use in info['atlas'] targets/exclude."""
    return {"app", LAKE, *known_dialects()}


def check_model(model: Model) -> None:
    """Check the model once: its info['atlas'] entries. Defects are judged per target, by `build_schema`."""
    names = target_names()
    for table in model.tables:
        where = model.where(table)
        check_info(table, where, names)
        for item in [*table.columns, *table.indexes, *table.constraints]:
            check_info(item, where, names)


def build_schema(
    model: Model,
    dialect: str | Adapter,
    options: TargetOptions | None = None,
    *,
    allow_empty: bool = False,
    strict: bool = False,
    skip_defects: bool = False,
    allow_loss: bool = False,
) -> Schema:
    """Select, judge the defects of, adapt, order and render `model` for one dialect.

    A model defect this target's database rejects is a ModelError, or with `skip_defects` left out (listed in
    `Schema.skipped`, one line each in `Schema.notes`). Losses that weaken integrity on an application target
    fail unless `allow_loss` (losses.py); `strict` fails on any loss. Raises ProviderError subclasses.
    """
    adapter = dialect if isinstance(dialect, Adapter) else get_adapter(dialect, options)
    report = LossReport(adapter.name, enforcing=adapter.role != LAKE)
    where = {t.fullname: model.where(t) for t in model.tables}
    selection = select(model.tables, adapter.target, where)
    if not selection.tables and not allow_empty:
        found = f"{len(model.tables)} tables in the model, none for this target" if model.tables else "no tables found"
        raise EmptySchemaError(
            f"{found}; refusing to print an empty schema, which Atlas would apply by dropping every table "
            "(pass --allow-empty if that is really wanted)",
            where=adapter.name,
        )
    selection, duplicates = same_definitions(model, selection, adapter)
    judged = review(model, selection, adapter, skip_defects=skip_defects)
    selection = judged.selection
    same_named_types(model, selection.tables, adapter)
    for dependent in judged.dependents:  # what went with what was left out (closure.py)
        if not dependent.moot:
            report.add(dependent.kind, dependent.subject, dependent.cause)
    try:
        tables = adapt(selection, adapter, report)
    except InvalidRequestError as error:  # e.g. two schemas' tables collide once schemas are flattened
        raise ModelError(str(error).splitlines()[0], where=adapter.name) from error
    adapter.audit(tables, report)
    order = order_tables(tables, can_alter=adapter.supports_foreign_keys and _can_alter(adapter),
                         schema_key=adapter.schema_key)
    statements = build_statements(order, adapter, report, create_schemas=adapter.options.create_schemas)
    if strict and report:
        losses = LossReport(adapter.name, report.losses).lines()
        raise UnsupportedError("; ".join(line.split(": ", 1)[1] for line in losses), dialect=adapter.name)
    if report.blocking() and not allow_loss:
        raise UnsupportedError(report.error_message(), dialect=adapter.name)
    origins: dict[str, Origin] = {}
    for original, adapted in zip(selection.tables, tables):
        origin = model.origin(original)
        if origin is not None:
            origins[adapted.fullname] = origin
    ordered = [table for table, _ in order.tables]
    text = to_text(statements, position_lines(ordered, origins))
    return Schema(adapter, text, report, selection, ordered, judged.skipped, [*duplicates, *judged.notes],
                  [s.sql for s in statements], judged.dependents)


def _can_alter(adapter: Adapter) -> bool:
    return bool(getattr(adapter.dialect, "supports_alter", True))


def render_ddl(
    paths: Sequence[str | Path] = (),
    models: Sequence[str] = (),
    dialect: str = "postgresql",
    *,
    exclude: Sequence[str] = (),
    include: Sequence[str] = (),
    allow_empty: bool = False,
    strict: bool = False,
    skip_defects: bool = False,
    allow_loss: bool = False,
    create_schemas: bool | None = None,
    settings: Mapping[str, Any] | None = None,
    cwd: str | Path | None = None,
) -> str:
    """The DDL for `dialect` of the models under `paths` and/or `models` (``pkg.module:attr``), as text.

    Raises a `ProviderError` subclass on any failure; never prints. Example::

        ddl = render_ddl(["app"], dialect="postgresql")
    """
    adapter = get_adapter(dialect, TargetOptions(create_schemas=create_schemas, settings=dict(settings or {})))
    model = load_model(paths, models, exclude=exclude, include=include, cwd=cwd)
    check_model(model)
    return build_schema(model, adapter, allow_empty=allow_empty, strict=strict, skip_defects=skip_defects,
                        allow_loss=allow_loss).text

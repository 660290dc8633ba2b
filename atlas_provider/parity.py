"""The parity report: every model table and column against each target, and where they drift apart.

Each (table or column, target) pair gets one `Row` with a status:

    present   the target gets it with the type the model declares: the same facts (see typefacts.py),
              or more of them (more digits, a longer or unbounded length)
    adapted   the target gets it in another type or form (JSON as String, an enum as LowCardinality(String),
              a naive DateTime64(3) for an aware timestamp); whether values change is the drift flag
    excluded  the model leaves it out of this target on purpose (info['atlas'] targets/exclude, or a
              Column(system=True), which no CREATE TABLE contains)
    dropped   the target left it out although the model did not exclude it
    added     the target has a column the model does not declare (ClickHouse CDC version columns)

Drift is what makes `check` fail: a table or column `dropped` (kind `missing`: only an exclusion clears
it), or an adaptation that changes values. Those are found by `RULES` on the model's and the target's type
facts, by `COMPATIBLE` (a family stored as another family that cannot hold its values is kind `values`) and
by the column's nullability (NULL allowed by the model, not by the target: kind `values`). The model accepts
a kind with info={"atlas": {"accept": [kind]}} on the column or on its table. The report is built from
`Schema` objects and never prints.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from functools import cached_property
from typing import NamedTuple

from sqlalchemy import Column, Table

from .api import Schema
from .loading import Model
from .losses import Loss, Rewrite
from .selection import accepted
from .typefacts import TEMPORAL, Facts, model_facts, short_name, target_facts
from .validation import Defect

PRESENT, ADAPTED, EXCLUDED, DROPPED, ADDED = "present", "adapted", "excluded", "dropped", "added"
MISSING = "missing"  # the drift kind of a dropped table or column: only an exclusion clears it


class Finding(NamedTuple):
    """An adaptation that changes values: its kind (what info['atlas']['accept'] names) and what changes."""

    kind: str
    detail: str

    def __str__(self) -> str:
        return f"{self.kind}: {self.detail}"


@dataclass(frozen=True)
class Row:
    """One table (`column` is "") or column on one target."""

    table: str
    column: str
    target: str
    status: str
    type: str = ""  # the type the target gives the column, as its DDL says
    model_type: str = ""
    drift: tuple[Finding, ...] = ()  # not accepted by the model
    accepted: tuple[Finding, ...] = ()  # accepted by the model
    note: str = ""
    model_nullable: bool | None = None  # columns: whether the model's column and the target's admit NULL
    target_nullable: bool | None = None
    model_facts: Facts | None = None
    target_facts: Facts | None = None
    losses: tuple[Loss, ...] = ()  # what the target's loss report says about this table or column
    layout: Mapping[str, str] = field(default_factory=dict)  # tables: the target's engine, keys, CDC profile


@dataclass
class ParityReport:
    """The rows of every target, in model order, and what each target could not express."""

    targets: list[str]
    rows: list[Row]
    losses: dict[str, list[Loss]] = field(default_factory=dict)
    rewrites: dict[str, list[Rewrite]] = field(default_factory=dict)  # model text printed in a stable form

    @property
    def drift(self) -> list[Row]:
        return [row for row in self.rows if row.drift]

    @property
    def ok(self) -> bool:
        return not self.drift

    def row(self, table: str, column: str, target: str) -> Row:
        """The row of `table.column` (or of the table, with column "") on `target`; KeyError if none."""
        return self._index[(table, column, target)]

    @cached_property
    def _index(self) -> dict[tuple[str, str, str], Row]:
        return {(row.table, row.column, row.target): row for row in self.rows}

    def summary(self) -> str:
        """One line: `2 drifts: orders.placed_at on clickhouse (timezone), ...` or `no drift`."""
        drift = self.drift
        if not drift:
            return f"no drift across {', '.join(self.targets)}"
        shown = ", ".join(f"{_subject(r)} on {r.target} ({', '.join(d.kind for d in r.drift)})"
                          for r in drift[:5])
        more = f" and {len(drift) - 5} more" if len(drift) > 5 else ""
        return f"{len(drift)} drift{'s' if len(drift) > 1 else ''}: {shown}{more}"


def _subject(row: Row) -> str:
    return f"{row.table}.{row.column}" if row.column else row.table


# ---------------------------------------------------------------------------------------------
# the drift rules: (kind, model families it applies to, rule). A rule sees the model's facts and the
# target's and returns a detail when values change, else None. Kinds are what info['atlas']['accept'] names.

Rule = Callable[[Facts, Facts], "str | None"]


def _timezone(model: Facts, target: Facts) -> str | None:
    if model.timezone and target.family in TEMPORAL and not target.timezone:
        return "time zone aware -> naive"
    return None


def _fraction(model: Facts, target: Facts) -> str | None:
    if target.family in TEMPORAL and (target.precision or 0) < (model.precision or 0):
        return f"fractional seconds {model.precision} -> {target.precision or 0} digits"
    return None


def _decimal_text(facts: Facts) -> str:
    return "unbounded" if facts.precision is None else f"({facts.precision}, {facts.scale or 0})"


def _decimal_precision(model: Facts, target: Facts) -> str | None:
    if target.family != "decimal" or target.precision is None:
        return None
    if model.precision is None:
        return f"{_decimal_text(model)} -> {_decimal_text(target)}"
    integer_digits = (model.precision - (model.scale or 0), target.precision - (target.scale or 0))
    if target.precision < model.precision or integer_digits[1] < integer_digits[0]:
        return f"{_decimal_text(model)} -> {_decimal_text(target)}"
    return None


def _decimal_scale(model: Facts, target: Facts) -> str | None:
    if target.family != "decimal" or target.scale is None:
        return None
    if model.scale is None or target.scale < model.scale:
        return f"{'unbounded' if model.scale is None else model.scale} -> {target.scale} decimal places"
    return None


def _float_bits(model: Facts, target: Facts) -> str | None:
    if target.family == "float" and (target.precision or 0) < (model.precision or 0):
        return f"{model.precision} -> {target.precision} mantissa bits"
    return None


def _integer_width(model: Facts, target: Facts) -> str | None:
    if target.family != "integer":
        return None
    if (target.width or 0) < (model.width or 0):
        return f"{model.width} -> {target.width} bits"
    if model.signed and not target.signed:
        return "signed -> unsigned"
    return None


def _needed_length(model: Facts) -> int | None:
    """The length a string target needs for every value of the model's type (a UUID as 32 hex digits)."""
    if model.values:
        return max(len(v) for v in model.values)
    return {"uuid": 32}.get(model.family, model.width)


def _length(model: Facts, target: Facts) -> str | None:
    if target.family not in ("string", "binary") or target.width is None:
        return None
    needed = _needed_length(model)
    if needed is None and model.family in ("string", "binary", "json"):
        return f"unbounded -> {target.width} characters"
    if needed is not None and target.width < needed:
        return f"{needed} -> {target.width} characters"
    return None


def _labels(model: Facts, target: Facts) -> str | None:
    if target.family != "enum" or not model.values:
        return None
    missing = [v for v in model.values if v not in target.values]
    return f"enum values missing: {', '.join(missing)}" if missing else None


RULES: list[tuple[str, frozenset[str], Rule]] = [
    ("timezone", TEMPORAL, _timezone),
    ("precision", TEMPORAL, _fraction),
    ("precision", frozenset({"decimal"}), _decimal_precision),
    ("scale", frozenset({"decimal"}), _decimal_scale),
    ("precision", frozenset({"float"}), _float_bits),
    ("width", frozenset({"integer"}), _integer_width),
    ("width", frozenset({"string", "binary", "enum", "uuid", "json"}), _length),
    ("values", frozenset({"enum", "string"}), _labels),
]

# Other families a target may store a model family in without changing its values (checked by RULES).
COMPATIBLE: dict[str, frozenset[str]] = {
    "json": frozenset({"string"}),
    "enum": frozenset({"string"}),
    "string": frozenset({"enum"}),  # only a non-native enum (the labels are checked)
    "uuid": frozenset({"string", "binary"}),
    "binary": frozenset({"string"}),  # ClickHouse's String holds any bytes
    "boolean": frozenset({"integer"}),
    "date": frozenset({"datetime"}),
    "time": frozenset({"datetime", "string"}),  # ISO text where the target has no time of day
    "interval": frozenset({"datetime", "string"}),  # SQLAlchemy's emulation (epoch + interval), or text
    "decimal": frozenset({"string"}),  # its exact text, where the target's decimals are too narrow
}


def compare(model: Facts, target: Facts) -> tuple[bool, list[tuple[str, str]], str]:
    """(adapted, [(kind, detail)], note) for a model type stored as `target`.

    Adapted means another family or representation. A target type of the same family that holds at
    least the model's values (more digits, a longer or unbounded length) is the model's type itself.
    """
    if "other" in (model.family, target.family):
        if model.family == target.family and model.name == target.name:
            return False, [], ""
        return True, [], f"{model.name or model.family} stored as {target.name or target.family}: not compared"
    if model.family != target.family:
        compatible = target.family in COMPATIBLE.get(model.family, frozenset())
        if model.family == "string" and target.family == "enum" and not model.values:
            compatible = False
        if not compatible:
            return True, [("values", f"{model.family} stored as {target.family}")], ""
    findings = [(kind, detail) for kind, families, rule in RULES
                if model.family in families and (detail := rule(model, target)) is not None]
    return bool(model.family != target.family or target.wrapper or findings), findings, ""


# ---------------------------------------------------------------------------------------------
# building the report

def build_report(model: Model, schemas: Sequence[Schema]) -> ParityReport:
    """The parity of `model` across the targets of `schemas` (one per dialect, from `api.build_schema`)."""
    targets = [_Target(schema) for schema in schemas]
    rows: list[Row] = []
    for table in model.tables:
        per_target = [(target, target.adapted(table)) for target in targets]
        rows += [_table_row(table, target, adapted) for target, adapted in per_target]
        for column in table.columns:
            rows += [_column_row(table, column, target, adapted) for target, adapted in per_target]
        known = {c.name for c in table.columns}
        for target, adapted in per_target:
            for extra in adapted.columns if adapted is not None else ():
                if extra.name not in known:
                    text = target.schema.adapter.column_type(extra)
                    read = target_facts(target.dialect, text, extra.type, target.schema.adapter.dialect)
                    rows.append(Row(table.fullname, extra.name, target.dialect, ADDED, text,
                                    target_nullable=extra.nullable if read.nullable is None else read.nullable,
                                    target_facts=read.facts))
    losses = {schema.dialect: sorted({*schema.losses.losses, *map(_skipped, schema.skipped)}) for schema in schemas}
    rewrites = {schema.dialect: sorted(schema.losses.rewrites) for schema in schemas if schema.losses.rewrites}
    return ParityReport([schema.dialect for schema in schemas], rows, losses, rewrites)


def _skipped(defect: Defect) -> Loss:
    """A model defect --skip-defects left out of a target, as the report lists what a target lacks."""
    return Loss("model defect", defect.subject, defect.problem)


class _Target:
    """One schema, indexed for lookups by table."""

    def __init__(self, schema: Schema) -> None:
        self.schema = schema
        self.dialect = schema.dialect
        self._by_fullname = {t.fullname: t for t in schema.tables}
        self._by_name: dict[str, list[Table]] = defaultdict(list)
        for table in schema.tables:
            self._by_name[table.name].append(table)
        self._excluded = {id(t) for t in schema.selection.excluded_tables}
        self._reasons: dict[str, set[str]] = defaultdict(set)
        for loss in schema.losses.losses:
            self._reasons[loss.subject].add(loss.reason or loss.kind)
        self._losses = sorted(set(schema.losses.losses))

    def losses_of(self, table: Table, column: str = "") -> tuple[Loss, ...]:
        """The loss lines about a column (`t.c`, or a foreign key `t.c -> ...`) or, with no column, about the
        table's other items (`t(a, b)`, `t.ix_name`, `t.ck_name`)."""
        name = table.fullname
        columns = {c.name for c in table.columns}

        def column_of(subject: str) -> str | None:
            rest = subject[len(name) + 1:] if subject.startswith(f"{name}.") else ""
            head = rest.split(" ", 1)[0]
            return head if head in columns else None

        if column:
            return tuple(loss for loss in self._losses if column_of(loss.subject) == column)
        return tuple(loss for loss in self._losses if loss.subject == name or (
            loss.subject.startswith((f"{name}.", f"{name}(")) and column_of(loss.subject) is None))

    def layout(self, adapted: Table) -> dict[str, str]:
        """How the target stores the table: the adapter's own description (ClickHouse: engine, keys,
        partition, CDC profile), else its primary key."""
        describe = getattr(self.schema.adapter, "table_layout", None)
        if describe is not None:
            return dict(describe(adapted))
        key = ", ".join(c.name for c in adapted.primary_key.columns)
        return {"primary_key": key} if key else {}

    def adapted(self, table: Table) -> Table | None:
        """The target's copy of `table`, or None. Targets without schemas (SQLite) rename
        `analytics.daily_sales` to `daily_sales`, so a unique bare name matches too."""
        if not self.schema.selection.includes(table):
            return None
        found = self._by_fullname.get(table.fullname)
        if found is None and len(same_name := self._by_name.get(table.name, [])) == 1:
            found = same_name[0]
        return found

    def excluded(self, table: Table) -> bool:
        return id(table) in self._excluded

    def why_missing(self, subject: str, default: str) -> str:
        """The target's own reason for leaving `subject` out (its loss report), or `default`."""
        return "; ".join(sorted(self._reasons.get(subject, ()))) or default


def _table_row(table: Table, target: _Target, adapted: Table | None) -> Row:
    if adapted is not None:
        return Row(table.fullname, "", target.dialect, PRESENT, losses=target.losses_of(table),
                   layout=target.layout(adapted))
    if target.excluded(table):
        return Row(table.fullname, "", target.dialect, EXCLUDED)
    why = target.why_missing(table.fullname, "left out without an exclusion")
    return Row(table.fullname, "", target.dialect, DROPPED, drift=(Finding(MISSING, why),))


def _column_row(table: Table, column: Column, target: _Target, adapted: Table | None) -> Row:
    schema = target.schema
    base = Row(table.fullname, column.name, target.dialect, EXCLUDED, model_type=short_name(column.type),
               model_nullable=bool(column.nullable), model_facts=model_facts(column.type))
    if adapted is None:
        if target.excluded(table):
            return base
        return replace(base, status=DROPPED, drift=(Finding(MISSING, "the table is left out"),))
    if column.name in schema.selection.excluded_columns.get(table.fullname, ()):
        return base
    if column.system:  # Column(system=True), e.g. PostgreSQL's xmin: declared so, never created
        return replace(base, note="system column: not created by DDL")
    target_column = adapted.columns.get(column.key)
    if target_column is None or target_column.name != column.name:
        target_column = next((c for c in adapted.columns if c.name == column.name), None)
    if target_column is None:
        why = target.why_missing(f"{table.fullname}.{column.name}", "left out without an exclusion")
        return replace(base, status=DROPPED, drift=(Finding(MISSING, why),),
                       losses=target.losses_of(table, column.name))
    text = schema.adapter.column_type(target_column)
    read = target_facts(target.dialect, text, target_column.type, schema.adapter.dialect)
    changed, findings, note = compare(model_facts(column.type), read.facts)
    # ClickHouse's type says it (Nullable(...)); elsewhere the column's NULL / NOT NULL does
    nullable = bool(target_column.nullable if read.nullable is None else read.nullable)
    if column.nullable and not nullable:
        findings.append(("values", "NULL -> not nullable"))
    ok = accepted(column) | accepted(table)
    return replace(
        base,
        status=ADAPTED if changed or findings else PRESENT,
        type=text,
        drift=tuple(Finding(kind, detail) for kind, detail in findings if kind not in ok),
        accepted=tuple(Finding(kind, detail) for kind, detail in findings if kind in ok),
        note=note,
        target_nullable=nullable,
        target_facts=read.facts,
        losses=target.losses_of(table, column.name),
    )

"""The SQLAlchemy dialect (SQLAlchemy has none for ClickHouse): an identifier preparer, a statement compiler
for expressions and literals, and a DDL compiler that writes ClickHouse's column and table clauses. It never
connects. https://clickhouse.com/docs/en/sql-reference/statements/create/table
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Column, Index, Table
from sqlalchemy import types as sqltypes
from sqlalchemy.engine.default import DefaultDialect
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import DefaultClause
from sqlalchemy.sql import compiler
from sqlalchemy.sql.elements import ClauseElement

from ..base import index_key
from .defaults import NUMBER, ColumnDefault, as_expression, server_default_expression
from .cdc import replica_identity
from .engines import Engine, TableSpec, table_spec
from .info import IDENTIFIER, clickhouse_info, passed_option
from .settings import ClickHouseSettings
from .types import ClickHouseTypeCompiler, is_native


# Keywords that must be quoted as names (ClickHouse's are not reserved, but some confuse its parser; an unquoted
# `projection` column starts a projection inside CREATE TABLE on 23.10 and 26.9).
# https://clickhouse.com/docs/en/sql-reference/syntax#keywords
RESERVED_WORDS = compiler.RESERVED_WORDS | {
    "alias", "any", "array", "asof", "codec", "comment", "database", "engine", "final", "format", "global",
    "ilike", "index", "interval", "key", "limit", "materialized", "offset", "partition", "prewhere", "sample",
    "settings", "ttl", "inf", "nan", "projection",
}



class ClickHouseIdentifierPreparer(compiler.IdentifierPreparer):
    reserved_words = RESERVED_WORDS
    legal_characters = re.compile(r"^[A-Z0-9_]+$", re.I)

    def __init__(self, dialect: Dialect) -> None:
        # Backticks are ClickHouse's own quotes (double quotes work too).
        super().__init__(dialect, initial_quote="`", escape_quote="`")

    def _escape_identifier(self, value: str) -> str:
        """Inside backticks ClickHouse reads backslash escapes (`raw\\table` would be `raw<TAB>able`), so a
        backslash is doubled; a backtick is doubled too, which ClickHouse and Atlas's scanner both read as one
        (a backslash-escaped one would end the identifier for a scanner that does not read escapes). Checked
        on ClickHouse 23.10 and 26.9 against system.tables and system.columns. Control characters never get
        here: rendering refuses them in every name.
        https://clickhouse.com/docs/en/sql-reference/syntax#identifiers"""
        return value.replace("\\", "\\\\").replace("`", "``")

    def _unescape_identifier(self, value: str) -> str:
        return value.replace("``", "`").replace("\\\\", "\\")


class ClickHouseCompiler(compiler.SQLCompiler):
    def render_literal_value(self, value: Any, type_: sqltypes.TypeEngine[Any]) -> str:
        # A backslash starts an escape in ClickHouse strings ('a\b' is not three characters); a raw NUL byte
        # ends the query for ClickHouse 23.10's parser (live check; 26.9 reads it), so it is written `\0`.
        # https://clickhouse.com/docs/en/sql-reference/syntax#string
        return super().render_literal_value(value, type_).replace("\\", "\\\\").replace("\x00", "\\0")

    def visit_now_func(self, fn: Any, **kw: Any) -> str:
        return "now()"


class ClickHouseDDLCompiler(compiler.DDLCompiler):
    dialect: ClickHouseDialect

    # ---- statements ----

    def visit_create_schema(self, create: Any, **kw: Any) -> str:
        """A ClickHouse schema is a database."""
        text = "CREATE DATABASE "
        if create.if_not_exists:
            text += "IF NOT EXISTS "
        return text + self.preparer.format_schema(create.element) + self._on_cluster()

    def create_table_suffix(self, table: Table) -> str:
        return self._on_cluster().strip()

    def _on_cluster(self) -> str:
        cluster = self.dialect.settings.cluster
        if not cluster:
            return ""
        # '{cluster}' is a macro the server expands; it must be a string literal.
        name = self.preparer.quote(cluster) if IDENTIFIER.fullmatch(cluster) else self._string(cluster)
        return f" ON CLUSTER {name}"

    # ---- columns ----

    def visit_create_column(self, create: Any, first_pk: bool = False, **kw: Any) -> str | None:
        column = create.element
        if column.system:
            return None
        # Column-level CHECK constraints are written at table level: ClickHouse has no inline form.
        return self.get_column_specification(column)

    def get_column_specification(self, column: Column[Any], **kw: Any) -> str:
        """`name Type [DEFAULT|MATERIALIZED|ALIAS expr] [COMMENT '...'] [CODEC(...)]`, in ClickHouse's order."""
        parts = [self.preparer.format_column(column), self.column_type(column)]
        default = self.column_default(column)
        if default is not None:
            parts += [default.keyword, self._sql(default.expression)]
        if column.comment:
            parts += ["COMMENT", self._string(column.comment)]
        codec = clickhouse_info(column).get("codec") or passed_option(column, "codec")
        if codec:
            parts.append(f"CODEC({', '.join(codec) if isinstance(codec, (list, tuple)) else codec})")
        return " ".join(parts)

    def column_type(self, column: Column[Any]) -> str:
        """The column's ClickHouse type: Nullable(T) when nullable (key columns too, with allow_nullable_key);
        LowCardinality around it when asked (or for enums); exactly `info['clickhouse']['type']` when given."""
        info = clickhouse_info(column)
        if info.get("type"):
            return str(info["type"])
        types = self.dialect.type_compiler_instance
        options = {key: info[key] for key in ("timezone", "nullable_elements") if key in info}
        inner = types.process(column.type, profile=self.profile(column), **options)
        if is_native(types.resolve(column.type)):
            return inner
        if column.nullable and self.lost_nullability(column) is None:
            inner = f"Nullable({inner})"
        low = clickhouse_info(column).get("low_cardinality")
        if low is None:
            low = types.is_low_cardinality(column.type)
        if low and not types.is_native_enum(column.type):  # an Enum8 is already one byte per value
            inner = f"LowCardinality({inner})"
        return inner

    def lost_nullability(self, column: Column[Any]) -> str | None:
        """Why a nullable column cannot be Nullable here, or None when it can (or is not nullable)."""
        if not column.nullable or clickhouse_info(column).get("type"):
            return None
        types = self.dialect.type_compiler_instance
        if is_native(types.resolve(column.type)):
            return None
        if not types.can_be_nullable(column.type, self.profile(column)):
            return "ClickHouse cannot make arrays, maps or JSON objects Nullable"
        return None

    def profile(self, column: Column[Any]) -> str:
        """The pipeline profile that writes the column's table (its CDC tool, else the `cdc_tool` setting):
        PostgreSQL-only types get the column that tool creates (pgtypes.py)."""
        table = column.table if isinstance(getattr(column, "table", None), Table) else None
        cdc = self.table_spec(table).cdc if table is not None else None
        return cdc.tool if cdc is not None else self.dialect.settings.cdc_tool

    def column_default(self, column: Column[Any]) -> ColumnDefault | None:
        info_default = clickhouse_info(column).get("default")
        if info_default is not None:
            return ColumnDefault("DEFAULT", as_expression(info_default))
        if column.computed is not None:
            # STORED -> MATERIALIZED (computed on insert), VIRTUAL -> ALIAS (computed on read).
            keyword = "ALIAS" if column.computed.persisted is False else "MATERIALIZED"
            return ColumnDefault(keyword, column.computed.sqltext)
        for keyword in ("materialized", "alias"):  # clickhouse-sqlalchemy's column options
            value = passed_option(column, keyword)
            if value is not None:
                return ColumnDefault(keyword.upper(), as_expression(value))
        expression = server_default_expression(column, self.dialect.type_compiler_instance)
        return ColumnDefault("DEFAULT", expression) if expression is not None else None

    def lost_default(self, column: Column[Any]) -> bool:
        return isinstance(column.server_default, DefaultClause) and self.column_default(column) is None

    # ---- table clauses ----

    def table_spec(self, table: Table) -> TableSpec:
        """`table_spec()` once per table and compiler (a column asks for its table's keys)."""
        specs: dict[Table, TableSpec] | None = getattr(self, "_specs", None)
        if specs is None:
            specs = self._specs = {}
        if table not in specs:
            specs[table] = table_spec(table, self.dialect.settings)
        return specs[table]

    def create_table_constraints(self, table: Table, _include_foreign_key_constraints: Any = None,
                                 **kw: Any) -> str:
        """CHECK constraints (named: ClickHouse requires it) and data-skipping indexes. Primary, unique and
        foreign keys are not written: the sorting key replaces the first, the adapter reports the others."""
        clauses: list[str] = []
        checks = [c for c in table._sorted_constraints if isinstance(c, CheckConstraint)]
        checks += [c for column in table.columns for c in sorted(column.constraints, key=lambda c: str(c.sqltext))
                   if isinstance(c, CheckConstraint)]
        for number, check in enumerate(checks, 1):
            if not check._should_create_for_compiler(self):
                continue
            name = self.preparer.format_constraint(check) if check.name is not None else None
            name = name or self.preparer.quote(f"ck_{table.name}_{number}")
            clauses.append(f"CONSTRAINT {name} {self.define_check_body(check)}")
        for index in sorted(skipping_indexes(table), key=index_key):
            info = clickhouse_info(index)
            expressions = [self._sql(e) for e in index.expressions]
            expression = expressions[0] if len(expressions) == 1 else f"({', '.join(expressions)})"
            clauses.append(f"INDEX {self._prepared_index_name(index)} {expression} TYPE {info['type']} "
                           f"GRANULARITY {int(info.get('granularity', 1))}")
        return ", \n\t".join(clauses)

    def table_layout(self, table: Table) -> dict[str, str]:
        """The clauses post_create_table writes, clause by clause (see ClickHouseAdapter.table_layout)."""
        spec = self.table_spec(table)
        layout = {"engine": self._engine(spec.engine)}
        if spec.engine.merge_tree:
            layout["order_by"] = self._key(spec.order_by)
            layout["primary_key"] = self._key(spec.primary_key) if spec.primary_key is not None else layout["order_by"]
        if spec.partition_by is not None:
            layout["partition_by"] = self._key(spec.partition_by)
        settings = self._table_settings(table, spec)
        if settings:
            layout["settings"] = ", ".join(f"{k} = {self._setting(v)}" for k, v in settings.items())
        if spec.cdc is not None:
            layout["cdc"] = f"{spec.cdc.tool}: {', '.join(c.name for c in spec.cdc.columns)}"
        needed = replica_identity(table, spec)
        if needed is not None:
            layout["replica_identity"] = needed
        return layout

    def _table_settings(self, table: Table, spec: TableSpec) -> dict[str, Any]:
        settings = dict(spec.settings)
        if "allow_nullable_key" not in settings and self._nullable_key(table, spec):
            # Without it ClickHouse refuses a Nullable key column; stripping Nullable would turn NULL into ''/0.
            # https://clickhouse.com/docs/en/operations/settings/merge-tree-settings#allow_nullable_key
            settings["allow_nullable_key"] = True
        return settings

    def post_create_table(self, table: Table) -> str:
        spec = self.table_spec(table)
        lines = [f"ENGINE = {self._engine(spec.engine)}"]
        if spec.partition_by is not None:
            lines.append(f"PARTITION BY {self._key(spec.partition_by)}")
        if spec.primary_key is not None:
            lines.append(f"PRIMARY KEY {self._key(spec.primary_key)}")
        if spec.engine.merge_tree:
            lines.append(f"ORDER BY {self._key(spec.order_by)}")
        if spec.ttl:
            lines.append(f"TTL {', '.join(self._sql(t) for t in spec.ttl)}")
        settings = self._table_settings(table, spec)
        if settings:
            lines.append("SETTINGS " + ", ".join(f"{k} = {self._setting(v)}" for k, v in settings.items()))
        if table.comment:
            lines.append(f"COMMENT {self._string(table.comment)}")
        return "\n" + "\n".join(lines)

    def _nullable_key(self, table: Table, spec: TableSpec) -> bool:
        return any(self.column_type(table.columns[name]).startswith(("Nullable(", "LowCardinality(Nullable("))
                   for name in sorted(spec.key_columns))

    def _engine(self, engine: Engine) -> str:
        settings = self.dialect.settings
        args = list(engine.args) if engine.args is not None else None
        name = engine.name
        if settings.cluster and engine.merge_tree and not engine.replicated:
            # https://clickhouse.com/docs/en/engines/table-engines/mergetree-family/replication
            name = f"Replicated{name}"
            args = [sa.literal(settings.replication_path), sa.literal(settings.replica_name), *(args or [])]
        if args is None:
            return name
        return f"{name}({', '.join(self._sql(a) for a in args)})"

    def _key(self, items: Sequence[ClauseElement]) -> str:
        if not items:
            return "tuple()"
        if len(items) == 1:
            return self._sql(items[0])
        return f"({', '.join(self._sql(i) for i in items)})"

    def _setting(self, value: Any) -> str:
        if isinstance(value, bool):
            return "1" if value else "0"
        if isinstance(value, (int, float)) or (isinstance(value, str) and NUMBER.fullmatch(value.strip())):
            return str(value).strip()
        return self._string(str(value))

    def _sql(self, expression: ClauseElement) -> str:
        return str(self.sql_compiler.process(expression, include_table=False, literal_binds=True))

    def _string(self, value: str) -> str:
        return self.sql_compiler.render_literal_value(value, sqltypes.String())


class ClickHouseDialect(DefaultDialect):
    """Compiles DDL for ClickHouse; never connects."""

    name = "clickhouse"
    statement_compiler = ClickHouseCompiler
    ddl_compiler = ClickHouseDDLCompiler
    type_compiler_cls = ClickHouseTypeCompiler
    preparer = ClickHouseIdentifierPreparer
    supports_alter = True
    supports_comments = True
    inline_comments = True
    supports_native_boolean = True
    supports_native_enum = False
    supports_sequences = False
    supports_identity_columns = False
    supports_statement_cache = False
    max_identifier_length = 255

    def __init__(self, settings: ClickHouseSettings | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.settings = settings or ClickHouseSettings()


def skipping_indexes(table: Table) -> list[Index]:
    """Indexes declared as ClickHouse data-skipping indexes: info={"clickhouse": {"type": "minmax", ...}}."""
    return [index for index in table.indexes if clickhouse_info(index).get("type")]



"""The ClickHouse adapter: adds the CDC columns to its private copy of each table and reports what
ClickHouse cannot express (foreign keys, uniqueness, generated keys, secondary indexes without a data-skipping
type, server defaults it does not understand)."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

import sqlalchemy as sa
from sqlalchemy import CheckConstraint, Column, ForeignKeyConstraint, Table, UniqueConstraint
from sqlalchemy.engine.interfaces import Dialect
from sqlalchemy.schema import ExecutableDDLElement, Sequence as SequenceDefault

from ...losses import CDC_RISK, LossReport
from ...selection import LAKE
from ..base import Adapter, index_key
from .compiler import ClickHouseDDLCompiler, ClickHouseDialect, skipping_indexes
from .cdc import judge_cdc
from .engines import engine_info, table_spec
from .info import check_info, clickhouse_info
from .settings import ClickHouseSettings
from .types import NativeType


class ClickHouseAdapter(Adapter):
    name = "clickhouse"
    default_schema = "default"  # the database every server has
    role = LAKE
    supports_foreign_keys = False
    always_copy = True
    # Data-skipping indexes live inside their table's definition.
    index_names_per_schema = False

    def __init__(self, options: Any = None) -> None:
        super().__init__(options)
        self.settings = ClickHouseSettings.from_mapping(self.options.settings)

    def create_dialect(self) -> Dialect:
        return ClickHouseDialect(self.settings)

    def carry_over(self, original: Table, copy: Table) -> None:
        """A clickhouse-sqlalchemy engine (`table.engine`) is not copied by `Table.to_metadata`; its clauses
        become the copy's info['clickhouse'] (the model's explicit info keys win)."""
        engine = getattr(original, "engine", None)
        if engine is None or type(engine).__module__.partition(".")[0] != "clickhouse_sqlalchemy":
            return
        translated = engine_info(engine, self.ddl_compiler._sql)
        copy.info = {**copy.info, "clickhouse": {**translated, **clickhouse_info(original)}}

    def adapt_table(self, table: Table, report: LossReport) -> None:
        """Check the info keys and the CDC rules (a certain loss under a declared pipeline is an error, a risk
        one warning), leave the CHECK constraints out, then add the CDC columns, which only the lake has."""
        check_info(table)
        spec = table_spec(table, self.settings)
        risk = judge_cdc(table, spec)
        if risk is not None:
            report.add(CDC_RISK, table.fullname, risk)
        if not (self.settings.keep_checks or clickhouse_info(table).get("keep_checks") is True):
            self._drop_checks(table, report)
        for meta in spec.cdc.columns if spec.cdc is not None else ():
            if meta.name not in table.columns:  # a column the model already has is used as it is
                default = sa.text(meta.default) if meta.default is not None else None
                table.append_column(Column(meta.name, NativeType(meta.type), nullable=False, server_default=default))

    def _drop_checks(self, table: Table, report: LossReport) -> None:
        """ClickHouse evaluates a CHECK on every insert: a NULL in a checked nullable column, a CDC delete row
        that carries only the key, or a function only the application database has rejects the whole batch,
        and the application database has already enforced the constraint."""
        owners: list[Table | Column[Any]] = [table, *table.columns]
        for owner in owners:
            for check in sorted((c for c in owner.constraints if isinstance(c, CheckConstraint)),
                                key=lambda c: str(c.sqltext)):
                owner.constraints.discard(check)
                if owner is not table:
                    table.constraints.discard(check)
                name = self.ddl_compiler.preparer.format_constraint(check) if check.name is not None else None
                report.add("check constraint", f"{table.fullname}.{name or check.sqltext}",
                           "ClickHouse checks every insert, CDC deletes and NULLs included, and the application "
                           "database enforces it; keep_checks keeps it")

    def audit(self, tables: list[Table], report: LossReport) -> None:
        compiler_: ClickHouseDDLCompiler = self.ddl_compiler
        types = compiler_.dialect.type_compiler_instance
        for table in tables:
            for fk in sorted(table.foreign_key_constraints, key=lambda f: [c.name for c in f.columns]):
                report.add("foreign key", _foreign_key_subject(fk), "ClickHouse has no foreign keys")
            for unique in sorted((c for c in table.constraints if isinstance(c, UniqueConstraint)),
                                 key=lambda c: [col.name for col in c.columns]):
                report.add("unique constraint", _columns_subject(table, unique.columns),
                           "ClickHouse enforces no uniqueness")
            generated = table.autoincrement_column
            for column in table.columns:
                subject = f"{table.fullname}.{column.name}"
                if column.identity is not None or column is generated or isinstance(column.default, SequenceDefault):
                    report.add("generated key", subject,
                               "ClickHouse generates no key values; the writer supplies them")
                if compiler_.lost_default(column):
                    report.add("server default", subject, "not a ClickHouse expression; give one with "
                               "info={'clickhouse': {'default': ...}}")
                reason = compiler_.lost_nullability(column)
                if reason:
                    report.add("Nullable type", subject, reason)
                if not clickhouse_info(column).get("type") and types.too_precise(column.type):
                    report.add("decimal precision", subject, "ClickHouse's Decimal holds at most 76 digits; stored "
                               "as String, exactly")
                adaptation = types.adaptation(column.type, compiler_.profile(column))
                if adaptation and not clickhouse_info(column).get("type"):
                    report.add("PostgreSQL type", subject, adaptation)
                if not clickhouse_info(column).get("type") and types.unmapped(column.type):
                    report.add("column type", subject, "no ClickHouse equivalent, stored as String; choose one with "
                               "info={'clickhouse': {'type': ...}}")
                if getattr(types.resolve(column.type), "collation", None):
                    report.add("collation", subject, "ClickHouse columns have no collation")

    def comment_elements(self, table: Table) -> list[ExecutableDDLElement]:
        return []  # inline: COMMENT '...' on columns and tables

    def index_elements(self, table: Table, report: LossReport) -> list[ExecutableDDLElement]:
        """ClickHouse has no CREATE INDEX for secondary indexes; data-skipping indexes are written inside
        CREATE TABLE, every other index is reported."""
        skipping = set(skipping_indexes(table))
        for index in sorted(table.indexes, key=index_key):
            subject = f"{table.fullname}.{index.name}"
            if index.unique:
                report.add("unique index", subject, "ClickHouse enforces no uniqueness")
            elif index not in skipping:
                report.add("index", subject, "ClickHouse has no secondary indexes; declare a data-skipping index "
                           "with info={'clickhouse': {'type': ...}}")
        return []

    def column_type(self, column: Any) -> str:
        return self.ddl_compiler.column_type(column)

    def table_layout(self, table: Table) -> dict[str, str]:
        """How the lake stores an adapted table, for the parity report: engine, keys, partition, settings and
        CDC profile (`peerdb: _peerdb_synced_at, _peerdb_is_deleted, _peerdb_version`)."""
        return self.ddl_compiler.table_layout(table)




def _foreign_key_subject(fk: ForeignKeyConstraint) -> str:
    local = ", ".join(c.name for c in fk.columns)
    remote = ", ".join(e.target_fullname.rsplit(".", 1)[1] for e in fk.elements)
    referred = fk.elements[0].target_fullname.rsplit(".", 1)[0]
    return f"{fk.table.fullname}.{local} -> {referred}.{remote}"


def _columns_subject(table: Table, columns: Iterable[Column[Any]]) -> str:
    names = [c.name for c in columns]
    return f"{table.fullname}.{names[0]}" if len(names) == 1 else f"{table.fullname}({', '.join(names)})"


__all__ = ["ClickHouseAdapter", "ClickHouseDialect", "ClickHouseSettings", "TableSpec", "table_spec"]

"""clickhouse_sqlalchemy.engines as the model sees it: table engines that attach themselves to their table
as `table.engine` (they are schema items in `__table_args__`, never constraints the table renders)."""

from __future__ import annotations

from typing import Any

from sqlalchemy import Column, Table, text
from sqlalchemy.sql.base import SchemaEventTarget


class KeysExpressionOrColumn:
    """A key clause: column names resolve to the table's columns once the engine is attached."""

    def __init__(self, *expressions: Any) -> None:
        self.expressions = list(expressions)

    def resolve(self, table: Table) -> None:
        self.expressions = [table.c[item] if isinstance(item, str) and item in table.c else
                            text(item) if isinstance(item, str) else item for item in self.expressions]

    def get_expressions_or_columns(self) -> list[Any]:
        return self.expressions


def _keys(value: Any) -> KeysExpressionOrColumn | None:
    if value is None:
        return None
    return KeysExpressionOrColumn(*(value if isinstance(value, (list, tuple)) else [value]))


class Engine(SchemaEventTarget):
    @property
    def name(self) -> str:
        return type(self).__name__

    def get_parameters(self) -> Any:
        return []

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        self.parent = parent
        parent.engine = self


class MergeTree(Engine):
    def __init__(self, partition_by: Any = None, order_by: Any = None, primary_key: Any = None,
                 sample_by: Any = None, ttl: Any = None, **settings: Any) -> None:
        self.partition_by = _keys(partition_by)
        self.order_by = _keys(order_by)
        self.primary_key = _keys(primary_key)
        self.sample_by = _keys(sample_by)
        self.ttl = _keys(ttl)
        self.settings = settings

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        super()._set_parent(parent, **kw)
        for clause in (self.partition_by, self.order_by, self.primary_key, self.sample_by, self.ttl):
            if clause is not None:
                clause.resolve(parent)


class AggregatingMergeTree(MergeTree):
    pass


class SummingMergeTree(MergeTree):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self.summing_cols = _keys(kwargs.pop("columns", None))
        super().__init__(*args, **kwargs)

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        super()._set_parent(parent, **kw)
        if self.summing_cols is not None:
            self.summing_cols.resolve(parent)

    def get_parameters(self) -> Any:
        if self.summing_cols is None:
            return None
        columns = self.summing_cols.get_expressions_or_columns()
        return [columns] if len(columns) > 1 else columns


class ReplacingMergeTree(MergeTree):
    def __init__(self, *args: Any, **kwargs: Any) -> None:
        version = kwargs.pop("version", None)
        super().__init__(*args, **kwargs)
        self.version_col = version

    def _set_parent(self, parent: Any, **kw: Any) -> None:
        super()._set_parent(parent, **kw)
        if isinstance(self.version_col, str):
            self.version_col = parent.c[self.version_col]

    def get_parameters(self) -> Column[Any] | None:
        return self.version_col


class Log(Engine):
    pass


class Memory(Engine):
    pass


__all__ = ["AggregatingMergeTree", "Engine", "Log", "Memory", "MergeTree", "ReplacingMergeTree", "SummingMergeTree"]

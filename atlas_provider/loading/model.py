"""What loading hands on: the model's tables and where each was defined."""

from __future__ import annotations

from dataclasses import dataclass, field

from sqlalchemy import Table


@dataclass(frozen=True)
class Origin:
    """Where a table was defined: a path relative to the working directory, and a line."""

    path: str
    line: int

    def __str__(self) -> str:
        return f"{self.path}:{self.line}"


@dataclass
class Model:
    """Everything the model declares: its tables (sorted by full name, one per name) and where each was
    defined; `others` holds the further definitions of a name defined more than once, with their places,
    which each target judges (duplicates.same_definitions)."""

    tables: list[Table]
    origins: dict[str, Origin] = field(default_factory=dict)
    others: dict[str, list[tuple[Table, Origin | None]]] = field(default_factory=dict)

    def origin(self, table: Table) -> Origin | None:
        """Where `table` was defined, when a user's (or an installed package's) line did it."""
        return self.origins.get(table.fullname)

    def where(self, table: Table) -> str:
        """`file:line (table)` for messages, or the table's name when its place is unknown."""
        origin = self.origin(table)
        return f"{origin} ({table.fullname})" if origin else table.fullname


def table_key(table: Table) -> tuple[str, str]:
    """The sort key used everywhere: schema (none first), then name."""
    return (table.schema or "", table.name)

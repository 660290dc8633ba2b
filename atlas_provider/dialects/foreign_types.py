"""A column type the target database cannot create: refused in one line, with the ways on.

A model written for PostgreSQL uses its own types (INET, CITEXT, HSTORE, ranges, PostGIS, pgvector). On
another database SQLAlchemy either cannot compile them at all ("can't render element of type INET") or, for
the third-party UserDefinedTypes, prints PostgreSQL's text (`HALFVEC(3)`, `geometry(POINT,4326)`) which the
database rejects. Both are caught before rendering, with the column named and the ways on: a variant for
this dialect, with the portable type a user would expect where SQLAlchemy has one, or leaving the column out
of this target.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from sqlalchemy import Column, Table
from sqlalchemy.exc import CompileError, UnsupportedCompilationError

from ..errors import ModelError

if TYPE_CHECKING:
    from .base import Adapter

# Visit name -> (portable SQLAlchemy type, what it keeps). `{collation}` is the adapter's case-insensitive one.
PORTABLE: dict[str, tuple[str, str]] = {
    "INET": ("sa.String(45)", "an address with its netmask fits 45 characters as text"),
    "CIDR": ("sa.String(49)", "a network as text"),
    "MACADDR": ("sa.String(17)", "the address as text"),
    "MACADDR8": ("sa.String(23)", "the address as text"),
    "CITEXT": ("sa.Text(collation={collation!r})", "text with a case-insensitive collation"),
    "HSTORE": ("sa.JSON()", "the pairs as a JSON object"),
    "JSONB": ("sa.JSON()", "the document as JSON"),
    "TSVECTOR": ("sa.Text()", "the vector's text; full-text search stays PostgreSQL's"),
    "MONEY": ("sa.Numeric(19, 2)", "the amount, without the currency formatting"),
    "OID": ("sa.BigInteger()", "the number"),
    "INTERVAL": ("sa.Interval()", "SQLAlchemy's portable interval"),
    "BIT": ("sa.String(n)", "the bits as 0/1 text"),
}


def refuse_foreign_types(adapter: Adapter, table: Table) -> None:
    """A ModelError for the first column whose type `adapter`'s database cannot create (a variant for the
    dialect is what SQLAlchemy compiles, so a declared variant passes)."""
    for column in table.columns:
        text = _rendered(adapter, column)
        if text is None or (text and adapter.rejects_type_text(text)):
            raise ModelError(_message(adapter, table, column, text), table=table.fullname)


def _rendered(adapter: Adapter, column: Column[Any]) -> str | None:
    """The column's type as the dialect writes it; None when the dialect has no rendering for the type at all.
    Another compile error (a VARCHAR without a length on MySQL) says more itself: rendering reports it."""
    try:
        return str(column.type.compile(dialect=adapter.dialect))
    except UnsupportedCompilationError:
        return None
    except CompileError:
        return ""


def _message(adapter: Adapter, table: Table, column: Column[Any], text: str | None) -> str:
    type_ = column.type
    origin = _origin(type_)
    name = _type_name(type_) if origin == "PostgreSQL" else type(type_).__name__
    dialect = adapter.name
    what = (f"{adapter.name} cannot create it" if text is None
            else f"SQLAlchemy writes it as {text}, which {adapter.name} rejects")
    visit = str(getattr(type_, "__visit_name__", "")).upper()
    portable = PORTABLE.get(visit)
    if portable is not None:
        spec = portable[0].format(collation=adapter.case_insensitive_collation)
        variant = f".with_variant({spec}, \"{dialect}\") ({portable[1]})"
    else:
        variant = f".with_variant(<a {dialect} type>, \"{dialect}\")"
    return (f"column {table.fullname}.{column.name} is {name}, a {origin} type; {what}. Declare {variant} on the "
            f"type, or leave the column out of this target (info={{\"atlas\": {{\"exclude\": [\"{dialect}\"]}}}})")


# Packages of PostgreSQL extension types (PostGIS, pgvector), recognised by module without importing them.
POSTGRESQL_PACKAGES = frozenset({"geoalchemy2", "pgvector"})


def _origin(type_: Any) -> str:
    """Whose type it is: `PostgreSQL` (its dialect or an extension package), another dialect's name, or `custom`."""
    module = type(type_).__module__
    if module.partition(".")[0] in POSTGRESQL_PACKAGES or module.startswith("sqlalchemy.dialects.postgresql"):
        return "PostgreSQL"
    if module.startswith("sqlalchemy.dialects."):
        return module.split(".")[2]
    return "generic" if module.startswith("sqlalchemy.") else "custom"


def _type_name(type_: Any) -> str:
    """The type as PostgreSQL writes it (INET, BIT(8), geometry(POINT,4326))."""
    from sqlalchemy.dialects import postgresql

    try:
        return str(type_.compile(dialect=postgresql.dialect()))
    except CompileError:
        return type(type_).__name__

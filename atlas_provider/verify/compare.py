"""Comparing a value as the app database holds it with the same value read back from the lake.

Only representation is normalised, never meaning: `Decimal('1.50')` and `"1.5"` are the same number, a
UTC instant and the same instant written with an offset are the same time, `true` and `1` the same
boolean, JSON texts with the same content (key order, spacing, `1.0` vs `1.00`) the same document. A
shifted instant, a rounded number, a lost microsecond, a NULL become 0, a truncated string are changes.
"""

from __future__ import annotations

import datetime as dt
import json
import re
import struct
import uuid
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

from .rows import ColumnPlan

_INTERVAL = re.compile(r"^(?:(?P<days>-?\d+) days? ?)?(?:(?P<sign>-)?(?P<h>\d+):(?P<m>\d\d):(?P<s>\d\d(?:\.\d+)?))?$")
EPOCH = dt.datetime(1970, 1, 1)


class Unreadable(ValueError):
    """A lake value that is not a value of the column's family at all (itself a change)."""


def _decimal(value: Any) -> Decimal:
    try:
        return Decimal(str(value))
    except InvalidOperation:
        raise Unreadable(value) from None


def _float(bits: int) -> Callable[[Any], float]:
    def read(value: Any) -> float:
        number = float(value)
        if bits <= 24:  # compare single-precision values as the float32 they are
            return float(struct.unpack("f", struct.pack("f", number))[0])
        return number
    return read


def _boolean(value: Any) -> bool:
    if isinstance(value, str):
        return value.strip().lower() in ("1", "true", "t")
    return bool(value)


def _datetime(value: Any) -> dt.datetime:
    """An instant as naive UTC: aware values are converted, naive ones are UTC wall time by convention."""
    if isinstance(value, str):
        value = dt.datetime.fromisoformat(value.replace(" ", "T"))
    if value.tzinfo is not None:
        value = value.astimezone(dt.timezone.utc).replace(tzinfo=None)
    return value


def _date(value: Any) -> dt.date:
    if isinstance(value, dt.datetime):
        return value.date()
    return value if isinstance(value, dt.date) else dt.date.fromisoformat(str(value)[:10])


def _time(value: Any) -> dt.time:
    return value if isinstance(value, dt.time) else dt.time.fromisoformat(str(value))


def _interval(value: Any) -> dt.timedelta:
    """A timedelta; PostgreSQL's interval text (`1 day 02:03:04.5`), or SQLAlchemy's emulation on other
    databases (the epoch plus the interval, as a datetime)."""
    if isinstance(value, dt.timedelta):
        return value
    if isinstance(value, dt.datetime):
        return value - EPOCH
    text = str(value).strip()
    found = _INTERVAL.match(text)
    if found and text:
        days = int(found.group("days") or 0)
        clock = dt.timedelta(hours=int(found.group("h") or 0), minutes=int(found.group("m") or 0),
                             seconds=float(found.group("s") or 0))
        return dt.timedelta(days=days) + (-clock if found.group("sign") else clock)
    try:
        return dt.datetime.fromisoformat(text.replace(" ", "T")) - EPOCH
    except ValueError:
        raise Unreadable(value) from None


def _uuid(value: Any) -> uuid.UUID:
    return value if isinstance(value, uuid.UUID) else uuid.UUID(str(value))


def _json(value: Any) -> Any:
    """JSON text as a document. Integers keep every digit; numbers with a fraction or an exponent are
    doubles (as JSON readers take them), so `2.50` and `2.5`, or a double's 15- and 17-digit texts, agree."""
    text = value.decode() if isinstance(value, bytes) else value
    if not isinstance(text, str):  # SQLite hands back a number document as the number
        return text
    try:
        return json.loads(text)
    except ValueError:
        raise Unreadable(value) from None


def _binary(value: Any) -> bytes:
    """App bytes, or the lake's hex text of them."""
    if isinstance(value, (bytes, bytearray, memoryview)):
        return bytes(value)
    return bytes.fromhex(str(value))


def _integer(value: Any) -> int:
    if isinstance(value, bool):
        return int(value)
    return int(_decimal(value)) if not isinstance(value, int) else value


READERS: dict[str, Callable[[Any], Any]] = {
    "boolean": _boolean,
    "integer": _integer,
    "decimal": _decimal,
    "string": str,
    "enum": str,
    "binary": _binary,
    "uuid": _uuid,
    "json": _json,
    "date": _date,
    "datetime": _datetime,
    "time": _time,
    "interval": _interval,
    "pgtext": str,  # PostgreSQL's text of its own types (pgvalues.py); a typed lake column's value as text
}


def reader(plan: ColumnPlan) -> Callable[[Any], Any]:
    """The normaliser of a column's values (arrays element by element); NULL stays None."""
    if plan.family == "array" and plan.element is not None:
        element = _scalar_reader(plan.element.family, plan.element.precision)
        return lambda value: None if value is None else [None if v is None else element(v) for v in value]
    scalar = _scalar_reader(plan.compare_as or plan.family, plan.facts.precision if not plan.compare_as else None)
    return lambda value: None if value is None else scalar(value)


def _scalar_reader(family: str, precision: int | None) -> Callable[[Any], Any]:
    if family == "float":
        return _float(precision or 53)
    return READERS.get(family, lambda value: value)


def normalised(read: Callable[[Any], Any], value: Any) -> Any:
    """`read(value)`, or a marker that keeps an unreadable lake value unequal to every app value."""
    try:
        return read(value)
    except (Unreadable, ValueError, TypeError):
        return Unreadable(repr(value))


@dataclass
class ColumnDrift:
    """The values of one column that changed on the way, with the first one as an example."""

    table: str
    column: str
    changed: int = 0
    compared: int = 0
    before: Any = None
    after: Any = None
    lake_type: str = ""


@dataclass
class TableDrift:
    """Rows that the lake has and the app has not (or the reverse), by primary key."""

    table: str
    missing: list[Any] = field(default_factory=list)
    extra: list[Any] = field(default_factory=list)
    duplicated: list[Any] = field(default_factory=list)
    refused: dict[str, str] = field(default_factory=dict)  # key -> why ClickHouse refused the row


def compare_rows(table: str, columns: dict[str, ColumnPlan], keys: list[str], app_rows: list[dict[str, Any]],
                 lake_rows: list[dict[str, Any]], lake_types: dict[str, str]) -> tuple[TableDrift, list[ColumnDrift]]:
    """Match rows by primary key (`keys`) and compare every column's values."""
    readers = {name: reader(plan) for name, plan in columns.items()}

    def key(row: dict[str, Any]) -> tuple[Any, ...]:
        return tuple(str(normalised(readers[k], row[k])) for k in keys)

    lake_by_key: dict[tuple[Any, ...], dict[str, Any]] = {}
    rows = TableDrift(table)
    for row in lake_rows:
        found = key(row)
        if found in lake_by_key:
            rows.duplicated.append(found)
        lake_by_key[found] = row
    drifts = {name: ColumnDrift(table, name, lake_type=lake_types.get(name, "")) for name in columns}
    seen = set()
    for app_row in app_rows:
        found = key(app_row)
        seen.add(found)
        lake_row = lake_by_key.get(found)
        if lake_row is None:
            rows.missing.append(found)
            continue
        if found in rows.duplicated:  # which of the lake's versions is "the" row is the finding itself
            continue
        for name, drift in drifts.items():
            before, after = normalised(readers[name], app_row[name]), normalised(readers[name], lake_row[name])
            drift.compared += 1
            if not _same(before, after):
                drift.changed += 1
                if drift.changed == 1:
                    drift.before, drift.after = app_row[name], lake_row[name]
    rows.extra = [k for k in lake_by_key if k not in seen]
    return rows, [d for d in drifts.values() if d.changed]


def _same(before: Any, after: Any) -> bool:
    if isinstance(before, Unreadable) or isinstance(after, Unreadable):
        return False
    if isinstance(before, float) and isinstance(after, float) and before != before and after != after:
        return True  # NaN
    return bool(type(before) is type(after) and before == after) or (
        isinstance(before, (int, Decimal)) and isinstance(after, (int, Decimal)) and before == after)

"""Comparison, offline: representation is normalised, meaning never."""

from __future__ import annotations

import datetime as dt
import uuid
from decimal import Decimal
from typing import Any

import pytest

from atlas_provider.typefacts import Facts
from atlas_provider.verify.compare import compare_rows
from atlas_provider.verify.rows import ColumnPlan

UTC = dt.timezone.utc


def plan(family: str, **facts: Any) -> ColumnPlan:
    element = facts.pop("element", None)
    return ColumnPlan("v", family, Facts(family, **facts), Facts(element) if element else None, cases=(None,))


def changed(column: ColumnPlan, app: Any, lake: Any) -> bool:
    """Whether `app` (as the app database gives it) and `lake` (as chDB's JSON gives it) differ."""
    columns = {"id": plan("integer"), "v": column}
    rows, drift = compare_rows("t", columns, ["id"], [{"id": 1, "v": app}], [{"id": "1", "v": lake}], {})
    assert not (rows.missing or rows.extra)
    return bool(drift)


SAME = [
    pytest.param(plan("decimal"), Decimal("1.50"), "1.5", id="decimal-trailing-zero"),
    pytest.param(plan("decimal"), Decimal("-9999999999.99"), "-9999999999.99", id="decimal-extreme"),
    pytest.param(plan("integer"), 9223372036854775807, "9223372036854775807", id="int64-quoted"),
    pytest.param(plan("boolean"), True, True, id="bool"),
    pytest.param(plan("boolean"), False, 0, id="bool-as-uint8"),
    pytest.param(plan("float", precision=24), 0.10000000149011612, 0.1, id="float32-shortest-text"),
    pytest.param(plan("datetime", timezone=True),
                 dt.datetime(2024, 3, 1, 5, 29, 59, 999999, tzinfo=dt.timezone(dt.timedelta(hours=5, minutes=30))),
                 "2024-02-29 23:59:59.999999", id="same-instant-other-offset"),
    pytest.param(plan("datetime"), dt.datetime(1969, 12, 31, 23, 59, 59, 500000), "1969-12-31 23:59:59.500000",
                 id="naive-pre-epoch"),
    pytest.param(plan("date"), dt.date(1900, 1, 1), "1900-01-01", id="date32"),
    pytest.param(plan("time"), dt.time(23, 59, 59, 999999), "23:59:59.999999", id="time-as-string"),
    pytest.param(plan("interval"), dt.timedelta(days=1, hours=2, minutes=3, seconds=4, microseconds=500000),
                 "1 day 02:03:04.5", id="postgresql-interval-text"),
    pytest.param(plan("interval"), dt.timedelta(days=400), "1971-02-05 00:00:00", id="emulated-interval"),
    pytest.param(plan("uuid"), uuid.UUID(int=0), "00000000-0000-0000-0000-000000000000", id="uuid"),
    pytest.param(plan("json"), '{"b": [1, 2.50], "a": 12345678901234567890123}',
                 '{"a":12345678901234567890123,"b":[1,2.5]}', id="json-order-spacing-digits"),
    pytest.param(plan("binary"), b"\x00\xff", "00FF", id="bytes-as-hex"),
    pytest.param(plan("string"), " padded  ", " padded  ", id="spaces-kept"),
    pytest.param(plan("array", element="integer"), [1, None, 3], [1, None, 3], id="array-null-element"),
    pytest.param(plan("decimal"), None, None, id="null"),
]

CHANGED = [
    pytest.param(plan("decimal"), Decimal("1.25"), "1.2", id="decimal-rounded"),
    pytest.param(plan("decimal"), Decimal("1" * 42), None, id="decimal-overflow-null"),
    pytest.param(plan("integer"), None, 0, id="null-became-zero"),
    pytest.param(plan("string"), None, "", id="null-became-empty"),
    pytest.param(plan("datetime", timezone=True), dt.datetime(2024, 1, 1, 12, tzinfo=dt.timezone(dt.timedelta(hours=2))),
                 "2024-01-01 12:00:00.000000", id="shifted-instant"),
    pytest.param(plan("datetime"), dt.datetime(2024, 1, 1, 0, 0, 0, 1), "2024-01-01 00:00:00.000", id="lost-microsecond"),
    pytest.param(plan("string"), "Grüße", "Gr", id="truncated"),
    pytest.param(plan("string"), " padded  ", "padded", id="trimmed"),
    pytest.param(plan("json"), '{"big": 12345678901234567890123}', '{"big": 1.2345678901234568e22}', id="json-big-int-as-float"),
    pytest.param(plan("binary"), b"\x00\xff", "5C7830306666", id="bytes-as-their-text"),
    pytest.param(plan("array", element="integer"), [1, None], [1, 0], id="array-null-element-became-zero"),
    pytest.param(plan("array", element="string"), None, [], id="null-array-became-empty"),
    pytest.param(plan("date"), dt.date(1900, 1, 1), "1970-01-01", id="date-clamped"),
    pytest.param(plan("uuid"), uuid.UUID(int=1), "not a uuid", id="unreadable"),
    pytest.param(plan("float"), 2.2250738585072014e-308, "2.225073858507202E-308", id="float-digits-lost"),
]


@pytest.mark.parametrize(("column", "app", "lake"), SAME)
def test_representation_is_normalised(column: ColumnPlan, app: Any, lake: Any) -> None:
    assert not changed(column, app, lake)


@pytest.mark.parametrize(("column", "app", "lake"), CHANGED)
def test_meaning_is_not(column: ColumnPlan, app: Any, lake: Any) -> None:
    assert changed(column, app, lake)


def test_rows_matched_by_key_missing_extra_duplicated_and_the_first_example() -> None:
    columns = {"id": plan("integer"), "v": plan("integer")}
    app = [{"id": 1, "v": 10}, {"id": 2, "v": 20}, {"id": 3, "v": 30}]
    lake = [{"id": "2", "v": 22}, {"id": "1", "v": 10}, {"id": "4", "v": 40}, {"id": "1", "v": 11}]
    rows, drift = compare_rows("t", columns, ["id"], app, lake, {"v": "Int32"})
    assert (rows.missing, rows.extra, rows.duplicated) == ([("3",)], [("4",)], [("1",)])
    [found] = drift  # a duplicated key is a row finding, its versions are not compared
    assert (found.column, found.changed, found.compared, found.before, found.after, found.lake_type) == \
        ("v", 1, 1, 20, 22, "Int32")

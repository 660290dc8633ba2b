"""`atlas-provider verify`: prove with rows that the lake receives the application's values unchanged.

The pipeline, one module per step:

    rows.py       edge-case values for every column, from its type, within the model's constraints
    appdb.py      the scratch application database (created and dropped) and how ClickHouse reads it
    lake.py       ClickHouse in-process through chDB (the optional `verify` extra)
    transport.py  INSERT ... SELECT FROM postgresql()/mysql()/sqlite(), the CDC update and tombstone
    compare.py    normalising representation (never meaning) and finding the values that change
    report.py     the report, as a table or JSON
    run.py        one run, in that order

chDB is imported by lake.py only, so printing DDL never needs it.
"""

from __future__ import annotations

from .report import VerifyReport, render
from .run import split_targets, verify

__all__ = ["VerifyReport", "render", "split_targets", "verify"]

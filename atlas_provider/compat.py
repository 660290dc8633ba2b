"""SQLAlchemy 2.0 made to compile as 2.1 does, where the two lines print different DDL for the same model.

The project supports both lines and must print the same schema on each; CI runs the suite on both
(``.ci/run``, leg ``sa20``). Each shim names the 2.1 behaviour it reproduces and does nothing on 2.1.
"""

from __future__ import annotations

from collections.abc import Iterable

import sqlalchemy as sa
from sqlalchemy import Numeric, PrimaryKeyConstraint, Table
from sqlalchemy.dialects.mysql.base import MySQLDialect
from sqlalchemy.dialects.mysql.mariadb import MariaDBDialect

__all__ = ["SQLALCHEMY_20", "CurrentMariaDBDialect", "CurrentMySQLDialect", "keep_numeric_keys_unnumbered"]

SQLALCHEMY_20 = tuple(int(part) for part in sa.__version__.split(".")[:2]) < (2, 1)


def keep_numeric_keys_unnumbered(tables: Iterable[Table]) -> None:
    """A single-column NUMERIC primary key is not autoincrement unless the model says ``autoincrement=True``.

    SQLAlchemy 2.0 also picks a NUMERIC key under the default ``autoincrement="auto"``, so PostgreSQL gets
    ``SERIAL`` (an INTEGER: not the model's type) and MySQL ``AUTO_INCREMENT`` on a DECIMAL (which MariaDB
    rejects). 2.1 picks integers only; here 2.0's choice is turned off the same way.
    """
    if not SQLALCHEMY_20:
        return
    for table in tables:
        column = table.primary_key._autoincrement_column
        # the type's affinity, as SQLAlchemy decides it: a TypeDecorator over NUMERIC counts too
        affinity = column.type._type_affinity if column is not None else None
        if column is not None and column.autoincrement == "auto" and affinity and issubclass(affinity, Numeric):
            column.autoincrement = False
            # the choice is memoized on the constraint, as SQLAlchemy resets it when columns change
            PrimaryKeyConstraint._autoincrement_column._reset(table.primary_key)  # type: ignore[attr-defined]


class CurrentMySQLDialect(MySQLDialect):
    """MySQL as 2.1 compiles it without a connection: for a current server, so a function default is
    parenthesized, ``DEFAULT (now())``. Offline, 2.0 assumes a server too old for expression defaults and prints
    ``DEFAULT now()``, which MySQL 8.0.13+ accepts for now() alone:
    https://dev.mysql.com/doc/refman/8.0/en/data-type-defaults.html"""

    _support_default_function = True  # a property in 2.0 (from the server version), a class attribute in 2.1


class CurrentMariaDBDialect(MariaDBDialect):
    """MariaDB likewise (expression defaults since 10.2.1: https://mariadb.com/kb/en/create-table/#default)."""

    _support_default_function = True

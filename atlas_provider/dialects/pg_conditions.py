"""Conditions (CHECK constraints, partial-index WHERE) in a form PostgreSQL reads back unchanged.

Atlas writes into a migration what PostgreSQL prints for a condition (`pg_get_constraintdef`,
`pg_get_indexdef`), and replays it next time. For one shape that reading is not a fixpoint: an IN list
compared with a VARCHAR (a column, a domain over VARCHAR, a cast to VARCHAR, COALESCE of one) of two or
more items that are not columns. PostgreSQL builds an array of VARCHAR and casts it to TEXT[]:

    status IN ('a', 'b')  ->  ((status)::text = ANY ((ARRAY['a'::character varying, ...])::text[]))
                          ->  ((status)::text = ANY (ARRAY[('a'::character varying)::text, ...]))

so every `atlas migrate diff` rewrites the condition. VARCHAR has no comparison operators of its own:
PostgreSQL compares it as TEXT (the implicit cast above, which keeps the column's collation), so
`CAST(status AS TEXT) IN ('a', 'b')` means the same and reads back as
`((status)::text = ANY (ARRAY['a'::text, 'b'::text]))`, every time. Checked on PostgreSQL 15 for
columns, domains, casts, COALESCE, NOT IN, NULL and expression items, nested AND/OR/NOT/IS TRUE (see
tests/live/test_pg_conditions_live.py); every other shape probed there (ANY, BETWEEN, LIKE, ~, casts,
booleans, numbers, dates, CHAR, TEXT, citext, enums, single-item IN) already reads back unchanged.
https://www.postgresql.org/docs/15/functions-comparisons.html#FUNCTIONS-COMPARISONS-IN-SCALAR

The condition is parsed (sqlglot, imported only when a condition could hold an IN list), the IN nodes
of that shape get the cast, and the tree is printed again; a condition that cannot be parsed, or whose
new text does not parse back to the same tree, is left as written.
"""

from __future__ import annotations

import re
import string
from collections.abc import Callable
from typing import Any

# Whether the condition could hold the shape at all: without the word IN, nothing to parse (and sqlglot,
# about 0.15 s to import, stays unloaded for most models). A filter, never an edit.
_MAY_HOLD_IN = re.compile(r"\bIN\b", re.IGNORECASE)

_ASCII_LOWER = str.maketrans(string.ascii_uppercase, string.ascii_lowercase)

# Column name as written -> whether PostgreSQL stores that column as VARCHAR (None: no such column).
VarcharColumns = Callable[[str], "bool | None"]


class UnreadableCondition(ValueError):
    """The provider cannot parse the condition, so it cannot tell whether PostgreSQL reads it back unchanged."""


def may_be_unstable(text: str) -> bool:
    """Whether `text` could hold the shape at all (it has the word IN): the rest need not be parsed."""
    return bool(_MAY_HOLD_IN.search(text))


def stable_condition(text: str, is_varchar: VarcharColumns) -> str | None:
    """The condition in the stable form, or None when `text` already reads back unchanged.

    `is_varchar` tells for a column name (folded as PostgreSQL folds it) whether it is stored as VARCHAR.
    Raises UnreadableCondition when `text` cannot be parsed as a PostgreSQL expression.
    """
    if not may_be_unstable(text):
        return None
    try:
        return _stable_form(text, is_varchar)
    except RecursionError:
        # sqlglot parses and prints by recursion: some 60 nested parentheses, which PostgreSQL takes, exceed
        # Python's limit.
        raise UnreadableCondition("it is nested too deeply for the parser") from None


def _stable_form(text: str, is_varchar: VarcharColumns) -> str | None:
    import sqlglot
    from sqlglot import exp
    from sqlglot.errors import SqlglotError

    try:
        tree = sqlglot.parse_one(text, read="postgres")
    except SqlglotError as error:
        raise UnreadableCondition(str(error).splitlines()[0] if str(error) else type(error).__name__) from None
    parameter = tree.find(exp.Parameter, exp.Placeholder)
    if parameter is not None:
        # No stored condition holds one: sqlglot reads PostgreSQL's absolute value `@ n` as a parameter and
        # prints `$n`, a syntax error. Reprinted, the meaning would be lost.
        raise UnreadableCondition(f"sqlglot reads {parameter.sql(dialect='postgres')!r} as a parameter")
    lists = [node for node in tree.find_all(exp.In) if _unstable(node, is_varchar)]
    if not lists:
        return None
    for node in lists:
        node.set("this", exp.Cast(this=node.this.copy(), to=exp.DataType.build("text")))
    for identifier in tree.find_all(exp.Identifier):
        if "$" in identifier.this and not identifier.quoted:
            # Atlas's scanner reads `$Price$` in an unquoted `old$Price$x` as a dollar quote; quoted, it is the
            # name PostgreSQL folds the unquoted one to.
            identifier.set("this", identifier.this.translate(_ASCII_LOWER))
            identifier.set("quoted", True)
    printed = tree.sql(dialect="postgres")
    try:
        same = sqlglot.parse_one(printed, read="postgres") == tree
    except SqlglotError:
        same = False
    if not same:
        raise UnreadableCondition(f"its new form {printed!r} does not read back as the same expression")
    return printed


def _unstable(node: Any, is_varchar: VarcharColumns) -> bool:
    """An IN list PostgreSQL turns into a VARCHAR array cast to TEXT[]: a VARCHAR on the left and two or more
    items that refer to no column (items that do are compared one by one, which reads back unchanged)."""
    from sqlglot import exp

    items = node.expressions
    if node.args.get("query") is not None or node.args.get("unnest") is not None or len(items) < 2:
        return False
    constant = [item for item in items if item.find(exp.Column) is None]
    return len(constant) >= 2 and _is_varchar(node.this, is_varchar)


def _is_varchar(node: Any, is_varchar: VarcharColumns) -> bool:
    from sqlglot import exp

    # A collation keeps the type; CAST(x COLLATE "C" AS TEXT) is stored as ((x)::text COLLATE "C"), stable.
    while isinstance(node, (exp.Paren, exp.Collate)):
        node = node.this
    if isinstance(node, exp.Column):
        identifier = node.this
        if not isinstance(identifier, exp.Identifier):
            return False
        # An unquoted name is folded to lower case in its ASCII letters only (PostgreSQL's downcase_identifier
        # under a multibyte encoding: `État` stays `État`); a quoted one is taken as written.
        name = identifier.this if identifier.quoted else identifier.this.translate(_ASCII_LOWER)
        return bool(is_varchar(name))
    if isinstance(node, exp.Cast):
        return node.to.this in (exp.DataType.Type.VARCHAR, exp.DataType.Type.NVARCHAR)
    if isinstance(node, (exp.Coalesce, exp.Nullif, exp.Greatest, exp.Least, exp.Case)):
        # The result takes the type of its typed arguments (a CASE: of its results); literals adapt to them.
        if isinstance(node, exp.Case):
            arguments = [*(branch.args["true"] for branch in node.args.get("ifs") or []), node.args.get("default")]
        else:
            arguments = [node.this, *node.expressions, node.args.get("expression")]
        arguments = [a for a in arguments if a is not None]
        typed = [a for a in arguments if not isinstance(a, (exp.Literal, exp.Null))]
        return bool(typed) and _is_varchar(typed[0], is_varchar)
    return False

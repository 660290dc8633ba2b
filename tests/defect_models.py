"""Models with one defect each, and what every target does with it: the offline tests (test_validation.py) and
the live ones (tests/live/test_defects_live.py) share them.

Each `DefectCase` builds its model twice: with the defect, and without the object(s) a target that rejects it
leaves out under --skip-defects. `verdicts` says, per dialect, what the provider does: refuse (`REJECTED`),
emit with a warning (`ACCEPTED`), emit once with a note (`DUPLICATE`) or nothing at all (`CLEAN`).
`database_rejects` records what the real servers do with the model's plain DDL (what SQLAlchemy compiles, no
provider; written out by hand where SQLAlchemy cannot compile a dangling reference), observed on PostgreSQL 15,
MariaDB 10.11 and SQLite: the facts the verdicts rest on.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy import Column, ForeignKey, ForeignKeyConstraint, Index, Integer, MetaData, String, Table
from sqlalchemy.dialects import mysql

DIALECTS = ("postgresql", "mysql", "mariadb", "sqlite", "mssql", "clickhouse")
# ERROR: refused even under --skip-defects, as nothing can be left out instead (a table or column name)
REJECTED, ACCEPTED, DUPLICATE, CLEAN, ERROR = "rejected", "accepted", "duplicate", "clean", "error"


@dataclass(frozen=True)
class DefectCase:
    build: Callable[[bool], MetaData]  # build(True): the model with its defect; build(False): without it
    subject: str  # how messages name the defective object
    verdicts: dict[str, str]
    left_out: int = 1  # objects --skip-defects leaves out where the target rejects the defect
    database_rejects: dict[str, bool] = field(default_factory=dict)  # live backend -> its plain DDL fails
    plain_sql: tuple[str, ...] = ()  # that DDL, where SQLAlchemy cannot compile it
    accepted_text: str = "REFERENCES customers (email)"  # what the output holds where the target accepts it
    dialects: tuple[str, ...] = DIALECTS  # where the case applies (a defect that is a different object elsewhere)

    def verdict(self, dialect: str) -> str:
        return self.verdicts.get(dialect, CLEAN)


def _customers(metadata: MetaData, *extra: sa.SchemaItem, indexed: bool = False) -> Table:
    return Table("customers", metadata, Column("id", Integer, primary_key=True),
                 Column("email", String(200), nullable=False, index=indexed), *extra)


def _fk_to_email(defect: bool, *, indexed: bool = False) -> MetaData:
    metadata = MetaData()
    _customers(metadata, indexed=indexed)
    email = [ForeignKey("customers.email")] if defect else []
    Table("orders", metadata, Column("id", Integer, primary_key=True), Column("email", String(200), *email))
    return metadata


def _fk_in_another_order(defect: bool) -> MetaData:
    metadata = MetaData()
    Table("codes", metadata, Column("id", Integer, primary_key=True), Column("a", Integer, nullable=False),
          Column("b", Integer, nullable=False), sa.UniqueConstraint("a", "b", name="uq_codes_a_b"))
    fk = [ForeignKeyConstraint(["b", "a"], ["codes.b", "codes.a"], name="fk_uses_codes")] if defect else []
    Table("uses", metadata, Column("id", Integer, primary_key=True), Column("a", Integer), Column("b", Integer), *fk)
    return metadata


def _fk_to_missing(defect: bool, *, column: bool = False) -> MetaData:
    metadata = MetaData()
    _customers(metadata)
    target = "customers.uuid" if column else "carts.id"
    fk = [ForeignKey(target)] if defect else []
    Table("orders", metadata, Column("id", Integer, primary_key=True), Column("ref_id", Integer, *fk))
    return metadata


def _index_without_columns(defect: bool) -> MetaData:
    metadata = MetaData()
    _customers(metadata, *([Index("ix_customers_nothing")] if defect else []))
    return metadata


def _index_name_on_two_tables(defect: bool, *, schemas: bool = False) -> MetaData:
    metadata = MetaData()
    for name, schema in (("invoices", "defect_billing"), ("shipments", "defect_shipping")):
        table = Table(name, metadata, Column("id", Integer, primary_key=True), Column("created", Integer),
                      schema=schema if schemas else None)
        if defect or name == "invoices":
            Index("ix_created", table.c.created)
    return metadata


def _set_null_on_not_null(defect: bool) -> MetaData:
    metadata = MetaData()
    _customers(metadata)
    fk = [ForeignKey("customers.id", ondelete="SET NULL")] if defect else []
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("customer_id", Integer, *fk, nullable=False))
    return metadata


def _index_twice(defect: bool, *, differing: bool = False) -> MetaData:
    metadata = MetaData()
    customers = _customers(metadata)
    Index("ix_customers_email", customers.c.email, unique=False)
    if defect:
        Index("ix_customers_email", customers.c.email, unique=differing)
    elif differing:  # neither is meant more than the other: both are left out
        customers.indexes.clear()
    return metadata


LONG_NAME = "fk_orders_customer_id_customers_" + "x" * 33  # 65 characters


def _over_long_name(defect: bool, *, index: bool = False) -> MetaData:
    metadata = MetaData()
    _customers(metadata)
    orders = Table("orders", metadata, Column("id", Integer, primary_key=True),
                   Column("customer_id", Integer))
    if index and defect:
        Index(LONG_NAME, orders.c.customer_id)
    elif defect:
        orders.append_constraint(ForeignKeyConstraint(["customer_id"], ["customers.id"], name=LONG_NAME))
    return metadata


def _long_key(defect: bool, *, prefix: bool = False) -> MetaData:
    metadata = MetaData()
    docs = Table("docs", metadata, Column("id", Integer, primary_key=True), Column("title", String(500)),
                 Column("author", String(300)))
    # 4 + 4 * 500 + 4 * 300 = 3204 bytes in utf8mb4, over InnoDB's 3072 (with a 200-character prefix: 2004)
    options = {"mysql_length": {"title": 200}} if prefix else {}
    if defect:
        Index("ix_docs_title", docs.c.id, docs.c.title, docs.c.author, **options)
    return metadata


def _foreign_key_twice(defect: bool) -> MetaData:
    """What mlflow's evaluation_dataset_records does: a named ForeignKeyConstraint, and ForeignKey on the column."""
    metadata = MetaData()
    _customers(metadata)
    again = [ForeignKey("customers.id", ondelete="CASCADE")] if defect else []
    Table("orders", metadata, Column("id", Integer, primary_key=True), Column("customer_id", Integer, *again),
          ForeignKeyConstraint(["customer_id"], ["customers.id"], name="fk_orders_customer", ondelete="CASCADE"))
    return metadata


def _named(defect: bool, *, table: str = "orders", columns: tuple[str, ...] = ("note",)) -> MetaData:
    metadata = MetaData()
    Table(table if defect else "orders", metadata, Column("id", Integer, primary_key=True),
          *(Column(name if defect else f"c{n}", Integer) for n, name in enumerate(columns)))
    return metadata


def _enum(defect: bool, *, label: str = "paid", name: str = "order_state") -> MetaData:
    metadata = MetaData()
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("state", sa.Enum("new", label if defect else "paid", name=name if defect else "order_state")))
    return metadata


def _commented(defect: bool, *, table: bool = False) -> MetaData:
    metadata = MetaData()
    long = "c" * (2100 if table else 1100)
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("note", Integer, comment=long if defect and not table else None),
          comment=long if defect and table else None)
    return metadata


def _wide_index(defect: bool) -> MetaData:
    metadata = MetaData()
    wide = Table("wide", metadata, Column("id", Integer, primary_key=True),
                 *(Column(f"c{n}", Integer) for n in range(40)))
    if defect:
        Index("ix_wide_all", *(wide.c[f"c{n}"] for n in range(40)))
    return metadata


def _indexes_in_two_cases(defect: bool) -> MetaData:
    metadata = MetaData()
    orders = Table("orders", metadata, Column("id", Integer, primary_key=True), Column("a", Integer),
                   Column("b", Integer))
    Index("ix_A", orders.c.a)
    if defect:
        Index("ix_a", orders.c.b)
    return metadata


def _nul(defect: bool, *, comment: bool = False) -> MetaData:
    metadata = MetaData()
    text = "a\x00b" if defect else "ab"
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("note", String(10), server_default=None if comment else text, comment=text if comment and defect
                 else None))
    return metadata


def _fk_to_prefix_index(defect: bool) -> MetaData:
    metadata = MetaData()
    customers = Table("customers", metadata, Column("id", Integer, primary_key=True),
                      Column("email", String(200), nullable=False))
    Index("ux_customers_email", customers.c.email, unique=True, mysql_length={"email": 100})
    email = [ForeignKey("customers.email")] if defect else []
    Table("orders", metadata, Column("id", Integer, primary_key=True), Column("email", String(200), *email))
    return metadata


def _fk_to_hash_key(defect: bool) -> MetaData:
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer, primary_key=True),
          Column("email", String(1000), nullable=False, unique=True))
    email = [ForeignKey("customers.email")] if defect else []
    Table("orders", metadata, Column("id", Integer, primary_key=True), Column("email", String(100), *email))
    return metadata


def _long_one_column_key(defect: bool, *, unique: bool = False) -> MetaData:
    metadata = MetaData()
    docs = Table("docs", metadata, Column("id", Integer, primary_key=True), Column("title", String(1000)),
                 Column("body", String(1000)))
    if defect:
        Index("ix_docs_title", *([docs.c.title, docs.c.body] if unique else [docs.c.title]), unique=unique)
    return metadata


def workflow_engine(defect: bool = True) -> MetaData:
    """A workflow engine's pattern: identifier columns in latin1_general_cs (1 byte a character) and utf8mb3_bin
    (3), in composite keys of 2,000-3,000 real bytes, and a foreign key to one of them. Counted at 4 bytes a
    character they would be over InnoDB's 3072."""
    metadata = MetaData()
    latin1, utf8mb3 = "latin1_general_cs", "utf8mb3_bin"

    def collated(length: int, collation: str) -> sa.types.TypeEngine:
        return sa.String(length).with_variant(mysql.VARCHAR(length, collation=collation), "mysql")

    Table("executions", metadata,
          Column("shard_id", Integer, primary_key=True),
          Column("namespace_id", collated(255, latin1), primary_key=True),
          Column("workflow_id", collated(255, utf8mb3), primary_key=True),
          Column("run_id", collated(255, latin1), primary_key=True),
          Column("state", collated(1000, latin1)),
          Index("ix_executions_state", "namespace_id", "workflow_id", "run_id", "state"),
          sa.UniqueConstraint("namespace_id", "workflow_id", "run_id", name="uq_executions_ids"))
    Table("timers", metadata, Column("id", Integer, primary_key=True),
          Column("namespace_id", collated(255, latin1), nullable=False),
          Column("workflow_id", collated(255, utf8mb3), nullable=False),
          Column("run_id", collated(255, latin1), nullable=False),
          Column("memo", collated(2000, "ascii_bin")),
          Index("ix_timers_memo", "namespace_id", "workflow_id", "memo"),
          ForeignKeyConstraint(["namespace_id", "workflow_id", "run_id"],
                               ["executions.namespace_id", "executions.workflow_id", "executions.run_id"],
                               name="fk_timers_executions"))
    return metadata


EVERYWHERE = {dialect: REJECTED for dialect in DIALECTS}
NAMES = ("mysql", "mariadb", "sqlite", "mssql")  # where column and index names ignore case
CUSTOMERS_SQL = "CREATE TABLE customers (id INTEGER PRIMARY KEY, email VARCHAR(200) NOT NULL)"

DEFECT_CASES: dict[str, DefectCase] = {
    "foreign key to a column that is neither primary nor unique": DefectCase(
        _fk_to_email, "foreign key orders.email -> customers.email",
        # SQLite creates it but fails every insert once foreign keys are on (test_defects_live.py shows it)
        {"postgresql": REJECTED, "mysql": REJECTED, "mariadb": REJECTED, "sqlite": REJECTED, "mssql": REJECTED},
        database_rejects={"postgresql": True, "mariadb": True, "sqlite": False},
    ),
    "foreign key to a non-unique column an index starts with": DefectCase(
        lambda defect: _fk_to_email(defect, indexed=True), "foreign key orders.email -> customers.email",
        {"postgresql": REJECTED, "mysql": REJECTED, "mariadb": ACCEPTED, "sqlite": REJECTED, "mssql": REJECTED},
        database_rejects={"postgresql": True, "mariadb": False, "sqlite": False},
    ),
    "foreign key to a unique key in another order": DefectCase(
        _fk_in_another_order, "foreign key uses.b, uses.a -> codes.b, codes.a",
        {"mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},
    ),
    "foreign key to a table missing from the model": DefectCase(
        _fk_to_missing, "foreign key orders.ref_id -> carts.id", EVERYWHERE,
        # SQLite creates it; refused there too (see validation.py)
        database_rejects={"postgresql": True, "mariadb": True, "sqlite": False},
        plain_sql=(f"{CUSTOMERS_SQL};", "CREATE TABLE orders (id INTEGER PRIMARY KEY, ref_id INTEGER, "
                   "FOREIGN KEY (ref_id) REFERENCES carts (id));"),
    ),
    "foreign key to a column missing from its table": DefectCase(
        lambda defect: _fk_to_missing(defect, column=True), "foreign key orders.ref_id -> customers.uuid",
        EVERYWHERE, database_rejects={"postgresql": True, "mariadb": True, "sqlite": False},
        plain_sql=(f"{CUSTOMERS_SQL};", "CREATE TABLE orders (id INTEGER PRIMARY KEY, ref_id INTEGER, "
                   "FOREIGN KEY (ref_id) REFERENCES customers (uuid));"),
    ),
    "index with no columns": DefectCase(
        _index_without_columns, "index 'ix_customers_nothing' on customers", EVERYWHERE,
        database_rejects={"postgresql": True, "mariadb": True, "sqlite": True},
    ),
    "one index name on two tables": DefectCase(
        _index_name_on_two_tables, "index 'ix_created' on shipments", {"postgresql": REJECTED, "sqlite": REJECTED},
        database_rejects={"postgresql": True, "mariadb": False, "sqlite": True},
    ),
    "one index name on two tables in two schemas": DefectCase(
        lambda defect: _index_name_on_two_tables(defect, schemas=True), "index 'ix_created' on defect_shipping.shipments",
        {"sqlite": REJECTED},  # one database once schemas are flattened
        database_rejects={"postgresql": False},
    ),
    "ON DELETE SET NULL on a NOT NULL column": DefectCase(
        _set_null_on_not_null, "foreign key orders.customer_id -> customers.id",
        {"mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},
    ),
    "one index name declared twice, differently": DefectCase(
        lambda defect: _index_twice(defect, differing=True), "index 'ix_customers_email' on customers", EVERYWHERE,
        left_out=2, database_rejects={"postgresql": True, "mariadb": True, "sqlite": True},
    ),
    # PostgreSQL would cut the name to 63 bytes, so the database would hold a name the model does not have
    # (SQLAlchemy refuses to compile it); MySQL and MariaDB reject a name of more than 64 characters.
    "foreign key name longer than the target allows": DefectCase(
        _over_long_name, "foreign key orders.customer_id -> customers.id",
        {"postgresql": REJECTED, "mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"mariadb": True, "sqlite": False},
    ),
    "index name longer than the target allows": DefectCase(
        lambda defect: _over_long_name(defect, index=True), f"index {LONG_NAME!r} on orders",
        {"postgresql": REJECTED, "mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"mariadb": True, "sqlite": False},
    ),
    "index key longer than InnoDB allows": DefectCase(
        _long_key, "index 'ix_docs_title' on docs", {"mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},
    ),
    "index key within InnoDB's limit thanks to a prefix length": DefectCase(
        lambda defect: _long_key(defect, prefix=True), "index 'ix_docs_title' on docs", {},
        database_rejects={"mariadb": False},
    ),
    "one foreign key declared twice, identically": DefectCase(
        _foreign_key_twice, "foreign key orders.customer_id -> customers.id",
        {dialect: DUPLICATE for dialect in DIALECTS if dialect != "clickhouse"},  # ClickHouse has none
        database_rejects={"postgresql": False, "mariadb": False, "sqlite": False},  # each creates two
    ),
    # ---- limits (limits.py) ----
    "table name longer than the target allows": DefectCase(
        lambda defect: _named(defect, table="t" * 70), f"table {'t' * 70}",
        {"postgresql": ERROR, "mysql": ERROR, "mariadb": ERROR},
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},  # PostgreSQL cuts it silently
    ),
    "two columns equal in their first 63 bytes": DefectCase(
        lambda defect: _named(defect, columns=("c" * 63 + "x", "c" * 63 + "y")), f"column orders.{'c' * 63}x",
        {"postgresql": ERROR},  # 64 characters: MySQL's limit
        database_rejects={"postgresql": True, "mariadb": False, "sqlite": False},
    ),
    "columns Name and name": DefectCase(
        lambda defect: _named(defect, columns=("Name", "name")), "column orders.name",
        dict.fromkeys(NAMES, ERROR), database_rejects={"postgresql": False, "mariadb": True, "sqlite": True},
    ),
    "a character outside the BMP in a column name": DefectCase(
        lambda defect: _named(defect, columns=("note\U0001f600",)), "column orders.note\U0001f600",
        {"mysql": ERROR, "mariadb": ERROR}, database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},
    ),
    "enum label longer than 63 bytes": DefectCase(
        lambda defect: _enum(defect, label="l" * 70), "column orders.state", {"postgresql": ERROR},
        database_rejects={"postgresql": True, "mariadb": False, "sqlite": False},
    ),
    "enum type name longer than 63 bytes": DefectCase(
        lambda defect: _enum(defect, name="e" * 70), "enum type of orders.state", {"postgresql": ERROR},
        database_rejects={"postgresql": False},  # cut silently
        plain_sql=(f"CREATE TYPE {'e' * 70} AS ENUM ('new', 'paid')",
                   f"CREATE TABLE orders (id INTEGER PRIMARY KEY, state {'e' * 70})"),
    ),
    "column comment longer than MySQL allows": DefectCase(
        _commented, "comment on column orders.note", {"mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True},
    ),
    "table comment longer than MySQL allows": DefectCase(
        lambda defect: _commented(defect, table=True), "comment on table orders", {"mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True},
    ),
    "index of 40 columns": DefectCase(
        _wide_index, "index 'ix_wide_all' on wide",
        {"postgresql": REJECTED, "mysql": REJECTED, "mariadb": REJECTED, "mssql": REJECTED},
        database_rejects={"postgresql": True, "mariadb": True, "sqlite": False},
    ),
    "index names ix_A and ix_a on one table": DefectCase(
        _indexes_in_two_cases, "index 'ix_a' on orders", dict.fromkeys(NAMES, REJECTED),
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": True},
    ),
    "NUL in a server default": DefectCase(
        _nul, "column orders.note", {"postgresql": ERROR, "sqlite": ERROR},
        database_rejects={"postgresql": True},
    ),
    "NUL in a column comment": DefectCase(
        lambda defect: _nul(defect, comment=True), "comment on column orders.note", {"postgresql": REJECTED},
        database_rejects={"postgresql": True},  # refused before it reaches the server: the protocol cannot carry it
        plain_sql=("CREATE TABLE orders (id INTEGER PRIMARY KEY, note VARCHAR(10))",
                   "COMMENT ON COLUMN orders.note IS 'a\x00b'"),
    ),
    # ---- InnoDB keys from the columns' own character sets ----
    "foreign key to a unique index with a prefix length": DefectCase(
        _fk_to_prefix_index, "foreign key orders.email -> customers.email", {"mysql": REJECTED, "mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},
    ),
    "foreign key to a unique key MariaDB builds as a hash": DefectCase(
        _fk_to_hash_key, "foreign key orders.email -> customers.email", {"mariadb": REJECTED},
        database_rejects={"postgresql": False, "mariadb": True, "sqlite": False},
        dialects=tuple(d for d in DIALECTS if d != "mysql"),  # MySQL refuses the unique key itself
    ),
    "a unique key over InnoDB's limit": DefectCase(
        lambda defect: _long_one_column_key(defect, unique=True), "index 'ix_docs_title' on docs",
        {"mysql": REJECTED}, database_rejects={"mariadb": False},  # MariaDB builds it as a hash
    ),
    "a one-column index over InnoDB's limit": DefectCase(
        _long_one_column_key, "index 'ix_docs_title' on docs", {"mysql": REJECTED, "mariadb": ACCEPTED},
        database_rejects={"mariadb": False}, accepted_text="CREATE INDEX ix_docs_title",  # MariaDB: a prefix, note 1071
    ),
    "the workflow engine's keys in latin1 and utf8mb3": DefectCase(
        workflow_engine, "", {}, database_rejects={"postgresql": False, "mariadb": False, "sqlite": False},
    ),
    "one index declared twice, identically": DefectCase(
        _index_twice, "index 'ix_customers_email' on customers", {dialect: DUPLICATE for dialect in DIALECTS},
        database_rejects={"postgresql": True, "mariadb": True, "sqlite": True},
    ),
}


# ---- leaving out is a closure (closure.py) ----------------------------------------------------------------


@dataclass(frozen=True)
class ClosureCase:
    """Something left out (by the model, or as a defect under --skip-defects) and what must go with it."""

    build: Callable[[], MetaData]
    dialects: tuple[str, ...]
    chain: tuple[str, ...]  # what the refusal without --allow-loss names (both objects); () when nothing is lost
    gone: tuple[str, ...]  # what the output (with --allow-loss) no longer holds
    skip_defects: bool = False


APP_ONLY_NOT = {"atlas": {"exclude": ["app"]}}  # left out of every application target


def _excluded_referred_table() -> MetaData:
    """Issue 17 finding 6: excluding a table drops a NOT NULL foreign key to it."""
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer, primary_key=True), info=APP_ONLY_NOT)
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("customer_id", Integer, ForeignKey("customers.id"), nullable=False))
    return metadata


def _excluded_referred_column() -> MetaData:
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer, primary_key=True),
          Column("code", String(20), unique=True, info=APP_ONLY_NOT))
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("code", String(20), ForeignKey("customers.code")))
    return metadata


def _excluded_column_in_expressions() -> MetaData:
    """A computed column, a text() index and a partial index's WHERE over an excluded column, and a computed
    column over that computed column (a chain: the fixpoint takes both)."""
    metadata = MetaData()
    items = Table("items", metadata, Column("id", Integer, primary_key=True), Column("price", Integer),
                  Column("qty", Integer, info=APP_ONLY_NOT),
                  Column("total", Integer, sa.Computed("price * qty", persisted=True)),
                  Column("total_twice", Integer, sa.Computed("total * 2", persisted=True)),
                  sa.CheckConstraint("qty >= 0", name="ck_items_qty"))
    Index("ix_items_price_qty", items.c.price, sa.text("qty"))
    Index("ix_items_price", items.c.price, postgresql_where=sa.text("qty > 0"), sqlite_where=sa.text("qty > 0"))
    Index("ix_items_total_twice", items.c.total_twice)
    return metadata


def _skipped_key_of_a_foreign_key() -> MetaData:
    """A unique constraint left out as a defect (its name is too long) takes the foreign key that needs it."""
    metadata = MetaData()
    Table("customers", metadata, Column("id", Integer, primary_key=True), Column("code", String(20)),
          sa.UniqueConstraint("code", name="uq_customers_code_" + "x" * 60))
    Table("orders", metadata, Column("id", Integer, primary_key=True),
          Column("code", String(20), ForeignKey("customers.code")))
    return metadata


CLOSURE_CASES: dict[str, ClosureCase] = {
    "a foreign key to an excluded table": ClosureCase(
        _excluded_referred_table, ("postgresql", "mysql", "mariadb", "sqlite", "mssql"),
        ("foreign key left out (it refers to customers, which this target does not get): "
         + "orders.customer_id -> customers.id",), ("REFERENCES",)),
    "a foreign key to an excluded column": ClosureCase(
        _excluded_referred_column, ("postgresql", "mysql", "mariadb", "sqlite", "mssql"),
        ("foreign key left out (it refers to customers.code, which is left out): orders.code -> customers.code",),
        ("REFERENCES",)),
    "computed columns and indexes over an excluded column": ClosureCase(
        _excluded_column_in_expressions, ("postgresql", "sqlite"), (),
        ("total", "ix_items_price_qty", "ix_items_price", "ck_items_qty", "qty")),
    "a foreign key whose unique key is left out under --skip-defects": ClosureCase(
        _skipped_key_of_a_foreign_key, ("postgresql", "mysql", "mariadb"),
        ("foreign key left out (it needs unique constraint 'uq_customers_code_", "orders.code -> customers.code"),
        ("REFERENCES", "uq_customers_code_"), skip_defects=True),
}

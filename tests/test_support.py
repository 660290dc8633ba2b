"""Tests of the Atlas stand-in itself: if these fail, no live test of the provider can be trusted."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import uuid
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa
from sqlalchemy.dialects import mysql, postgresql
from sqlalchemy.engine import Engine

from tests.support import (
    Backend,
    assert_schema_matches,
    load_ddl,
    reflect,
    run_provider,
    split_statements,
    type_family,
)

# --- the splitter -------------------------------------------------------------------------------------------

SPLIT_CASES = {
    "semicolons in strings": (
        "INSERT INTO t VALUES ('a;b', 'it''s; fine');\nSELECT 2;",
        ["INSERT INTO t VALUES ('a;b', 'it''s; fine');", "SELECT 2;"],
    ),
    "semicolons in comments inside a statement": (
        "CREATE TABLE t (\n  id INT, -- one; two\n  /* three; four */ x INT\n);",
        ["CREATE TABLE t (\n  id INT, -- one; two\n  /* three; four */ x INT\n);"],
    ),
    "semicolons in quoted identifiers": (
        'CREATE TABLE "a;b" (x INT);\nCREATE TABLE `c;d` (y INT);',
        ['CREATE TABLE "a;b" (x INT);', "CREATE TABLE `c;d` (y INT);"],
    ),
    "dollar-quoted bodies": (
        (
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;\n"
            "CREATE FUNCTION g() RETURNS int AS $fn$\n"
            "BEGIN RETURN $$;$$::int; END; $fn$ LANGUAGE plpgsql;"
        ),
        [
            "CREATE FUNCTION f() RETURNS int AS $$ SELECT 1; $$ LANGUAGE sql;",
            "CREATE FUNCTION g() RETURNS int AS $fn$\nBEGIN RETURN $$;$$::int; END; $fn$ LANGUAGE plpgsql;",
        ],
    ),
    "positional parameters are not dollar quotes": (
        "PREPARE p AS SELECT $1;\nSELECT 2;",
        ["PREPARE p AS SELECT $1;", "SELECT 2;"],
    ),
    "leading comments and comment-only statements are dropped": (
        (
            "-- generated; do not edit\n\n-- atlas:pos users[type=table] app/models/user.py:12\n"
            "/* block; comment */\nCREATE TABLE users (id INT);\n-- trailing; comment\n"
        ),
        ["CREATE TABLE users (id INT);"],
    ),
    # As in Atlas, which then sends ";" to the database (MySQL rejects it: "Query was empty").
    "a stray semicolon is a statement": ("SELECT 1;\n-- note\n;", ["SELECT 1;", ";"]),
    "a last statement without its semicolon": ("SELECT 1;\nSELECT 2\n", ["SELECT 1;", "SELECT 2"]),
    "semicolons inside parentheses": (
        "CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);SELECT 2;",
        ["CREATE RULE r AS ON INSERT TO t DO ALSO (NOTIFY a; NOTIFY b);", "SELECT 2;"],
    ),
    "delimiter directive with a comment-like delimiter": (
        (
            "-- atlas:delimiter -- end\n\n"
            "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\n"
            "BEGIN\n  SET NEW.a = 1; SET NEW.b = 2;\nEND;\n"
            "-- end\nCREATE TABLE u (id INT);\n-- end\n"
        ),
        [
            "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW\nBEGIN\n  SET NEW.a = 1; SET NEW.b = 2;\nEND;",
            "CREATE TABLE u (id INT);",
        ],
    ),
    "delimiter directive with an escaped newline (T-SQL GO)": (
        (
            "-- atlas:delimiter \\nGO\n\nCREATE TABLE t (id INT);\nCREATE INDEX i ON t (id);\nGO\n"
            "CREATE PROCEDURE p AS BEGIN SELECT 1; END\nGO\n"
        ),
        ["CREATE TABLE t (id INT);\nCREATE INDEX i ON t (id);", "CREATE PROCEDURE p AS BEGIN SELECT 1; END"],
    ),
    "a directive that is not on the first line is a comment": (
        "\n-- atlas:delimiter GO\n\nSELECT 1; SELECT 2;",
        ["SELECT 1;", "SELECT 2;"],
    ),
}


@pytest.mark.parametrize(("text", "expected"), SPLIT_CASES.values(), ids=SPLIT_CASES.keys())
def test_split_statements(text: str, expected: list[str]) -> None:
    assert split_statements(text) == expected


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("SELECT 'unclosed;", "unclosed quote"),
        ("SELECT 1;\nSELECT $$ unclosed;", r"line 2: unclosed dollar-quoted body"),
        ("SELECT (1;", "unclosed '\\('"),
        ("-- atlas:delimiter GO\nSELECT 1\nGO", "must be followed by a blank line"),
    ],
)
def test_split_statements_rejects_malformed_input(text: str, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        split_statements(text)


# Atlas's scanner per driver (lex.go with each driver's options): (text, dialect, statements or the error)
DRIVER_CASES = {
    "postgresql: an unquoted $$ opens a dollar-quoted body": (
        "CREATE TABLE price$$history (id INT);\nSELECT 1;", "postgresql", ValueError("unclosed dollar-quoted")),
    "postgresql: a quoted $$ does not": (
        'CREATE TABLE "price$$history" (id INT);\nSELECT 1;', "postgresql",
        ['CREATE TABLE "price$$history" (id INT);', "SELECT 1;"]),
    "postgresql: backslashes in E'' strings read the same with and without escapes": (
        "SELECT E'a\\\\b; \\n';\nSELECT 'a\\';", "postgresql", ["SELECT E'a\\\\b; \\n';", "SELECT 'a\\';"]),
    "postgresql: an E'' string Atlas's source reads without escapes ends elsewhere": (
        "SELECT E'it\\'s; x';\nSELECT 1;", "postgresql", ValueError("E'' string")),
    "postgresql: BEGIN ATOMIC bodies": (
        "CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;\nSELECT 3;", "postgresql",
        ["CREATE FUNCTION f() RETURNS int LANGUAGE sql BEGIN ATOMIC SELECT 1; SELECT 2; END;", "SELECT 3;"]),
    "mysql: a backslash escapes the closing backquote": (
        "CREATE TABLE `dir\\` (id INT);", "mysql", ValueError("unclosed quote")),
    "mysql: the same text on the generic scanner": (
        "CREATE TABLE `dir\\` (id INT);", None, ["CREATE TABLE `dir\\` (id INT);"]),
    "mariadb: backslash escapes in strings": (
        "INSERT INTO t VALUES ('it\\'s; fine');\nSELECT 2;", "mariadb",
        ["INSERT INTO t VALUES ('it\\'s; fine');", "SELECT 2;"]),
    "mysql: # comments": ("SELECT 1;\n# note; here\nSELECT 2;", "mysql", ["SELECT 1;", "SELECT 2;"]),
    "generic: # is text": ("SELECT 1;\n# note; here\nSELECT 2;", None, ["SELECT 1;", "# note;", "here\nSELECT 2;"]),
    "mysql: BEGIN ... END blocks with ;": (
        "CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END;\nSELECT 1;",
        "mysql", ["CREATE TRIGGER tr BEFORE INSERT ON t FOR EACH ROW BEGIN SET NEW.a = 1; SET NEW.b = 2; END;",
                  "SELECT 1;"]),
    "a delimiter is matched before a comment: -- end cuts at -- endless": (
        "-- atlas:delimiter -- end\n\nCREATE TRIGGER tr BEGIN\n  -- endless loop guard\n  SET x = 1;\nEND\n-- end\n",
        "mysql", ["CREATE TRIGGER tr BEGIN", "less loop guard\n  SET x = 1;\nEND"]),
    "a delimiter inside parentheses ends nothing": (
        "-- atlas:delimiter GO\n\nSELECT (1 GO 2)\nGO\n", "postgresql", ["SELECT (1 GO 2)"]),
}


@pytest.mark.parametrize(("text", "dialect", "expected"), DRIVER_CASES.values(), ids=DRIVER_CASES.keys())
def test_split_statements_per_driver(text: str, dialect: str | None, expected: list[str] | ValueError) -> None:
    if isinstance(expected, ValueError):
        with pytest.raises(ValueError, match=str(expected)):
            split_statements(text, dialect)
    else:
        assert split_statements(text, dialect) == expected


# --- type families (offline) --------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("type_", "family"),
    [
        (sa.BigInteger(), "integer"),
        (sa.Enum("a", "b", name="e"), "enum"),
        (sa.Enum("a", "b", native_enum=False), "string"),
        (sa.Double(), "float"),
        (sa.Numeric(10, 2), "numeric"),
        (sa.UnicodeText(), "text"),
        (mysql.LONGTEXT(), "text"),
        (postgresql.JSONB(), "json"),
        (postgresql.INTERVAL(), "interval"),
        (postgresql.BYTEA(), "binary"),
        (postgresql.ARRAY(sa.Integer), "array"),
    ],
    ids=repr,
)
def test_type_family(type_: sa.types.TypeEngine[Any], family: str) -> None:
    assert type_family(type_) == family


def test_type_family_resolves_variants_for_the_dialect() -> None:
    type_ = sa.JSON().with_variant(sa.Text(), "mysql")
    assert type_family(type_, mysql.dialect()) == "text"
    assert type_family(type_, postgresql.dialect()) == "json"


# --- running the provider -----------------------------------------------------------------------------------


def test_run_provider_runs_a_separate_process_like_atlas(tmp_path: Path) -> None:
    # A stand-in package in cwd shadows the real one: this tests the runner, not the provider.
    fake = tmp_path / "atlas_provider"
    fake.mkdir()
    (fake / "__main__.py").write_text(
        textwrap.dedent(
            """
            import os, sys
            print("schema", *sys.argv[1:], os.environ["EXTRA"], sys.stdin.read() == "")
            print("diagnostic", file=sys.stderr)
            sys.exit(3)
            """
        )
    )
    result = run_provider("--dialect", "sqlite", cwd=tmp_path, env={"EXTRA": "é"})
    assert (result.returncode, result.stdout, result.stderr) == (
        3,
        "schema --dialect sqlite é True\n",
        "diagnostic\n",
    )


# --- live backends ------------------------------------------------------------------------------------------


def blog_model() -> sa.MetaData:
    """The model the hand-written DDL below describes."""
    metadata = sa.MetaData()
    sa.Table(
        "users",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("email", sa.String(255), nullable=False, comment="Login e-mail"),
        sa.Column("name", sa.String(100)),
        sa.Column("active", sa.Boolean, nullable=False, server_default=sa.true()),
        sa.Column("created_at", sa.DateTime, nullable=False, server_default=sa.func.now()),
        sa.UniqueConstraint("email"),
        comment="People; who post",
    )
    sa.Table(
        "posts",
        metadata,
        sa.Column("id", sa.Integer, primary_key=True),
        sa.Column("user_id", sa.ForeignKey("users.id", ondelete="CASCADE"), nullable=False),
        sa.Column("title", sa.String(200), nullable=False),
        sa.Column("body", sa.Text),
        sa.Column("score", sa.Numeric(10, 2), nullable=False, server_default="0"),
        sa.Column("meta", sa.JSON),
        sa.CheckConstraint("score >= 0", name="ck_posts_score"),
        # Not led by user_id, so InnoDB adds an index of its own for the foreign key.
        sa.Index("ix_posts_title_user", "title", "user_id"),
    )
    return metadata


# Hand-written, as a provider might print it for each backend: comments, a column-level check on MySQL (which
# MariaDB reflects differently from a table-level one), semicolons inside comment strings.
BLOG_DDL = {
    "postgresql": """
        -- atlas:pos users[type=table] app/models.py:10
        CREATE TABLE users (
            id SERIAL NOT NULL,
            email VARCHAR(255) NOT NULL,
            name VARCHAR(100),
            active BOOLEAN DEFAULT true NOT NULL,
            created_at TIMESTAMP WITHOUT TIME ZONE DEFAULT now() NOT NULL,
            PRIMARY KEY (id),
            UNIQUE (email)
        );
        COMMENT ON TABLE users IS 'People; who post';
        COMMENT ON COLUMN users.email IS 'Login e-mail';
        -- atlas:pos posts[type=table] app/models.py:20
        CREATE TABLE posts (
            id SERIAL NOT NULL,
            user_id INTEGER NOT NULL,
            title VARCHAR(200) NOT NULL,
            body TEXT,
            score NUMERIC(10, 2) DEFAULT 0 NOT NULL,
            meta JSON,
            PRIMARY KEY (id),
            CONSTRAINT ck_posts_score CHECK (score >= 0),
            FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_posts_title_user ON posts (title, user_id);
    """,
    "mysql": """
        CREATE TABLE users (
            id INTEGER NOT NULL AUTO_INCREMENT,
            email VARCHAR(255) NOT NULL COMMENT 'Login e-mail',
            name VARCHAR(100),
            active BOOL NOT NULL DEFAULT true,
            created_at DATETIME NOT NULL DEFAULT CURRENT_TIMESTAMP,
            PRIMARY KEY (id),
            UNIQUE (email)
        ) COMMENT 'People; who post';
        CREATE TABLE posts (
            id INTEGER NOT NULL AUTO_INCREMENT,
            user_id INTEGER NOT NULL,
            title VARCHAR(200) NOT NULL,
            body TEXT,
            score NUMERIC(10, 2) NOT NULL DEFAULT 0 CHECK (score >= 0),
            meta JSON,
            PRIMARY KEY (id),
            FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_posts_title_user ON posts (title, user_id);
    """,
    "sqlite": """
        CREATE TABLE users (
            id INTEGER NOT NULL,
            email VARCHAR(255) NOT NULL,
            name VARCHAR(100),
            active BOOLEAN DEFAULT 1 NOT NULL,
            created_at DATETIME DEFAULT CURRENT_TIMESTAMP NOT NULL,
            PRIMARY KEY (id),
            UNIQUE (email)
        );
        CREATE TABLE posts (
            id INTEGER NOT NULL,
            user_id INTEGER NOT NULL,
            title VARCHAR(200) NOT NULL,
            body TEXT,
            score NUMERIC(10, 2) DEFAULT 0 NOT NULL,
            meta JSON,
            PRIMARY KEY (id),
            CONSTRAINT ck_posts_score CHECK (score >= 0),
            FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_posts_title_user ON posts (title, user_id);
    """,
    # Not run on these machines (no SQL Server): checked only where ATLAS_TEST_MSSQL_URL is set.
    "mssql": """
        CREATE TABLE users (
            id INTEGER NOT NULL IDENTITY,
            email VARCHAR(255) NOT NULL,
            name VARCHAR(100) NULL,
            active BIT NOT NULL DEFAULT 1,
            created_at DATETIME2 NOT NULL DEFAULT CURRENT_TIMESTAMP,
            PRIMARY KEY (id),
            UNIQUE (email)
        );
        EXEC sp_addextendedproperty 'MS_Description', 'People; who post', 'SCHEMA', 'dbo', 'TABLE', 'users';
        EXEC sp_addextendedproperty 'MS_Description', 'Login e-mail', 'SCHEMA', 'dbo', 'TABLE', 'users',
            'COLUMN', 'email';
        CREATE TABLE posts (
            id INTEGER NOT NULL IDENTITY,
            user_id INTEGER NOT NULL,
            title VARCHAR(200) NOT NULL,
            body VARCHAR(max) NULL,
            score NUMERIC(10, 2) NOT NULL DEFAULT 0,
            meta NVARCHAR(max) NULL,
            PRIMARY KEY (id),
            CONSTRAINT ck_posts_score CHECK (score >= 0),
            FOREIGN KEY (user_id) REFERENCES users (id) ON DELETE CASCADE
        );
        CREATE INDEX ix_posts_title_user ON posts (title, user_id);
    """,
}
BLOG_DDL["mariadb"] = BLOG_DDL["mysql"]


def load_blog(backend: Backend, engine: Engine) -> None:
    if backend.name not in BLOG_DDL:
        pytest.skip(f"no hand-written DDL for {backend.name}")
    load_ddl(textwrap.dedent(BLOG_DDL[backend.name]), engine)


def test_hand_written_ddl_matches_its_model(backend: Backend, fresh_db: Engine) -> None:
    load_blog(backend, fresh_db)
    assert_schema_matches(blog_model(), reflect(fresh_db), backend.name)


def test_every_difference_is_reported(backend: Backend, fresh_db: Engine) -> None:
    load_blog(backend, fresh_db)
    model = blog_model()
    users, posts = model.tables["users"], model.tables["posts"]
    users.append_column(sa.Column("nickname", sa.String(50)))
    sa.Index("ix_users_name", users.c.name)
    posts.c.title.nullable = True
    with pytest.raises(AssertionError) as failure:
        assert_schema_matches(model, reflect(fresh_db), backend.name)
    message = str(failure.value)
    assert "(3 differences)" in message
    assert "users: column nickname missing" in message
    assert "users: index (name) missing" in message
    assert "posts: column title: NULL expected, got NOT NULL" in message


def test_a_missing_table_and_foreign_key_are_reported(backend: Backend, fresh_db: Engine) -> None:
    load_blog(backend, fresh_db)
    model = blog_model()
    sa.Table("tags", model, sa.Column("id", sa.Integer, primary_key=True))
    sa.Table("wrong", model, sa.Column("id", sa.Integer, primary_key=True))
    model.tables["posts"].append_constraint(sa.ForeignKeyConstraint(["id"], ["wrong.id"]))
    with pytest.raises(AssertionError) as failure:
        assert_schema_matches(model, reflect(fresh_db), backend.name)
    assert "table tags missing" in str(failure.value)
    assert "posts: foreign key (id) -> wrong(id) missing" in str(failure.value)


def test_fresh_database_is_empty_and_dropped_afterwards(backend: Backend) -> None:
    with backend.fresh_database() as engine:
        assert reflect(engine).tables == {}
        load_ddl("CREATE TABLE t (id INTEGER PRIMARY KEY);", engine)
    with pytest.raises(sa.exc.OperationalError):
        engine.connect().close()


def test_schemas_the_ddl_creates_are_reflected_and_dropped(backend: Backend) -> None:
    if not backend.traits.schemas:
        pytest.skip(f"{backend.name} has a single schema")
    schema = f"atlas_support_{uuid.uuid4().hex[:8]}"  # server-wide on MariaDB: never an existing name
    create_schema = f"CREATE SCHEMA {schema};"
    with backend.fresh_database() as engine:
        load_blog(backend, engine)
        # The default schema is named: MySQL resolves an unqualified REFERENCES in the table's own schema.
        default = sa.inspect(engine).default_schema_name
        events = f"""{create_schema}
            CREATE TABLE {schema}.events (
                id INTEGER NOT NULL PRIMARY KEY,
                user_id INTEGER,
                FOREIGN KEY (user_id) REFERENCES {default}.users (id)
            );"""
        load_ddl(events, engine, require_clean=False)
        model = blog_model()
        sa.Table(
            "events",
            model,
            sa.Column("id", sa.Integer, primary_key=True, autoincrement=False),
            sa.Column("user_id", sa.ForeignKey("users.id")),
            schema=schema,
        )
        assert_schema_matches(model, reflect(engine), backend.name)
    with backend.fresh_database() as engine:
        load_ddl(create_schema, engine)  # fails on MySQL/MariaDB if the first database's cleanup missed it


# MariaDB has no expression indexes; the same text suits both backends that do.
_EXPRESSION_INDEX = """
    CREATE TABLE t (id INTEGER NOT NULL PRIMARY KEY, name VARCHAR(50));
    CREATE UNIQUE INDEX ix ON t (lower(name));
"""
EXPRESSION_INDEX_DDL = {"postgresql": _EXPRESSION_INDEX, "sqlite": _EXPRESSION_INDEX}


def test_expression_indexes_are_counted(backend: Backend, fresh_db: Engine) -> None:
    if backend.name not in EXPRESSION_INDEX_DDL:
        pytest.skip(f"no expression index written for {backend.name}")
    load_ddl(EXPRESSION_INDEX_DDL[backend.name], fresh_db)
    model = sa.MetaData()
    table = sa.Table(
        "t", model, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(50))
    )
    with pytest.raises(AssertionError, match="t: unexpected unique expression index"):
        assert_schema_matches(model, reflect(fresh_db), backend.name)
    sa.Index("ix", sa.func.lower(table.c.name), unique=True)
    assert_schema_matches(model, reflect(fresh_db), backend.name)


def test_load_ddl_sends_text_verbatim(fresh_db: Engine) -> None:
    # Through DBAPI parameter handling, psycopg would turn '%' into '$1' and pymysql would fail on it.
    load_ddl("CREATE TABLE pct (id INTEGER PRIMARY KEY, note VARCHAR(20) DEFAULT '100%s $1');", fresh_db)
    default = reflect(fresh_db).tables["pct"].c.note.server_default
    assert isinstance(default, sa.DefaultClause)
    assert "100%s $1" in str(default.arg)


def test_load_ddl_names_the_failing_statement(fresh_db: Engine) -> None:
    ddl = "CREATE TABLE a (id INTEGER PRIMARY KEY);\nCREATE TABLE a (id INTEGER PRIMARY KEY);"
    with pytest.raises(AssertionError, match=r"statement 2 of 2 failed .*\nCREATE TABLE a"):
        load_ddl(ddl, fresh_db)


def test_load_ddl_refuses_a_database_that_is_not_clean(fresh_db: Engine) -> None:
    load_ddl("CREATE TABLE a (id INTEGER PRIMARY KEY);", fresh_db)
    with pytest.raises(AssertionError, match="not clean.*\\ba\\b"):
        load_ddl("CREATE TABLE b (id INTEGER PRIMARY KEY);", fresh_db)


# --- the test run itself: pyproject.toml's addopts pass pytest-xdist's -n 2 --dist loadgroup ------------------------


@pytest.mark.parametrize("extra, code", [([], pytest.ExitCode.USAGE_ERROR), (["-n", "0"], pytest.ExitCode.OK)],
                         ids=["-n 2 from addopts", "-n 0"])
def test_a_run_without_pytest_xdist_says_what_to_do(extra: list[str], code: int) -> None:
    """Without the plugin pytest stopped at "unrecognized arguments: -n --dist loadgroup"."""
    root = Path(__file__).parent.parent
    result = subprocess.run([sys.executable, "-m", "pytest", "-p", "no:xdist", "--collect-only", "-q", *extra,
                             "tests/test_init.py"], cwd=root, stdin=subprocess.DEVNULL, capture_output=True,
                            encoding="utf-8", timeout=120, check=False)
    assert result.returncode == code, result.stdout + result.stderr
    if code == pytest.ExitCode.USAGE_ERROR:
        assert "unrecognized arguments" not in result.stderr
        assert "pytest-xdist is installed but not loaded" in result.stderr and "add -n 0" in result.stderr, \
            result.stderr


@pytest.mark.full  # two workers start: about 7 s
def test_the_mysql_server_tests_run_on_one_worker() -> None:
    """--dist loadgroup grouped nothing (pytest 9.2 no longer reads the node id pytest-xdist rewrites, and the
    marks came after pytest-xdist read them): the MySQL/MariaDB tests were spread over both workers."""
    root = Path(__file__).parent.parent
    command = [sys.executable, "-m", "pytest", "-n", "2", "-v", "-p", "no:randomly", "-p", "no:cacheprovider",
               "-k", "mysql or mariadb", "tests/test_default_schema.py"]
    result = subprocess.run(command, cwd=root, stdin=subprocess.DEVNULL, capture_output=True, encoding="utf-8",
                            timeout=300, check=False)
    assert result.returncode == 0, result.stdout + result.stderr
    ran = [line.split()[0] for line in result.stdout.splitlines()
           if line.startswith("[gw") and " PASSED " in line and ("[mysql]" in line or "[mariadb]" in line)]
    assert len(ran) >= 4 and len(set(ran)) == 1, result.stdout

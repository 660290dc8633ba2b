"""`verify` tells drift from a failure to run: what keeps it from moving rows is exit 1 and one line naming the
URL (password hidden) and the fix, never a drift report (exit 3)."""

from __future__ import annotations

import socket
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

from atlas_provider.errors import UsageError
from tests.support.backends import BACKENDS
from tests.support.provider import run_provider

pytest.importorskip("chdb", reason="verify moves rows into ClickHouse through chDB (the verify extra)")

ERROR = "atlas-provider: error: "
MODEL = """\
import sqlalchemy as sa

metadata = sa.MetaData()
items = sa.Table("items", metadata, sa.Column("id", sa.Integer, primary_key=True), sa.Column("name", sa.String(20)))
"""


def verify(tmp_path: Path, dialect: str, url: str, env: dict[str, str] | None = None) -> Any:
    (tmp_path / "shop.py").write_text(MODEL, encoding="utf-8")
    return run_provider("verify", "--path", "shop.py", "--dialect", dialect, "--dialect", "clickhouse",
                        "--app-url", url, cwd=tmp_path, env={"PYTHONPATH": "", **(env or {})}, timeout=300)


def the_error(result: Any) -> str:
    assert (result.returncode, result.stdout) == (1, ""), result.stderr
    [line] = [line for line in result.stderr.splitlines() if not line.startswith("atlas-provider: verify: ")]
    assert line.startswith(ERROR), result.stderr
    return str(line)


def closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])  # closed again when the block ends: nothing listens there


def test_a_missing_driver_names_the_package_and_the_extra(tmp_path: Path) -> None:
    """It said "internal error: ModuleNotFoundError" for the README's own postgresql:// example."""
    shadow = tmp_path / "shadow"
    shadow.mkdir()
    (shadow / "psycopg.py").write_text("raise ModuleNotFoundError(\"No module named 'psycopg'\", name='psycopg')\n")
    line = the_error(verify(tmp_path, "postgresql", "postgresql+psycopg://postgres:s3cret@127.0.0.1:5432/postgres",
                            env={"PYTHONPATH": str(shadow)}))
    assert line.startswith(ERROR + "postgresql+psycopg://postgres:***@127.0.0.1:5432/postgres: the database driver "
                                   "psycopg is not installed"), line
    assert "pip install 'psycopg[binary]'" in line and "pip install 'atlas-provider[verify]'" in line


def test_an_unknown_driver_and_a_bad_url_are_one_line(tmp_path: Path) -> None:
    line = the_error(verify(tmp_path, "postgresql", "postgresql+nosuchdriver://postgres@127.0.0.1/postgres"))
    assert "Can't load plugin" in line and "e.g. postgresql+psycopg://" in line
    line = the_error(verify(tmp_path, "postgresql", "not a url"))
    assert line.startswith(ERROR + "--app-url: not a database URL"), line


def test_a_url_that_cannot_be_parsed_never_shows_the_password(tmp_path: Path) -> None:
    """An unencoded `@ : /` in a password made the port `w`: "internal error: ValueError: invalid literal for int()
    ... 'w'", a piece of the password; SQLAlchemy before 2.0.41 quotes the whole URL in its own parse error."""
    for url in ("mysql+pymysql://root:p@ss:w/ord@127.0.0.1:3306/", "mysql+pymysql//root:s3cret@127.0.0.1:3306/"):
        line = the_error(verify(tmp_path, "mariadb", url))
        assert line.startswith(ERROR + "--app-url: not a database URL"), line
        assert "percent-encode" in line and "ss:w" not in line and "s3cret" not in line, line


def test_a_server_that_does_not_answer_is_a_failure_with_the_password_hidden(tmp_path: Path) -> None:
    line = the_error(verify(tmp_path, "postgresql", f"postgresql+psycopg://postgres:s3cret@127.0.0.1:{closed_port()}/x"))
    assert "s3cret" not in line and ":***@127.0.0.1:" in line and "cannot create a scratch database" in line


def _mariadb_at(host: str) -> str:
    url = BACKENDS["mariadb"].server_url().set(host=host)  # type: ignore[attr-defined]
    engine = sa.create_engine(url)
    try:
        engine.connect().close()
    except sa.exc.OperationalError as error:
        pytest.skip(f"the MariaDB server is not reachable as {host}: {error.orig}")
    finally:
        engine.dispose()
    return str(url.render_as_string(hide_password=False))


@pytest.mark.live
def test_localhost_in_a_mysql_url_reaches_the_readers_server(tmp_path: Path) -> None:
    """ClickHouse's mysql() reader takes `localhost` as its own Unix socket: every row looked refused, exit 3 ("the
    lake refused 8 rows"). The reader is given 127.0.0.1 instead: the rows arrive."""
    result = verify(tmp_path, "mariadb", _mariadb_at("localhost"))
    assert result.returncode == 0, result.stderr
    assert "no drift: every value of 2 columns in 1 table arrived unchanged" in result.stdout


@pytest.mark.live
def test_a_reader_that_cannot_reach_the_app_database_is_a_failure_not_drift() -> None:
    """Checked before any row moves: a reader pointed where no server listens (the app's own connection is fine)."""
    from atlas_provider.verify.appdb import app_database
    from atlas_provider.verify.lake import scratch_lake
    from atlas_provider.verify.transport import check_reader

    database = app_database("mariadb", _mariadb_at("127.0.0.1"))
    with scratch_lake() as lake, database.scratch() as engine, engine.connect() as connection:
        database.url = database.url.set(port=closed_port())  # type: ignore[union-attr]
        with pytest.raises(UsageError) as raised:
            check_reader(database, connection, lake)
    message = str(raised.value)
    assert message.startswith("mysql+pymysql://root@127.0.0.1:"), message
    assert "ClickHouse cannot read the app database through its mysql() table function" in message
    assert "ALL_CONNECTION_TRIES_FAILED" in message or "Connection refused" in message, message

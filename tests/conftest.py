"""Shared fixtures: one ``backend`` fixture parametrized over every live dev-database backend, and
``clickhouse_dev`` for ClickHouse through chDB.

Every test that reaches chDB is marked ``clickhouse`` (and ``live``) at collection, so that CI's leg on the
current chDB (``.ci/run``) runs exactly those with ``-m clickhouse``. A test reaches chDB when it asks for
``clickhouse_dev``, when its module imports ``tests.support.chdb_backend``, or when it is a live test
parametrized with the backend ``"clickhouse"``. A test that gets there another way marks itself.
"""

from __future__ import annotations

import importlib.util
import os
import sys
from collections.abc import Iterator
from types import ModuleType

import pytest
from sqlalchemy import Column, Table, event
from sqlalchemy.engine import Engine

from tests.support import chdb_backend
from tests.support.backends import BACKENDS, Backend, live_backends
from tests.support.chdb_backend import ClickHouseDev, fresh_clickhouse
from tests.support.summary import WORKEROUTPUT_KEY, add_summary_line, summary_lines

CLICKHOUSE = "clickhouse"


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.live) for name in live_backends()], ids=str)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each live backend in turn (postgresql, mysql, mariadb, sqlite; mssql when ATLAS_TEST_MSSQL_URL is set).

    Tests using it are marked ``live``, so ``-m "not live"`` runs the offline tier alone.
    """
    return BACKENDS[request.param]


# GeoAlchemy2 registers DDL listeners on the Table and Column classes themselves when it is imported (by the
# modules that test PostgreSQL's own types, at collection). They change what create_all, and so the provider,
# compiles for every table (MySQL generated columns, a schema guard on SQL Server), so for the tests of other
# modules they are taken off: the DDL a test expects must not depend on which modules were collected.
_LIBRARY_LISTENER_MODULES = ("geoalchemy2",)
_CLASS_EVENTS = {Table: ("before_create", "after_create", "before_drop", "after_drop", "column_reflect"),
                 Column: ("after_parent_attach",)}


def _library_listeners() -> list[tuple[type, str, object]]:
    found = []
    for target, names in _CLASS_EVENTS.items():
        for name in names:
            for listener in getattr(target.dispatch, name)._clslevel.get(target, ()):
                if (getattr(listener, "__module__", "") or "").startswith(_LIBRARY_LISTENER_MODULES):
                    found.append((target, name, listener))
    return found


def _module_uses_library(module: ModuleType | None) -> bool:
    return module is not None and any(
        (getattr(value, "__module__", "") or "").startswith(_LIBRARY_LISTENER_MODULES)
        or getattr(value, "__name__", "") in _LIBRARY_LISTENER_MODULES
        for value in vars(module).values()
    )


@pytest.fixture(autouse=True)
def _library_ddl_listeners_stay_with_their_tests(request: pytest.FixtureRequest) -> Iterator[None]:
    if not any(name in sys.modules for name in _LIBRARY_LISTENER_MODULES) or _module_uses_library(
            getattr(request.node, "module", None)):
        yield
        return
    removed = _library_listeners()
    for target, name, listener in removed:
        event.remove(target, name, listener)
    try:
        yield
    finally:
        for target, name, listener in removed:
            event.listen(target, name, listener)


@pytest.fixture
def fresh_db(backend: Backend) -> Iterator[Engine]:
    """An Engine on a new empty database of ``backend``, dropped after the test with all the DDL created."""
    with backend.fresh_database() as engine:
        yield engine


@pytest.fixture
def clickhouse_dev() -> Iterator[ClickHouseDev]:
    """A new empty ClickHouse dev database in chDB (skipped when chDB is not installed); marks the test
    ``live`` and ``clickhouse``."""
    pytest.importorskip("chdb", reason="chDB is the ClickHouse stand-in: pip install -e '.[test]'")
    with fresh_clickhouse() as dev:
        yield dev


def _imports_chdb_backend(module: ModuleType | None) -> bool:
    return module is not None and any(
        value is chdb_backend or getattr(value, "__module__", None) == chdb_backend.__name__
        for value in vars(module).values()
    )


def _reaches_clickhouse(item: pytest.Item) -> bool:
    if CLICKHOUSE + "_dev" in getattr(item, "fixturenames", ()):
        return True
    if _imports_chdb_backend(getattr(item, "module", None)):
        return True
    callspec = getattr(item, "callspec", None)
    return (callspec is not None and item.get_closest_marker("live") is not None
            and CLICKHOUSE in callspec.params.values())


def pytest_addoption(parser: pytest.Parser, pluginmanager: pytest.PytestPluginManager) -> None:
    parser.addoption(
        "--full", action="store_true", default=False,
        help="also run the full tier (tests marked full: long property runs, the real-project tier, repeated "
             "process attacks); also ATLAS_TEST_FULL=1. .ci/run passes it.",
    )
    if not pluginmanager.has_plugin("xdist"):
        # pyproject.toml's addopts pass -n and --dist, pytest-xdist's options: without the plugin (not installed,
        # or -p no:xdist) pytest would stop at "unrecognized arguments: -n --dist loadgroup". They are accepted
        # here instead, and pytest_configure says what to do.
        group = parser.getgroup("xdist (not loaded)")
        # _addoption: pytest reserves lowercase short options for plugins; pytest-xdist registers -n the same way.
        group._addoption("-n", "--numprocesses", dest=_NO_XDIST_N, metavar="N", default=None,
                        help="needs pytest-xdist (pip install -e '.[test]'); -n 0 runs in this process")
        group.addoption("--dist", dest=_NO_XDIST_DIST, metavar="MODE", default=None, help="needs pytest-xdist")


_NO_XDIST_N = "atlas_numprocesses_without_xdist"
_NO_XDIST_DIST = "atlas_dist_without_xdist"


def pytest_configure(config: pytest.Config) -> None:
    if config.pluginmanager.has_plugin("xdist"):
        return
    workers = config.getoption(_NO_XDIST_N, default=None)
    if workers not in (None, "0"):
        if importlib.util.find_spec("xdist") is None:
            why, fix = "not installed", "pip install -e '.[test]'"
        else:
            why, fix = "installed but not loaded", "load it (no -p no:xdist, no PYTEST_DISABLE_PLUGIN_AUTOLOAD)"
        raise pytest.UsageError(
            f"-n {workers} runs the tests on pytest-xdist's workers (pyproject.toml's addopts pass -n 2 --dist "
            f"loadgroup), and pytest-xdist is {why}: {fix}, or add -n 0 to run them in this one process")


# Folders whose every test is in the full tier: Hypothesis runs (each example a whole provider run and a live
# load) and the real-project tier (installs projects into a venv of their own).
_FULL_FOLDERS = ("property", "realprojects")


def _in_tests_folder(item: pytest.Item, *names: str) -> bool:
    return any(item.path.is_relative_to(item.config.rootpath / "tests" / name) for name in names)


def _full_tier(config: pytest.Config) -> bool:
    return bool(config.getoption("--full")) or os.environ.get("ATLAS_TEST_FULL") == "1"


# pytest-xdist groups (``--dist loadgroup``, set in pyproject.toml): the tests of a group run one after another on
# one worker while the other workers take the rest, and the biggest groups are handed out first.
# - Every test that may use the MySQL or MariaDB server: a schema there is a server-wide database, so two at once
#   would create, reflect and drop each other's (tests.support.backends.mysql_server_lock covers what this guess
#   misses, and the real-project tier's MariaDB runs).
# - The real-project tier: its environment is made, then held, by one process for the whole session.
# - The tests of one module that share a fixture of wider scope defined there (test_wheel.py's wheel and venv):
#   it is made once per process, so split over two workers it was made twice (the wheel tests' setup took 89 s
#   and 73 s). One group per module; a test in one of the groups above stays there (the lock still holds).
MYSQL_SERVER_GROUP = "mysql_server"
REALPROJECTS_GROUP = "realprojects"
_MYSQL_SERVER_NAMES = frozenset({"mysql", "mariadb"})


def _xdist_group(item: pytest.Item) -> str | None:
    if _in_tests_folder(item, "realprojects"):
        return REALPROJECTS_GROUP
    callspec = getattr(item, "callspec", None)
    if callspec is not None and any(isinstance(value, str) and value in _MYSQL_SERVER_NAMES
                                    for value in callspec.params.values()):
        return MYSQL_SERVER_GROUP
    if _shares_a_module_fixture(item):
        return f"module:{item.path.relative_to(item.config.rootpath).as_posix()}"
    return None


def _group_node_id(config: pytest.Config, item: pytest.Item, group: str) -> None:
    """On a pytest-xdist worker under --dist loadgroup, the "@<group>" node id suffix the controller schedules by,
    where pytest-xdist's own (it assigns ``item._nodeid``) has no effect: pytest 9.2's structured ``item._id``."""
    if not getattr(config.option, "loadgroup", False) or item.nodeid.endswith(f"@{group}"):
        return  # not a worker of a loadgroup run, or pytest-xdist did it (pytest before 9.2, or a fixed xdist)
    try:
        from _pytest.nodeid import NodeId
    except ImportError:  # pytest before 9.2: pytest-xdist's own suffix works there
        return
    if isinstance(getattr(item, "_id", None), NodeId):
        item._id = NodeId.parse(f"{item.nodeid}@{group}")


def _shares_a_module_fixture(item: pytest.Item) -> bool:
    module = getattr(item, "module", None)
    fixtures = getattr(getattr(item, "_fixtureinfo", None), "name2fixturedefs", {})
    return module is not None and any(
        definitions[-1].scope != "function" and getattr(definitions[-1].func, "__module__", None) == module.__name__
        for definitions in fixtures.values() if definitions)


# No test was ever grouped, for two reasons, so the MySQL/MariaDB tests ran on every worker, kept apart by the server
# lock alone, and the real-project tier's session could wait 30 minutes for the other worker's environment lock:
# - pytest-xdist's worker reads the xdist_group marks in its own pytest_collection_modifyitems, which ran before
#   this one (a plugin registered after the conftest): tryfirst.
# - It groups by appending "@<group>" to the test's node id, through an attribute pytest 9.2 no longer reads (node
#   ids are structured now): https://github.com/pytest-dev/pytest-xdist/issues/1386. _group_node_id does it.
@pytest.hookimpl(tryfirst=True)
def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        if _reaches_clickhouse(item):
            item.add_marker(pytest.mark.clickhouse)
            item.add_marker(pytest.mark.live)
        if _in_tests_folder(item, *_FULL_FOLDERS):
            item.add_marker(pytest.mark.full)
        group = _xdist_group(item)
        if group is not None:
            item.add_marker(pytest.mark.xdist_group(group))
            _group_node_id(config, item, group)
    if _full_tier(config):
        return
    # The default run is the habit tier: tests marked full are deselected (not skipped), so the count a run
    # reports is what it ran.
    kept = [item for item in items if item.get_closest_marker("full") is None]
    if len(kept) != len(items):
        config.hook.pytest_deselected(items=[item for item in items if item.get_closest_marker("full") is not None])
        items[:] = kept


@pytest.hookimpl(optionalhook=True)  # a pytest-xdist hook: a worker is done, with what it sent back
def pytest_testnodedown(node: object, error: object) -> None:
    for line in getattr(node, "workeroutput", {}).get(WORKEROUTPUT_KEY, []):
        add_summary_line(node.config, line)  # type: ignore[attr-defined]


def pytest_terminal_summary(terminalreporter: pytest.TerminalReporter, config: pytest.Config) -> None:
    for line in summary_lines(config):
        terminalreporter.write_line(line)

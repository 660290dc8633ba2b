"""The real-project tier's fixtures: the projects' environment, made once per session, and the three backends
issue 9 asks for (PostgreSQL, MariaDB, SQLite)."""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.realprojects.environment import Environment, prepared
from tests.support.backends import BACKENDS, Backend
from tests.support.summary import add_summary_line

TIER_BACKENDS = ("postgresql", "mariadb", "sqlite")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "realprojects: installs real open-source projects and loads their models")


@pytest.fixture(params=[pytest.param(n, marks=pytest.mark.live) for n in TIER_BACKENDS], ids=str)
def backend(request: pytest.FixtureRequest) -> Backend:
    """PostgreSQL, MariaDB and SQLite in turn (the shared ``fresh_db`` fixture gives a database of it)."""
    return BACKENDS[request.param]


@pytest.fixture(scope="session")
def realprojects(request: pytest.FixtureRequest) -> Iterator[Environment]:
    """The projects' environment with this checkout's provider, held (locked) for the whole session.

    A failed install is an error of every test that needs it, never a skip.
    """
    with prepared() as environment:
        if environment.install_seconds is not None:
            add_summary_line(request.config, f"real-project environment installed in {environment.install_seconds} s")
        yield environment

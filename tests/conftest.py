"""Shared fixtures: one ``backend`` fixture parametrized over every live dev-database backend."""

from __future__ import annotations

from collections.abc import Iterator

import pytest
from sqlalchemy.engine import Engine

from tests.support.backends import BACKENDS, Backend, live_backends


@pytest.fixture(params=[pytest.param(name, marks=pytest.mark.live) for name in live_backends()], ids=str)
def backend(request: pytest.FixtureRequest) -> Backend:
    """Each live backend in turn (postgresql, mysql, mariadb, sqlite; mssql when ATLAS_TEST_MSSQL_URL is set).

    Tests using it are marked ``live``, so ``-m "not live"`` runs the offline tier alone.
    """
    return BACKENDS[request.param]


@pytest.fixture
def fresh_db(backend: Backend) -> Iterator[Engine]:
    """An Engine on a new empty database of ``backend``, dropped after the test with all the DDL created."""
    with backend.fresh_database() as engine:
        yield engine

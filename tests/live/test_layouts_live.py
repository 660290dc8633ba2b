"""Every layout of tests/models, live: the provider finds the whole model, and its output loads and reflects
back to it on each real dev database."""

from __future__ import annotations

import pytest
from sqlalchemy.engine import Engine

from tests.live.stand_in import assert_atlas_loads_the_model
from tests.models import LAYOUTS, Layout, load_layout, provider
from tests.support import Backend
from tests.support.backends import live_backends

# Where the files are found does not depend on the database: every layout runs on SQLite, and the layout that
# carries the dialect features (schemas, checks, identity, events...) on every backend; the other pairs are
# the full tier.
FAST_BACKEND, EVERY_BACKEND = "sqlite", "features"


def _pairs() -> list[object]:
    return [
        pytest.param(layout, name, id=f"{key}-{name}", marks=[pytest.mark.live] + (
            [] if FAST_BACKEND == name or key == EVERY_BACKEND else [pytest.mark.full]))
        for key, layout in LAYOUTS.items() for name in live_backends()
    ]


@pytest.mark.parametrize(("layout", "backend"), _pairs(), indirect=["backend"])
def test_layout_loads_and_reflects_back_to_the_model(layout: Layout, backend: Backend, fresh_db: Engine) -> None:
    model = load_layout(layout.name)
    assert {t.fullname for t in model.tables} == layout.tables  # the in-process load found it all too

    result = provider(*layout.args(), "--dialect", backend.dialect, cwd=layout.folder)

    assert_atlas_loads_the_model(result, model, backend, fresh_db)

"""examples/shop, live: as a user runs it, loaded on each real dev database and reflected back to the model."""

from __future__ import annotations

from sqlalchemy.engine import Engine

from tests.live.stand_in import assert_atlas_loads_the_model
from tests.models import ROOT, load_example, provider
from tests.support import Backend


def test_example_loads_and_reflects_back_to_the_model(backend: Backend, fresh_db: Engine) -> None:
    result = provider("--path", "examples/shop", "--dialect", backend.dialect, cwd=ROOT)

    assert_atlas_loads_the_model(result, load_example(), backend, fresh_db)
    # MariaDB keeps the e-mail uniqueness through a generated column (the model asks for it), so nothing is lost
    assert "expression index" not in result.stderr

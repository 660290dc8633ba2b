"""The long property run (marked slow) runs only when asked for: ``-m slow`` (see README.md)."""

from __future__ import annotations

import pytest


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if "slow" in (config.getoption("-m") or ""):
        return
    skip = pytest.mark.skip(reason="long property run: ATLAS_PROPERTY_EXAMPLES=1000 pytest tests/property -m slow")
    for item in items:
        if item.get_closest_marker("slow") is not None and item.path.is_relative_to(config.rootpath / "tests" / "property"):
            item.add_marker(skip)

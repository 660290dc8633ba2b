"""Which ClickHouse the chDB tests ran on, so that a CI leg cannot silently test the same version twice.

``.ci/run`` sets ``ATLAS_TEST_CLICKHOUSE_VERSION`` per leg to a version specifier (``==23.10.*`` for chDB
1.0.2, ``>=24`` for the current chDB); without it the test only checks that chDB answers with a version.
"""

from __future__ import annotations

import os

from packaging.specifiers import SpecifierSet
from packaging.version import Version

from tests.support.chdb_backend import ClickHouseDev


def test_clickhouse_version_is_the_one_this_leg_expects(clickhouse_dev: ClickHouseDev) -> None:
    version = Version(clickhouse_dev.version())
    print(f"ClickHouse {version}")  # shown with -rP or -s
    expected = os.environ.get("ATLAS_TEST_CLICKHOUSE_VERSION")
    if expected:
        assert version in SpecifierSet(expected), f"ClickHouse {version}, expected {expected}"
    assert version.major >= 23

"""chDB is the optional `verify` extra: printing DDL, check and the verify package's import never load it."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).parent.parent.parent

PROBE = """
import sys
from atlas_provider import render_ddl
import atlas_provider.verify
from atlas_provider.cli import app
render_ddl(["examples/shop"], dialect="clickhouse")
print(sorted(name for name in sys.modules if name.split(".")[0] == "chdb"))
"""


def test_ddl_and_the_verify_package_do_not_import_chdb() -> None:
    result = subprocess.run([sys.executable, "-c", PROBE], cwd=ROOT, capture_output=True, text=True, check=False)
    assert (result.returncode, result.stdout.strip()) == (0, "[]"), result.stderr


def test_the_extra_names_chdb_and_the_drivers_of_its_example_urls() -> None:
    """The drivers `verify`'s messages name (postgresql+psycopg://, mysql+pymysql://) come with the extra."""
    text = (ROOT / "pyproject.toml").read_text()
    assert 'verify = ["chdb>=1.0.2", "psycopg[binary]>=3.1", "pymysql>=1.1"]' in text

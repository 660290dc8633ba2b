"""Run the provider N times on a model whose thread prints all along; count runs whose stdout is not clean DDL.

    python bench/stdout_race.py [--runs 200] [--python PY]

Before the child process, a model thread's text reached stdout after the DDL in a few runs in a hundred.
Each run here must exit 0 with stdout exactly one CREATE TABLE statement. The interpreter's defaults are
used (PYTHONDONTWRITEBYTECODE and PYTHONUNBUFFERED unset), as on a user's machine. Standard library only.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
MODEL = """\
import sys, threading

import sqlalchemy as sa

def chatter():
    while True:
        print("thread says hello")
        sys.stdout.flush()

threading.Thread(target=chatter, daemon=True).start()

metadata = sa.MetaData()
customers = sa.Table("customers", metadata, sa.Column("id", sa.Integer, primary_key=True))
"""
EXPECTED = "CREATE TABLE customers (\n\tid SERIAL NOT NULL, \n\tPRIMARY KEY (id)\n);\n"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    venv_python = REPO / ".venv" / "bin" / "python"
    parser.add_argument("--python", default=str(venv_python if venv_python.exists() else sys.executable))
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="atlas-stdout-race-") as folder:
        root = Path(folder)
        (root / "app").mkdir()
        (root / "app" / "models.py").write_text(MODEL, encoding="utf-8")
        env = {k: v for k, v in os.environ.items() if k not in ("PYTHONDONTWRITEBYTECODE", "PYTHONUNBUFFERED")}
        env.update(PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(root / "cache"))
        bad: dict[str, int] = {}
        started = time.perf_counter()
        for number in range(1, args.runs + 1):
            done = subprocess.run([args.python, "-m", "atlas_provider", "--path", "app", "--dialect", "postgresql"],
                                  cwd=root, env=env, stdin=subprocess.DEVNULL, capture_output=True, text=True,
                                  check=False)
            if done.returncode != 0:
                kind = f"exit {done.returncode}: {done.stderr.strip().splitlines()[-1][:120]}"
            elif not done.stdout.endswith(EXPECTED) or done.stdout.count("CREATE TABLE") != 1 or "hello" in done.stdout:
                kind = "exit 0 with wrong stdout"
            else:
                continue
            bad[kind] = bad.get(kind, 0) + 1
            print(f"run {number}: {kind}", file=sys.stderr)
        elapsed = time.perf_counter() - started
    good = args.runs - sum(bad.values())
    print(f"{good}/{args.runs} runs exit 0 with clean DDL ({elapsed:.0f} s, load average {os.getloadavg()[0]:.1f})")
    for kind, count in sorted(bad.items()):
        print(f"  {count} x {kind}")
    return 0 if not bad else 1


if __name__ == "__main__":
    raise SystemExit(main())

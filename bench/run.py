"""Benchmark atlas-provider against atlas-provider-sqlalchemy and the bare import of the models.

    python bench/run.py [--sizes 2,100,500] [--runs 5] [--python PY] ...

See bench/README.md. Python stdlib only: the tools under test run in their own interpreters.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

# `python bench/run.py` puts bench/ first on sys.path
from generate import PACKAGE, ModelPackage, generate
from measure import Result, Sample, run_once
from report import check_targets, report

BENCH = Path(__file__).resolve().parent
REPO = BENCH.parent
DEFAULT_SIZES = (2, 100, 500, 2000, 5000)
EXISTING = "atlas-provider-sqlalchemy"


@dataclass
class Tool:
    """One way of producing (or, for the floor, of merely loading) the schema of a model package."""

    name: str
    argv: Callable[[ModelPackage], list[str]]
    env: Callable[[ModelPackage], dict[str, str]]
    # how many tables a run's stdout shows: CREATE TABLE statements, or the number the floor printed
    count: Callable[[str], int]


# ---------------------------------------------------------------------------------------------- the tools


def _clean_env(**extra: str) -> dict[str, str]:
    """The caller's environment without PYTHON* variables, so every tool starts alike, plus ``extra``."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("PYTHON")}
    env.update(extra)
    return env


def _count_create_tables(stdout: str) -> int:
    return sum(1 for line in stdout.splitlines() if line.lstrip().upper().startswith("CREATE TABLE"))


def _count_loaded(stdout: str) -> int:
    try:
        return int(stdout.strip())
    except ValueError:
        return -1


def floor_code(package: ModelPackage) -> str:
    """Import the model modules and nothing else; print how many tables that registered (no import needed)."""
    return (
        f"import {', '.join(package.modules)}; import sys; "
        f"print(len(sys.modules['{PACKAGE}.base'].Base.metadata.tables))"
    )


def make_tools(python: str, existing_venv: Path | None, bytecode_home: Path) -> list[Tool]:
    """Our provider and the floor run on ``python`` with the same sys.path (the checkout first, so the working
    tree is what gets measured); the existing provider runs from its own venv."""

    def ours_env(pkg: ModelPackage) -> dict[str, str]:
        # the provider keeps the model's compiled code under $XDG_CACHE_HOME (atlas_provider/freshsource.py):
        # the bench's go in the work folder, not in the user's home
        return _clean_env(PYTHONPATH=str(REPO), XDG_CACHE_HOME=str(bytecode_home))

    def floor_env(pkg: ModelPackage) -> dict[str, str]:
        return _clean_env(PYTHONPATH=str(REPO))

    def ours(pkg: ModelPackage) -> list[str]:
        return [python, "-m", "atlas_provider", "--path", str(pkg.models_dir), "--dialect", "postgresql"]

    def floor(pkg: ModelPackage) -> list[str]:
        return [python, "-c", floor_code(pkg)]

    tools = [
        Tool("floor", floor, floor_env, _count_loaded),
        Tool("ours", ours, ours_env, _count_create_tables),
    ]
    if existing_venv is None:
        return tools

    def existing(pkg: ModelPackage) -> list[str]:
        return [
            str(existing_venv / "bin" / EXISTING),
            "--path",
            str(pkg.models_dir),
            "--dialect",
            "postgresql",
        ]

    def existing_env(pkg: ModelPackage) -> dict[str, str]:
        # its console script does not put the current folder on sys.path, and the models'
        # absolute `from benchmodels.base import Base` needs the package root there
        return _clean_env(PYTHONPATH=str(pkg.root))

    tools.append(Tool("existing", existing, existing_env, _count_create_tables))
    return tools


def _probe(python: str) -> dict[str, str]:
    """Interpreter path, Python and SQLAlchemy versions of ``python``."""
    code = (
        "import sys, platform, importlib.metadata as m\n"
        "try: sa = m.version('sqlalchemy')\nexcept m.PackageNotFoundError: sa = ''\n"
        "print(sys.executable, platform.python_version(), sa, sep='\\n')"
    )
    done = subprocess.run([python, "-c", code], capture_output=True, text=True, env=_clean_env(), check=True)
    executable, version, sqlalchemy = (done.stdout.splitlines() + ["", "", ""])[:3]
    return {"python": python, "executable": executable, "version": version, "sqlalchemy": sqlalchemy}


def ensure_existing_venv(venv: Path, base_python: str, version: str, sqlalchemy: str) -> Path:
    """Create ``venv`` with ``base_python`` and install the existing provider from PyPI, once.

    SQLAlchemy is pinned to the version our interpreter has, so the comparison is of the providers alone.
    """
    python = venv / "bin" / "python"
    wanted = [f"{EXISTING}=={version}"] + ([f"sqlalchemy=={sqlalchemy}"] if sqlalchemy else [])
    check = "import importlib.metadata as m; print(*(f'{n}=={m.version(n)}' for n in %r))" % [
        w.split("==")[0] for w in wanted
    ]
    if python.exists():
        done = subprocess.run([str(python), "-c", check], capture_output=True, text=True, env=_clean_env())
        if done.returncode == 0 and done.stdout.split() == wanted:
            return venv
    print(f"installing {' '.join(wanted)} into {venv} ...", file=sys.stderr)
    if not python.exists():
        subprocess.run([base_python, "-m", "venv", str(venv)], check=True, env=_clean_env())
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", *wanted], check=True, env=_clean_env())
    return venv


# -------------------------------------------------------------------------------------------- measuring


def bench_size(package: ModelPackage, tools: list[Tool], runs: int, timeout: float) -> list[Result]:
    """One discarded warm-up per tool, then ``runs`` rounds, each running every tool once, in a rotating order
    so that noise and ordering effects fall on all tools alike."""
    files = len(package.modules)
    results = {t.name: Result(package.tables, files, t.name) for t in tools}

    def once(tool: Tool) -> Sample:
        return run_once(
            tool.argv(package),
            cwd=package.root,
            env=tool.env(package),
            expected=package.tables,
            count=tool.count,
            timeout=timeout,
        )

    active = []
    for tool in tools:
        warm = once(tool)
        if warm.ok:
            active.append(tool)
        else:
            results[tool.name].note = f"failed warm-up: {warm.error}"
            print(f"  {package.tables:>5} tables  {tool.name:<10} {results[tool.name].note}", file=sys.stderr)
    for round_ in range(runs):
        shift = round_ % len(active) if active else 0
        for tool in active[shift:] + active[:shift]:
            sample = once(tool)
            results[tool.name].samples.append(sample)
            status = "ok" if sample.ok else sample.error
            print(
                f"  {package.tables:>5} tables  {tool.name:<10} run {round_ + 1}/{runs}  "
                f"{sample.seconds:7.3f} s  {sample.peak_rss_mb:7.1f} MB  {status}",
                file=sys.stderr,
            )
    return list(results.values())


# ------------------------------------------------------------------------------------------------ main


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    venv_python = REPO / ".venv" / "bin" / "python"
    parser = argparse.ArgumentParser(description="Benchmark atlas-provider (see bench/README.md).")
    parser.add_argument(
        "--sizes",
        default=",".join(map(str, DEFAULT_SIZES)),
        help="comma-separated table counts (default: %(default)s)",
    )
    parser.add_argument(
        "--runs", type=int, default=5, help="timed runs per tool and size (default: %(default)s)"
    )
    parser.add_argument(
        "--python",
        default=str(venv_python if venv_python.exists() else Path(sys.executable)),
        help="interpreter for our provider and the floor (default: %(default)s)",
    )
    parser.add_argument(
        "--tools",
        default="floor,ours,existing",
        help="which of floor,ours,existing to run (default: %(default)s)",
    )
    parser.add_argument(
        "--existing-version", default="0.5.2", help=f"{EXISTING} version (default: %(default)s)"
    )
    parser.add_argument(
        "--work-dir",
        type=Path,
        default=BENCH / ".work",
        help="where model packages are generated (default: bench/.work)",
    )
    parser.add_argument("--timeout", type=float, default=600, help="seconds before a run is killed")
    parser.add_argument(
        "--json", type=Path, help="where to write results (default: bench/results/<timestamp>.json)"
    )
    parser.add_argument("--strict", action="store_true", help="exit 1 when a target fails")
    args = parser.parse_args(argv)
    args.sizes = [int(s) for s in args.sizes.split(",") if s.strip()]
    args.tools = [t.strip() for t in args.tools.split(",") if t.strip()]
    unknown = set(args.tools) - {"floor", "ours", "existing"}
    if unknown or args.runs < 1 or any(s < 1 for s in args.sizes):
        parser.error(f"bad --tools {sorted(unknown)}" if unknown else "--runs and --sizes must be positive")
    return args


def main(argv: list[str] | None = None) -> int:
    args = parse_args(argv)
    started = time.time()
    stamp = time.strftime("%Y%m%dT%H%M%SZ", time.gmtime(started))
    python = str(Path(args.python).absolute())  # not resolved: a venv's python must keep its own path
    interpreters = {"ours": _probe(python)}

    existing_venv = None
    if "existing" in args.tools:
        try:
            existing_venv = ensure_existing_venv(
                BENCH / ".venvs" / "existing",
                python,
                args.existing_version,
                interpreters["ours"]["sqlalchemy"],
            )
            interpreters["existing"] = _probe(str(existing_venv / "bin" / "python"))
        except subprocess.CalledProcessError as error:
            print(f"note: cannot set up {EXISTING}, measuring without it: {error}")
    bytecode_home = args.work_dir / "cache"
    shutil.rmtree(bytecode_home, ignore_errors=True)  # the warm-up compiles, as it writes the floor's .pyc
    tools = [t for t in make_tools(python, existing_venv, bytecode_home) if t.name in args.tools]

    load_before = os.getloadavg()
    print(
        f"{platform.platform()}, {os.cpu_count()} cpus, load average {load_before[0]:.1f}; "
        f"{args.runs} timed runs per tool after 1 warm-up"
    )
    for name, info in interpreters.items():
        used_by = "ours, floor" if name == "ours" else name
        via = f" via {info['python']}" if info["python"] != info["executable"] else ""
        print(
            f"  {used_by:<12} {info['executable']}{via} (Python {info['version']}, "
            f"SQLAlchemy {info['sqlalchemy'] or 'missing'})"
        )

    results: list[Result] = []
    for size in args.sizes:
        package = generate(args.work_dir / f"tables_{size}", size)
        print(f"{size} tables in {len(package.modules)} files: {package.models_dir}", file=sys.stderr)
        results += bench_size(package, tools, args.runs, args.timeout)

    for r in results:
        if r.note or not r.valid:
            errors = sorted({s.error for s in r.samples if s.error})
            print(f"note: {r.tool} at {r.tables} tables: {r.note or '; '.join(errors)}")
    ratios = report(results, args.sizes)
    targets = check_targets(results, args.sizes)
    elapsed = time.time() - started
    load_after = os.getloadavg()
    if max(load_before[0], load_after[0]) > (os.cpu_count() or 1):
        print(
            f"\nwarning: the machine was busy (load average {load_before[0]:.1f} before, "
            f"{load_after[0]:.1f} after): times are inflated; the ratios suffer less"
        )

    out = args.json or BENCH / "results" / f"{stamp}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(
        json.dumps(
            {
                "timestamp": stamp,
                "elapsed_seconds": round(elapsed, 1),
                "machine": {
                    "platform": platform.platform(),
                    "cpus": os.cpu_count(),
                    "load_average_1min": {"before": load_before[0], "after": load_after[0]},
                },
                "config": {
                    "sizes": args.sizes,
                    "runs": args.runs,
                    "tools": [t.name for t in tools],
                    "existing_version": args.existing_version,
                },
                "interpreters": interpreters,
                "commands": {
                    t.name: t.argv(ModelPackage(Path("<root>"), Path("<models_dir>"), ("<modules>",), 0))
                    for t in tools
                },
                "results": [r.summary() for r in results],
                "ratios": [dict(zip(ratios[0], row, strict=True)) for row in ratios[1:]],
                "targets": targets,
            },
            indent=2,
        )
        + "\n"
    )
    print(f"\nwrote {out} ({elapsed:.0f} s)")
    return 1 if args.strict and any(t["status"] == "FAIL" for t in targets) else 0


if __name__ == "__main__":
    sys.exit(main())

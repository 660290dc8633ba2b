"""The verify report: which columns' values change between the app database and the lake, as text or JSON."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from typing import Any

from .compare import ColumnDrift, TableDrift


@dataclass
class VerifyReport:
    """What one run found: per table the rows moved and the drift, and what could not be compared."""

    app: str
    lake: str
    tables: dict[str, int] = field(default_factory=dict)  # table -> rows compared
    columns: int = 0
    drift: list[ColumnDrift] = field(default_factory=list)
    rows: list[TableDrift] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.drift and not self.rows

    def summary(self) -> str:
        if self.ok:
            return (f"no drift: every value of {_count(self.columns, 'column')} in "
                    f"{_count(len(self.tables), 'table')} arrived unchanged ({self.app} -> {self.lake})")
        parts = [f"{d.table}.{d.column}" for d in self.drift] + [f"{r.table} (rows)" for r in self.rows]
        shown = ", ".join(parts[:5]) + (f" and {len(parts) - 5} more" if len(parts) > 5 else "")
        return f"{len(parts)} drift{'s' if len(parts) > 1 else ''}: {shown}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _show(value: Any) -> str:
    text = repr(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _rows_text(found: TableDrift) -> str:
    parts = []
    for label, keys in (("missing", found.missing), ("extra", found.extra), ("duplicate", found.duplicated)):
        if keys:
            parts.append(f"{len(keys)} {label} (key {', '.join(keys[0])})")
    return "; ".join(parts)


def render(report: VerifyReport, output_format: str) -> str:
    """The report as `table` (terminal) or `json` (CI)."""
    if output_format == "json":
        return json.dumps(as_json(report), indent=2, default=str) + "\n"
    lines = [f"verify {report.app} -> {report.lake}: {_count(sum(report.tables.values()), 'row')} in "
             f"{_count(len(report.tables), 'table')}, {_count(report.columns, 'column')} compared", ""]
    if report.drift:
        header = ("table", "column", "lake type", "changed", "app value", "lake value")
        body = [(d.table, d.column, d.lake_type, f"{d.changed}/{d.compared}", _show(d.before), _show(d.after))
                for d in report.drift]
        widths = [max(len(row[i]) for row in [header, *body]) for i in range(len(header))]
        lines += ["  ".join(cell.ljust(w) for cell, w in zip(row, widths)).rstrip() for row in [header, *body]]
        lines.append("")
    for found in report.rows:
        if found.refused:
            key, why = next(iter(found.refused.items()))
            lines.append(f"{found.table}: the lake refused {len(found.refused)} rows, e.g. {key}: {why}")
        if len(found.missing) > len(found.refused) or found.extra or found.duplicated:
            lines.append(f"{found.table}: rows differ after FINAL: {_rows_text(found)}")
    lines += [f"note: {note}" for note in report.notes]
    lines.append(report.summary())
    return "\n".join(lines) + "\n"


def as_json(report: VerifyReport) -> dict[str, Any]:
    return {
        "app": report.app,
        "lake": report.lake,
        "ok": report.ok,
        "tables": report.tables,
        "columns_compared": report.columns,
        "drift": [{"table": d.table, "column": d.column, "lake_type": d.lake_type, "changed": d.changed,
                   "compared": d.compared, "app_value": repr(d.before), "lake_value": repr(d.after)}
                  for d in report.drift],
        "rows": [{"table": r.table, "missing": len(r.missing), "extra": len(r.extra),
                  "duplicated": len(r.duplicated), "refused": r.refused} for r in report.rows],
        "notes": report.notes,
    }

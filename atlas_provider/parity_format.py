"""Render a parity report as text: a terminal table (default), JSON (for CI) or Markdown (for a pull request).

Every renderer returns a string and never prints; the CLI writes it. Output is deterministic: rows
keep the model's order (tables by schema and name, columns as declared, targets as given), and JSON
keys are sorted.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from dataclasses import asdict

from .losses import LossReport
from .parity import ADAPTED, ADDED, DROPPED, EXCLUDED, ParityReport, Row
from .typefacts import Facts

def render(report: ParityReport, fmt: str = "table") -> str:
    """The report as `table`, `json` or `markdown`."""
    renderers: dict[str, Callable[[ParityReport], str]] = {
        "table": render_table, "json": render_json, "markdown": render_markdown,
    }
    return renderers[fmt](report)


# ---------------------------------------------------------------------------------------------
# shared: the matrix as lines of cells

def _matrix(report: ParityReport, cell: Callable[[Row], str]) -> list[tuple[Row, list[str]]]:
    """One line per table or column: its first row, and [model type, one cell per target]."""
    lines: list[tuple[Row, list[str]]] = []
    by_key: dict[tuple[str, str], dict[str, Row]] = {}
    order: list[tuple[str, str]] = []
    for row in report.rows:
        key = (row.table, row.column)
        if key not in by_key:
            by_key[key] = {}
            order.append(key)
        by_key[key][row.target] = row
    for key in order:
        cells = by_key[key]
        first = next(iter(cells.values()))
        model_type = next((r.model_type for r in cells.values() if r.model_type), "")
        lines.append((first, [model_type, *(cell(cells[t]) if t in cells else "" for t in report.targets)]))
    return lines


def _table_gone(row: Row, report: ParityReport) -> bool:
    return row.column != "" and report.row(row.table, "", row.target).status in (EXCLUDED, DROPPED)


def _loss_lines(report: ParityReport) -> list[str]:
    lines: list[str] = []
    for target in report.targets:
        lines += LossReport(target, list(report.losses.get(target, []))).lines()
    return lines


def _rewrite_lines(report: ParityReport) -> list[str]:
    return [f"{target}: {rewrite.line()}" for target in report.targets for rewrite in report.rewrites.get(target, [])]


def _reasons(rows: Iterable[Row], attribute: str) -> list[tuple[str, str, str]]:
    """(subject, target, reasons) for every row with drift (or accepted drift), in report order."""
    return [(_subject(row), row.target, "; ".join(str(f) for f in getattr(row, attribute)))
            for row in rows if getattr(row, attribute)]


def _layouts(report: ParityReport) -> list[tuple[str, str, str]]:
    """(table, target, "ENGINE = ..., ORDER BY ..., CDC ...") for every table a target stores with more than
    a primary key (the lake's engine, keys, partition and CDC profile)."""
    found = []
    for row in report.rows:
        if row.column or set(row.layout) <= {"primary_key"}:
            continue
        parts = [f"{LAYOUT_LABELS.get(key, key)} {value}" for key, value in row.layout.items() if value]
        found.append((row.table, row.target, ", ".join(parts)))
    return found


LAYOUT_LABELS = {"engine": "ENGINE =", "order_by": "ORDER BY", "primary_key": "PRIMARY KEY",
                 "partition_by": "PARTITION BY", "settings": "SETTINGS", "cdc": "CDC",
                 "replica_identity": "needs on PostgreSQL: REPLICA IDENTITY"}


def _result(report: ParityReport) -> str:
    return f"OK: {report.summary()}" if report.ok else f"DRIFT: {report.summary()}"


# ---------------------------------------------------------------------------------------------
# terminal table

def _plain_cell(report: ParityReport) -> Callable[[Row], str]:
    def cell(row: Row) -> str:
        if row.column == "":
            text = {EXCLUDED: "[excluded]", DROPPED: "[DROPPED]"}.get(row.status, "")
        elif row.status == EXCLUDED:
            text = "-" if _table_gone(row, report) else "[excluded]"
        elif row.status == DROPPED:
            text = "-" if _table_gone(row, report) else "[DROPPED]"
        else:
            text = row.type + {ADAPTED: " [adapted]", ADDED: " [added]"}.get(row.status, "")
        if row.drift and not (row.status == DROPPED and _table_gone(row, report)):
            text += " !"
        elif row.accepted:
            text += " [accepted]"
        return text
    return cell


def render_table(report: ParityReport) -> str:
    """An aligned text table, then the drift, what the model accepts, and what each target left out."""
    header = ["TABLE / COLUMN", "MODEL", *(t.upper() for t in report.targets)]
    body = [[f"  {row.column}" if row.column else row.table, *cells]
            for row, cells in _matrix(report, _plain_cell(report))]
    widths = [max(len(line[i]) for line in [header, *body]) for i in range(len(header))]
    out = [f"Parity of the model across {', '.join(report.targets)}", ""]
    for line in [header, *body]:
        out.append("  ".join(text.ljust(width) for text, width in zip(line, widths)).rstrip())
    out.append("")
    out.append("[adapted] another type or form   [excluded] left out by the model   [DROPPED] left out by the target")
    out.append("! drift: values change, or a column is missing   [accepted] a change the model accepts")
    sections = [
        ("Drift", [f"  {s} on {t}: {r}" for s, t, r in _reasons(report.drift, "drift")]),
        ("Accepted by the model (info['atlas']['accept'])",
         [f"  {s} on {t}: {r}" for s, t, r in _reasons(report.rows, "accepted")]),
        ("Left out by the targets (they cannot express it)", [f"  {line}" for line in _loss_lines(report)]),
        ("Table layout", [f"  {t} on {target}: {text}" for t, target, text in _layouts(report)]),
        ("Printed in another form of the same meaning", [f"  {line}" for line in _rewrite_lines(report)]),
        ("Notes", [f"  {_subject(r)} on {r.target}: {r.note}" for r in report.rows if r.note]),
    ]
    for title, lines in sections:
        if lines:
            out += ["", f"{title}:", *lines]
    out += ["", _result(report)]
    return "\n".join(out) + "\n"


def _subject(row: Row) -> str:
    return f"{row.table}.{row.column}" if row.column else row.table


# ---------------------------------------------------------------------------------------------
# JSON

def _facts_json(facts: Facts | None) -> dict[str, object] | None:
    """A type's facts, without the ones that do not apply (None, empty)."""
    if facts is None:
        return None
    return {key: value for key, value in asdict(facts).items()
            if value not in (None, "", ()) and not (key == "signed" and value is True)
            and not (key == "timezone" and value is False)}


def _row_json(row: Row) -> dict[str, object]:
    """One row as structured data: findings as {kind, detail}, the losses about this table or column joined in,
    the nullability and type facts of both sides; for a table, how the target stores it."""
    document: dict[str, object] = {
        "table": row.table, "column": row.column or None, "target": row.target, "status": row.status,
        "type": row.type or None, "model_type": row.model_type or None,
        "drift": [f._asdict() for f in row.drift], "accepted": [f._asdict() for f in row.accepted],
        "losses": [{"kind": loss.kind, "subject": loss.subject, "reason": loss.reason} for loss in row.losses],
        "note": row.note or None,
    }
    if row.column:
        document["nullable"] = {"model": row.model_nullable, "target": row.target_nullable}
        document["facts"] = {"model": _facts_json(row.model_facts), "target": _facts_json(row.target_facts)}
    else:
        document["layout"] = dict(row.layout)
    return document


def render_json(report: ParityReport) -> str:
    """The whole report, keys sorted; `ok` is false when there is drift."""
    document = {
        "ok": report.ok,
        "targets": report.targets,
        "summary": report.summary(),
        "rows": [_row_json(row) for row in report.rows],
        "drift": [_row_json(row) for row in report.drift],
        "losses": {
            target: [{"kind": loss.kind, "subject": loss.subject, "reason": loss.reason}
                     for loss in report.losses.get(target, [])]
            for target in report.targets
        },
        "rewrites": {
            target: [{"subject": r.subject, "model": r.before, "printed": r.after, "reason": r.reason}
                     for r in report.rewrites.get(target, [])]
            for target in report.targets
        },
    }
    return json.dumps(document, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


# ---------------------------------------------------------------------------------------------
# Markdown (GitHub)

def _md(text: str) -> str:
    return text.replace("|", "\\|")


def _code(text: str) -> str:
    return f"`{_md(text)}`" if text else ""


def _markdown_cell(report: ParityReport) -> Callable[[Row], str]:
    def cell(row: Row) -> str:
        if row.column == "":
            text = {EXCLUDED: "*excluded*", DROPPED: "**dropped**"}.get(row.status, "")
        elif row.status in (EXCLUDED, DROPPED) and _table_gone(row, report):
            return ""
        elif row.status == EXCLUDED:
            text = "*excluded*"
        elif row.status == DROPPED:
            text = "**dropped**"
        else:
            text = _code(row.type) + {ADAPTED: " *adapted*", ADDED: " *added*"}.get(row.status, "")
        if row.drift:
            text += " **drift**"
        elif row.accepted:
            text += " *accepted*"
        return text
    return cell


def render_markdown(report: ParityReport) -> str:
    """A GitHub table, then lists of drift, accepted adaptations and what the targets left out."""
    header = ["Table", "Column", "Model", *report.targets]
    out = [f"### Schema parity: {', '.join(report.targets)}", "",
           "| " + " | ".join(header) + " |", "|" + "---|" * len(header)]
    for row, (model_type, *cells) in _matrix(report, _markdown_cell(report)):
        first = ["", _code(row.column)] if row.column else [_code(row.table), ""]
        out.append("| " + " | ".join([*first, _code(model_type), *cells]) + " |")
    sections = [
        ("Drift", [f"- `{s}` on **{t}**: {_md(r)}" for s, t, r in _reasons(report.drift, "drift")]),
        ("Accepted by the model", [f"- `{s}` on **{t}**: {_md(r)}" for s, t, r in _reasons(report.rows, "accepted")]),
        ("Left out by the targets", [f"- {_md(line)}" for line in _loss_lines(report)]),
        ("Table layout", [f"- `{t}` on **{target}**: {_md(text)}" for t, target, text in _layouts(report)]),
        ("Printed in another form of the same meaning", [f"- {_md(line)}" for line in _rewrite_lines(report)]),
    ]
    for title, lines in sections:
        if lines:
            out += ["", f"#### {title}", "", *lines]
    out += ["", f"**{_result(report)}**"]
    return "\n".join(out) + "\n"

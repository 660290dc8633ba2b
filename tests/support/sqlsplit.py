"""Split a schema file into statements the way Atlas loads it.

A port of the parts of Atlas's scanner (``sql/migrate/lex.go`` in ariga/atlas) our output can exercise: the
``-- atlas:delimiter`` file directive (with its ``\n``-style escapes), ``--`` and ``/* */`` comments, quoted
strings and identifiers, dollar-quoted bodies, and parentheses (a delimiter inside ``(...)`` does not end a
statement). Like Atlas, a statement keeps its trailing ``;`` while a custom delimiter is cut off, and comments
that open a statement are dropped (``-- atlas:pos`` lines included) while comments inside one are kept.
Not ported: BEGIN ... END block matching, MySQL ``#`` comments and backslash escapes, ``DELIMITER`` commands.

Two deliberate differences make our tests stricter than Atlas, never looser: the directive must be followed
by a blank line (as the Atlas docs require; the scanner itself does not check), and an unterminated comment
or dollar-quoted body is an error instead of being read as plain text.
"""

from __future__ import annotations

import re

__all__ = ["split_statements"]

# The directive must be the very first line, with exactly "-- " before it (lex.go: directive(), reDirective).
_DIRECTIVE = re.compile(r"-- atlas:delimiter +([ -~]*)")
# A dollar-quote opener as PostgreSQL (and lex.go: reDollarQuote) defines it: $$ or $tag$.
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z\u00c8-\u00ff_][\w\u00c8-\u00ff]*)?\$")
_ESCAPES = {r"\n": "\n", r"\r": "\r", r"\t": "\t"}


def split_statements(text: str) -> list[str]:
    """Return the statements of ``text`` in order, stripped, without empty or comment-only ones.

    Raises ``ValueError`` on input Atlas would reject or that our output must never contain: unbalanced
    parentheses, an unclosed quote, comment or dollar-quoted body, a malformed delimiter directive.
    """
    delimiter, body = _read_directive(text)
    return _Scanner(body, delimiter, first_line=1 if body is text else 2).statements()


def _read_directive(text: str) -> tuple[str, str]:
    """Return the delimiter and the text after the directive (";" and the whole text when there is none)."""
    first, _, rest = text.partition("\n")
    match = _DIRECTIVE.fullmatch(first.rstrip("\r"))
    if not match:
        return ";", text
    delimiter = re.sub(r"\\[nrt]", lambda m: _ESCAPES[m.group()], match.group(1))
    if not delimiter:
        raise ValueError("line 1: empty delimiter in '-- atlas:delimiter' directive")
    if rest.partition("\n")[0].strip():
        raise ValueError("line 1: '-- atlas:delimiter' directive must be followed by a blank line")
    return delimiter, rest


class _Scanner:
    def __init__(self, text: str, delimiter: str, first_line: int) -> None:
        self.text = text
        self.delimiter = delimiter
        self.first_line = first_line

    def statements(self) -> list[str]:
        found: list[str] = []
        pos = 0
        while pos < len(self.text):
            start, end, cut = self._statement(pos)
            statement = self.text[start : end - cut].strip()
            if statement:
                found.append(statement)
            pos = end
        return found

    def _statement(self, pos: int) -> tuple[int, int, int]:
        """Scan one statement from ``pos``: return its start, its end, and how many delimiter chars to cut."""
        text, delimiter = self.text, self.delimiter
        start = pos = self._skip_leading_comments(pos)
        depth = 0
        while pos < len(text):
            char = text[pos]
            if char in "'\"`":
                pos = self._close(pos + 1, char, "quote")
            # Delimiters take precedence over comments (lex.go), so "-- end" can be a delimiter.
            elif depth == 0 and text.startswith(delimiter, pos):
                end = pos + len(delimiter)
                return start, end, 0 if delimiter == ";" else len(delimiter)
            elif char == "(":
                depth += 1
                pos += 1
            elif char == ")":
                if depth == 0:
                    raise self._error(pos, "unexpected ')'")
                depth -= 1
                pos += 1
            elif text.startswith("--", pos):
                pos = self._line_end(pos)
            elif text.startswith("/*", pos):
                pos = self._close(pos + 2, "*/", "comment")
            elif (tag := _DOLLAR_TAG.match(text, pos)) is not None:
                pos = self._close(tag.end(), tag.group(), "dollar-quoted body")
            else:
                pos += 1
        if depth:
            raise self._error(start, "unclosed '('")
        return start, pos, 0

    def _skip_leading_comments(self, pos: int) -> int:
        """Skip whitespace and the comments that open a statement; Atlas keeps those apart from the text."""
        text = self.text
        while True:
            pos = len(text) - len(text[pos:].lstrip())
            if text.startswith(self.delimiter, pos):
                return pos
            if text.startswith("--", pos):
                pos = self._line_end(pos)
            elif text.startswith("/*", pos):
                pos = self._close(pos + 2, "*/", "comment")
            else:
                return pos

    def _line_end(self, pos: int) -> int:
        end = self.text.find("\n", pos)
        return len(self.text) if end == -1 else end + 1

    def _close(self, pos: int, closer: str, what: str) -> int:
        """Return the position just past ``closer``; a doubled quote ('') simply closes and reopens."""
        end = self.text.find(closer, pos)
        if end == -1:
            raise self._error(pos - 1, f"unclosed {what} {closer!r}")
        return end + len(closer)

    def _error(self, pos: int, message: str) -> ValueError:
        line = self.first_line + self.text.count("\n", 0, pos)
        return ValueError(f"line {line}: {message}")

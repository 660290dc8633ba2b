"""Split a schema file into statements the way Atlas loads it, per driver.

A port of Atlas's statement scanner (``sql/migrate/lex.go`` in ariga/atlas, ``Scanner`` and the options each
driver's ``ScanStmts`` sets), written for our tests. Atlas reads quotes and comments itself before any database
sees the text, so where its reading differs from the server's a file that loads with ``psql`` cannot be split by
Atlas; our tests must fail there too. What it ports:

- the ``-- atlas:delimiter X`` directive on the first line (with ``\\n``-style escapes) and the ``DELIMITER``
  command at the start of a statement;
- the delimiter is matched wherever it starts outside quotes, dollar-quoted bodies, comments and parentheses,
  BEFORE a comment is recognized there (``-- end`` cuts a body at ``-- endless``); a custom delimiter is cut off
  the statement, ``;`` stays on it;
- ``'``, ``"`` and backquotes; with backslash escapes (MySQL, MariaDB) a backslash escapes the next character
  inside all three, backquoted names included; PostgreSQL honours them in ``E'...'`` strings only;
- ``--`` and ``/* */`` comments (``#`` too on MySQL/MariaDB); a comment that opens a statement is kept apart from
  it (``-- atlas:pos`` lines), one inside it stays in its text; an unterminated one is no comment at all;
- ``$tag$ ... $tag$`` bodies (PostgreSQL, and the generic scanner): a ``$`` pair anywhere outside quotes opens one,
  even inside an unquoted name such as ``price$$history``;
- with the ``;`` delimiter, ``BEGIN ... END`` blocks (MySQL, MariaDB, PostgreSQL) and ``BEGIN ATOMIC ... END``
  bodies are read as one statement.

Deliberately stricter than Atlas, never looser: the directive must be followed by a blank line (as Atlas's docs
require), an unterminated dollar-quoted body is an error (Atlas takes the rest of the file into it), and
statements with no text (a delimiter right after a comment) are dropped. Not ported: SQL Server's ``GO`` and
``BEGIN TRY`` (no SQL Server here). Atlas tests the ``E`` of ``E'...'`` on the quote character itself, so in
the source read it never applies, while its comment says it should: here an ``E'...'`` string whose end differs
between the two readings (``E'it\\'s'``) is an error.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

__all__ = ["SCANNERS", "ScannerOptions", "split_statements"]


@dataclass(frozen=True)
class ScannerOptions:
    """lex.go's ScannerOptions, the ones a driver we test sets."""

    match_begin: bool = False
    match_begin_atomic: bool = False
    match_dollar_quote: bool = False
    backslash_escapes: bool = False
    escaped_string_ext: bool = False
    hash_comments: bool = False


# What each driver's ScanStmts sets; a driver without its own (ClickHouse) uses migrate.Stmts's defaults.
GENERIC = ScannerOptions(match_begin_atomic=True, match_dollar_quote=True)
# MySQL/MariaDB: backslash escapes as seen with the v0.30 CLI (a name ending in `\` is an "unclosed quote");
# `#` comments as lex.go documents them for these two (an older driver source set neither).
_MYSQL = ScannerOptions(match_begin=True, backslash_escapes=True, hash_comments=True)
SCANNERS: dict[str, ScannerOptions] = {
    "postgresql": ScannerOptions(match_begin=True, match_begin_atomic=True, match_dollar_quote=True,
                                 escaped_string_ext=True),
    "mysql": _MYSQL,
    "mariadb": _MYSQL,
    # Not seen in the source read (an older SQLite driver had no ScanStmts: the generic options); BEGIN ... END
    # added for its triggers. Either way `$$` opens a body, which is what our output must respect.
    "sqlite": ScannerOptions(match_begin=True, match_begin_atomic=True, match_dollar_quote=True),
}

# The directive must be the very first line, with exactly "-- " before it (lex.go: directive()).
_DIRECTIVE = re.compile(r"-- atlas:delimiter +([ -~]*)")
_ESCAPES = {r"\n": "\n", r"\r": "\r", r"\t": "\t"}
# Go's regexp: \w and \s are ASCII only.
_DOLLAR_TAG = re.compile(r"\$(?:[A-Za-z\u00c8-\u00ff_][0-9A-Za-z_\u00c8-\u00ff]*)*\$")
_SPACE = "[\t\n\f\r ]"
_BEGIN_ATOMIC = re.compile(rf"{_SPACE}*BEGIN{_SPACE}+ATOMIC{_SPACE}+", re.IGNORECASE)
_BEGIN = re.compile(rf"{_SPACE}*BEGIN{_SPACE}+", re.IGNORECASE)
_END = re.compile(rf"{_SPACE}*END{_SPACE}*", re.IGNORECASE)
_DEFAULT_DELIMITER = ";"
_DELIMITER_COMMAND = "delimiter"


def split_statements(text: str, dialect: str | None = None) -> list[str]:
    """Return the statements of ``text`` in order, as Atlas's scanner for ``dialect`` reads them (stripped; a
    custom delimiter cut off; leading comments apart). ``None``: the generic scanner.

    Raises ``ValueError`` where Atlas fails ("unclosed quote", "unexpected ')'", "unclosed '('") and where our
    output must never be (see the module docstring).
    """
    options = SCANNERS.get(dialect or "", GENERIC)
    delimiter, body = _read_directive(text)
    scanner = _Scanner(body, options, delimiter, first_line=1 if body is text else 2)
    return [statement for statement in scanner.statements() if statement]


def _read_directive(text: str) -> tuple[str, str]:
    """Return the delimiter and the text after the directive (";" and the whole text when there is none)."""
    first, _, rest = text.partition("\n")
    match = _DIRECTIVE.fullmatch(first.rstrip("\r"))
    if not match:
        return _DEFAULT_DELIMITER, text
    delimiter = _unescape(match.group(1))
    if rest.partition("\n")[0].strip():
        raise ValueError("line 1: '-- atlas:delimiter' directive must be followed by a blank line")
    return delimiter, rest


def _unescape(delimiter: str) -> str:
    if not delimiter:
        raise ValueError("line 1: empty delimiter")
    return re.sub(r"\\[nrt]", lambda m: _ESCAPES[m.group()], delimiter)


class _Scanner:
    """One pass over ``text``; ``pos`` counts characters of the current statement, ``total`` of the whole text
    (lex.go keeps bytes; every rule here compares whole characters, so the reading is the same)."""

    def __init__(self, text: str, options: ScannerOptions, delimiter: str, first_line: int = 1,
                 source: str | None = None, offset: int = 0) -> None:
        self.options = options
        self.input = text
        self.delimiter = delimiter
        self.pos = 0
        self.total = 0
        self.source = text if source is None else source  # for line numbers in errors
        self.offset = offset
        self.first_line = first_line

    # ---- the statements -------------------------------------------------------------------------------------

    def statements(self) -> list[str]:
        found = []
        while (statement := self.statement()) is not None:
            found.append(statement)
        return found

    def statement(self) -> str | None:
        """The next statement's text, or None at the end of the input."""
        depth, opening = 0, 0
        self._skip_spaces()
        while True:
            char = self._next()
            if char is None:
                if depth:
                    raise self._error(opening, "unclosed '('")
                if self.pos > 0:
                    return self._emit(self.input)
                return None
            if char == "(":
                if depth == 0:
                    opening = self.pos - 1
                depth += 1
            elif char == ")":
                if depth == 0:
                    raise self._error(self.pos - 1, "unexpected ')'")
                depth -= 1
            elif char in "'\"`":
                self._skip_quote(char)
            elif self.pos == 1 and len(self.input) > len(_DELIMITER_COMMAND) \
                    and self.input[:len(_DELIMITER_COMMAND)].lower() == _DELIMITER_COMMAND:
                self.pos += len(_DELIMITER_COMMAND) - 1
                self.total += len(_DELIMITER_COMMAND) - 1
                self._delimiter_command()
                self._skip_spaces()
            # Delimiters take precedence over comments (lex.go).
            elif depth == 0 and self.input.startswith(self.delimiter, self.pos - 1):
                self._advance(len(self.delimiter) - 1)
                return self._emit(self.input[:self.pos])
            elif self.options.match_dollar_quote and char == "$" and _DOLLAR_TAG.match(self.input, self.pos - 1):
                self._skip_dollar_quote()
            elif char == "#" and self.options.hash_comments:
                self._comment("#", "\n")
            elif char == "-" and self._peek() == "-":
                self._next()
                self._comment("--", "\n")
            elif char == "/" and self._peek() == "*":
                self._next()
                self._comment("/*", "*/")
            elif self.delimiter == _DEFAULT_DELIMITER and self.options.match_begin_atomic \
                    and _BEGIN_ATOMIC.match(self.input, self.pos - 1):
                if self._skip_block(_BEGIN_ATOMIC, atomic=True):
                    return self._emit(self.input[:self.pos])
            elif self.delimiter == _DEFAULT_DELIMITER and self.options.match_begin and (
                    (self.pos == 1 and _BEGIN.match(self.input, 0))
                    or (self.pos > 1 and _BEGIN.match(self.input, self.pos - 2))):
                if self._skip_block(_BEGIN, atomic=False):
                    return self._emit(self.input[:self.pos])

    def _emit(self, text: str) -> str:
        self.input = self.input[self.pos:]
        self.pos = 0
        if self.delimiter != _DEFAULT_DELIMITER and text.endswith(self.delimiter):
            text = text[: -len(self.delimiter)]
        return text.strip()

    # ---- characters -------------------------------------------------------------------------------------------

    def _next(self) -> str | None:
        if self.pos >= len(self.input):
            return None
        self._advance(1)
        return self.input[self.pos - 1]

    def _peek(self) -> str | None:
        return self.input[self.pos] if self.pos < len(self.input) else None

    def _advance(self, count: int) -> None:
        self.pos += count
        self.total += count

    def _skip_spaces(self) -> None:
        # Go's unicode.IsSpace; str.isspace also counts a few separators Go does not (U+001C-U+001F).
        stripped = self.input.lstrip()
        self.total += len(self.input) - len(stripped)
        self.input = stripped

    # ---- quotes, bodies and comments ----------------------------------------------------------------------------

    def _skip_quote(self, quote: str) -> None:
        start = self.pos - 1
        before = self.input[start - 1] if start > 0 else ""
        escaped = self.options.backslash_escapes or (self.options.escaped_string_ext and before in ("E", "e"))
        if escaped and not self.options.backslash_escapes and self._quote_end(start, quote, escapes=False) \
                != self._quote_end(start, quote, escapes=True):
            # lex.go tests the character before the quote after stepping past it (the quote itself), so the
            # source read never applies the escapes; the comment says it should. Either way must read alike.
            raise self._error(start, "an E'' string Atlas's scanner may read without its escapes, ending elsewhere")
        while True:
            char = self._next()
            if char is None:
                raise self._error(start, f"unclosed quote {quote!r}")
            if char == "\\" and escaped:
                self._next()
            elif char == quote:
                return

    def _quote_end(self, start: int, quote: str, escapes: bool) -> int:
        """Where the quote opened at `start` ends (-1: never), read with or without backslash escapes."""
        position = start + 1
        while position < len(self.input):
            if escapes and self.input[position] == "\\":
                position += 2
            elif self.input[position] == quote:
                return position
            else:
                position += 1
        return -1

    def _skip_dollar_quote(self) -> None:
        start = self.pos - 1
        tag = _DOLLAR_TAG.match(self.input, start).group()  # type: ignore[union-attr]
        self._advance(len(tag) - 1)
        end = self.input.find(tag, self.pos)
        if end == -1:
            raise self._error(start, f"unclosed dollar-quoted body {tag!r}")
        self._advance(end + len(tag) - self.pos)

    def _comment(self, left: str, right: str) -> None:
        end = self.input.find(right, self.pos)
        if end == -1:
            return  # not a comment: lex.go reads on as plain text
        inside = self.pos != len(left)
        self._advance(end + len(right) - self.pos)
        if inside:
            return
        # A comment before any statement text is kept apart from the statement.
        self.input = self.input[self.pos:]
        self.pos = 0
        self._skip_spaces()

    def _delimiter_command(self) -> None:
        """``DELIMITER X`` at a statement's start (the mysql client's command) sets the delimiter."""
        if self._peek() != " ":
            return
        while (char := self._peek()) is not None and char != "\n":
            self._next()
        delimiter = self.input[len(_DELIMITER_COMMAND):self.pos].strip()
        if delimiter.startswith("'") and delimiter.endswith("'") and len(delimiter) > 1:
            delimiter = delimiter[1:-1].replace("''", "'")
        self.delimiter = _unescape(delimiter)
        self._emit(self.input[:self.pos])

    def _skip_block(self, opener: re.Pattern[str], atomic: bool) -> bool:
        """Read ``BEGIN [ATOMIC] ... END`` as a group of statements; False (nothing read) if it is not one."""
        match = opener.match(self.input, self.pos - 1)
        if match is None:
            return False
        start = self.pos + len(match.group()) - 1
        group = _Scanner(self.input[start:], self.options, _DEFAULT_DELIMITER, self.first_line,
                         self.source, self._absolute(start))
        try:
            while True:
                statement = group.statement()
                if statement is None:
                    return False  # "unexpected eof": not a block
                end = _END.match(statement)
                if end is None:
                    continue
                if atomic or len(end.group()) == len(statement) or statement[len(end.group()):] == self.delimiter:
                    break
        except ValueError:
            return False  # a scan error inside: not a block either
        self._advance(len(match.group()) - 1 + group.total)
        return True

    def _absolute(self, pos: int) -> int:
        """Where position `pos` of the current input is in the whole text."""
        return self.offset + self.total - self.pos + pos

    def _error(self, pos: int, message: str) -> ValueError:
        line = self.first_line + self.source.count("\n", 0, self._absolute(pos))
        return ValueError(f"line {line}: {message}")

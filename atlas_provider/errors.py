"""The provider's exceptions: one base class, each subclass carrying what it is about.

The CLI catches `ProviderError` only, prints `str(error)` as one line on stderr and exits 1.
Anything else is a bug in the provider and keeps its traceback.
"""

from __future__ import annotations


class ProviderError(Exception):
    """Base class of every error a user can cause. `str()` is the one-line message."""

    def __init__(self, message: str, *, where: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.where = where

    def __str__(self) -> str:
        return f"{self.where}: {self.message}" if self.where else self.message


class UsageError(ProviderError):
    """The command line or API arguments are wrong (unknown dialect, missing path, bad option)."""


class ModelImportError(ProviderError):
    """A model module failed to import: syntax error, import error, exception or sys.exit at import."""

    def __init__(self, message: str, *, path: str, line: int | None = None) -> None:
        super().__init__(message, where=f"{path}:{line}" if line else path)
        self.path = path
        self.line = line


class ModelError(ProviderError):
    """The model imported but cannot be turned into a schema (duplicate table, dangling foreign key...)."""

    def __init__(self, message: str, *, table: str | None = None, where: str | None = None) -> None:
        super().__init__(message, where=where or table)
        self.table = table


class EmptySchemaError(ProviderError):
    """No table was found; printing nothing would make Atlas plan DROP TABLE for everything."""


class RenderError(ProviderError):
    """A statement failed to compile for the target dialect."""

    def __init__(self, message: str, *, dialect: str, table: str | None = None) -> None:
        where = f"{table} ({dialect})" if table else dialect
        super().__init__(message, where=where)
        self.dialect = dialect
        self.table = table


class UnsupportedError(ProviderError):
    """Strict mode: the target cannot express something the model declares."""

    def __init__(self, message: str, *, dialect: str) -> None:
        super().__init__(message, where=dialect)
        self.dialect = dialect


class OutputError(ProviderError):
    """The output cannot be delivered: text that is not UTF-8, or files the file system refused."""

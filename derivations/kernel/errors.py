"""Input errors: what was wrong, and where (file, line, column)."""
from __future__ import annotations

from typing import Optional

__all__ = ["InputError"]


class InputError(ValueError):
    """Bad outside input; the message names the place and the problem."""

    def __init__(self, message: str, path: Optional[str] = None, line: Optional[int] = None,
                 column: Optional[int] = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        where = ":".join(str(p) for p in (self.path, self.line, self.column) if p is not None)
        return f"{where}: {self.message}" if where else self.message

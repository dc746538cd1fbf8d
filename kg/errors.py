"""User errors: problems in the user's input or setup, shown as one line `file:line: cause`, never a traceback."""

from __future__ import annotations

from pathlib import Path


class UserError(Exception):
    """Something the user can fix: broken input, a missing file, a failed check.

    Shown as `path:line: cause` or `path:line:column: cause` (or `path: cause`, or just `cause`) on one
    line per problem.
    """

    def __init__(
        self,
        cause: str,
        path: Path | str | None = None,
        line: int | None = None,
        column: int | None = None,
    ) -> None:
        super().__init__(cause)
        self.cause = cause
        self.path = path
        self.line = line
        self.column = column

    def __str__(self) -> str:
        if self.path is None:
            return self.cause
        where = display_path(self.path)
        if self.line is not None:
            where += f":{self.line}" + (f":{self.column}" if self.column is not None else "")
        return f"{where}: {self.cause}"


def display_path(path: Path | str) -> str:
    """`path` relative to the working directory when it lies under it, else as given."""
    p = Path(path)
    try:
        return str(p.resolve().relative_to(Path.cwd().resolve()))
    except ValueError:
        return str(p)


class UserErrors(UserError):
    """Several user errors found in one pass (every bad record of a file): one `file:line: cause` line
    each, in line order."""

    def __init__(self, errors: list[UserError]) -> None:
        self.errors = sorted(errors, key=lambda e: (str(e.path or ""), e.line or 0))
        super().__init__("\n".join(str(e) for e in self.errors))

    def __str__(self) -> str:
        return self.cause

"""Problems found in data files, reported like a compiler's errors: place, what is wrong, how to fix it."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True, order=True)
class Problem:
    file: str
    line: int
    column: int
    path: str
    message: str
    severity: str = "error"  # or "warning": reported, but the build goes on

    def __str__(self) -> str:
        where = f"{self.file}:{self.line}:{self.column}"
        what = f"{self.path}: {self.message}" if self.path else self.message
        prefix = "warning: " if self.severity == "warning" else ""
        return f"{where}: {prefix}{what}"

    def github(self) -> str:
        """The problem as a GitHub Actions workflow annotation, shown on the changed line of a pull request."""
        kind = "warning" if self.severity == "warning" else "error"
        text = f"{self.path}: {self.message}" if self.path else self.message
        text = text.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")
        file = self.file.replace("%", "%25").replace(",", "%2C").replace(":", "%3A")
        return f"::{kind} file={file},line={self.line},col={self.column}::{text}"


def summary(problems: list[Problem], *, stopped_build: bool = False) -> str:
    """The closing line: how many problems in how many files (and, for a build, that it stopped)."""
    errors = [p for p in problems if p.severity == "error"]
    files = len({p.file for p in errors})
    noun = "problem" if len(errors) == 1 else "problems"
    fnoun = "file" if files == 1 else "files"
    tail = "; nothing was built." if stopped_build else "."
    return f"{len(errors)} {noun} in {files} {fnoun}{tail}"

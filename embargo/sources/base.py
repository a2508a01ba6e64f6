"""What every list parser returns, and the one error type they raise.

A parser turns one official file (or one file set, such as OFAC's four
legacy CSVs) into entities. It never touches the store: loading, versioning
and activation happen later, so a parser that fails half-way loses nothing.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

from embargo.model import Entity


class SourceError(Exception):
    """A list file could not be read. The message names the file and position."""

    def __init__(self, path: Path | str, message: str, position: str | None = None) -> None:
        self.path = str(path)
        self.position = position
        self.reason = message
        where = f"{self.path}:{position}" if position else self.path
        super().__init__(f"{where}: {message}")


@dataclass
class ParseResult:
    """Entities of one dataset read from one source, plus what was noticed.

    ``entities`` is an iterator so that big files stream; ``warnings`` fills
    while it is consumed (e.g. OFAC alias rows whose entity is absent), so
    read it after exhausting ``entities``. ``published`` is the publication
    date found inside the file (ISO 8601), or None when the format has none.
    """

    dataset: str
    format: str
    files: list[Path]
    entities: Iterator[Entity]
    published: str | None = None
    warnings: list[str] = field(default_factory=list)

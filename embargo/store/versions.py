"""What the store knows about one loaded version of one dataset."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from embargo.sources import DATASETS as DATASET_TITLES


def dataset_title(dataset: str) -> str:
    return DATASET_TITLES.get(dataset, dataset)


@dataclass
class VersionInfo:
    """One version of one dataset.

    ``version`` counts per dataset from 1. ``published`` is the date found
    inside the file (None when the format carries none); ``loaded_at`` is
    when this store loaded it (UTC, ISO 8601). ``unchanged`` is only set on
    the value returned by a load that found the file identical to the active
    version and therefore created nothing.
    """

    dataset: str
    version: int
    sha256: str
    published: str | None
    loaded_at: str
    entities: int
    source: str
    active: bool
    warnings: list[str] = field(default_factory=list)
    format: str = ""
    unchanged: bool = False

    @property
    def title(self) -> str:
        return dataset_title(self.dataset)

    def to_dict(self, *, warnings: bool = True) -> dict[str, Any]:
        """JSON form. ``warnings=False`` leaves out the (possibly long) list
        but keeps ``warning_count``, for listings."""
        data: dict[str, Any] = {
            "dataset": self.dataset,
            "title": self.title,
            "version": self.version,
            "entities": self.entities,
            "published": self.published,
            "loaded_at": self.loaded_at,
            "sha256": self.sha256,
            "source": self.source,
            "format": self.format,
            "active": self.active,
            "warning_count": len(self.warnings),
        }
        if warnings:
            data["warnings"] = list(self.warnings)
        return data

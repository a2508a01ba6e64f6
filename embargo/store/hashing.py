"""The fingerprint of a list file (or file set) that decides "unchanged".

One file hashes to the plain SHA-256 of its bytes, so the value can be
checked with ``sha256sum``. A file set (OFAC's legacy CSVs) hashes its
members' names and digests in name order, so renaming the folder or listing
the files in another order does not look like a new publication.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from pathlib import Path

_CHUNK = 1 << 20


def file_sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        while chunk := handle.read(_CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def expand_files(paths: Iterable[Path | str]) -> list[Path]:
    """Files named directly, plus the regular files directly inside folders."""
    files: list[Path] = []
    for raw in paths:
        path = Path(raw)
        if path.is_dir():
            files.extend(sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith(".")))
        else:
            files.append(path)
    return files


def files_sha256(paths: Iterable[Path | str]) -> str:
    files = expand_files(paths)
    if len(files) == 1:
        return file_sha256(files[0])
    lines = sorted(f"{f.name}\0{file_sha256(f)}\n" for f in files)
    return hashlib.sha256("".join(lines).encode("utf-8")).hexdigest()

"""Fetch the official lists and load them, refusing anything suspicious.

The order matters for safety: download completely (capped in size and
time) to a private temporary file, parse the *whole* file, compare the
entity count with the active version, and only then load. So a failed,
truncated or hostile download, or a publisher's glitch that empties a list,
leaves the active version in place and says why.
"""

from __future__ import annotations

import re
import shutil
import tempfile
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol
from urllib.parse import unquote, urlparse

import httpx

from embargo.settings import Settings
from embargo.sources.base import ParseResult, SourceError
from embargo.store.errors import StoreError
from embargo.store.hashing import file_sha256
from embargo.store.store import Store
from embargo.store.versions import VersionInfo

OK, UNCHANGED, FAILED = "ok", "unchanged", "failed"

# The publication formats each official dataset comes in: a file of another
# list behind a dataset's URL (a misconfiguration, or a hijacked address) is
# refused instead of silently replacing that dataset.
EXPECTED_FORMATS: dict[str, frozenset[str]] = {
    "us_ofac_sdn": frozenset({"ofac_xml", "ofac_enhanced", "ofac_csv"}),
    "us_ofac_cons": frozenset({"ofac_xml", "ofac_enhanced", "ofac_csv"}),
    "gb_hmt_sanctions": frozenset({"uk_hmt"}),
    "un_sc_sanctions": frozenset({"un_sc"}),
    "au_dfat_sanctions": frozenset({"au_dfat"}),
    "ca_dfatd_sema_sanctions": frozenset({"ca_sema"}),
}


@dataclass
class UpdateOutcome:
    dataset: str
    url: str
    status: str  # ok | unchanged | failed
    reason: str | None = None
    version: VersionInfo | None = None  # the version now active for the dataset
    previous_version: int | None = None

    def to_dict(self) -> dict[str, Any]:
        return {
            "dataset": self.dataset,
            "url": self.url,
            "status": self.status,
            "reason": self.reason,
            "previous_version": self.previous_version,
            "version": None if self.version is None else self.version.to_dict(warnings=False),
        }


class DownloadError(Exception):
    pass


class UpdateProgress(Protocol):
    """Told what an update is doing, so a terminal can show it (downloads of
    official lists take from seconds to minutes)."""

    def phase(self, dataset: str, phase: str, total: int | None = None) -> None:
        """``phase`` is "downloading" (``total``: announced bytes, if any), "parsing" or "loading"."""

    def advance(self, done: int) -> None:
        """Bytes received so far while downloading, entities written while loading."""

    def finished(self, dataset: str) -> None:
        """The dataset is done, whatever its outcome."""


def update(
    store: Store,
    settings: Settings,
    datasets: Iterable[str] | None = None,
    urls: dict[str, str] | None = None,
    force: bool = False,
    progress: UpdateProgress | None = None,
) -> list[UpdateOutcome]:
    """Update each dataset from its URL; one failing does not stop the others.

    ``urls`` overrides ``settings.source_urls`` per dataset. Without
    ``datasets``, the datasets named in ``urls`` are updated, or every
    configured source when ``urls`` is empty too.
    """
    progress = progress or _Silent()
    sources = {**settings.source_urls, **(urls or {})}
    wanted = list(datasets) if datasets else list(urls) if urls else list(settings.source_urls)
    outcomes = []
    for dataset in wanted:
        url = sources.get(dataset)
        if not url:
            outcomes.append(UpdateOutcome(dataset, "", FAILED, f"no source URL configured for {dataset}"))
            continue
        try:
            outcomes.append(_update_one(store, settings, dataset, url, force, progress))
        finally:
            progress.finished(dataset)
    return outcomes


class _Silent:
    def phase(self, dataset: str, phase: str, total: int | None = None) -> None:
        pass

    def advance(self, done: int) -> None:
        pass

    def finished(self, dataset: str) -> None:
        pass


def _active(store: Store, dataset: str) -> VersionInfo | None:
    return next((v for v in store.active() if v.dataset == dataset), None)


def _update_one(
    store: Store, settings: Settings, dataset: str, url: str, force: bool, progress: UpdateProgress
) -> UpdateOutcome:
    from embargo.sources import detect, parse

    before = _active(store, dataset)
    outcome = UpdateOutcome(dataset, url, FAILED, previous_version=before.version if before else None)
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="download-", dir=settings.data_dir) as tmp:
        try:
            path = fetch(
                url,
                Path(tmp) / _file_name(url, dataset),
                settings,
                on_start=lambda total: progress.phase(dataset, "downloading", total),
                on_bytes=progress.advance,
            )
            sha256 = file_sha256(path)
            if before is not None and before.sha256 == sha256:
                outcome.status, outcome.version = UNCHANGED, before
                return outcome
            progress.phase(dataset, "parsing")
            fmt = detect([path])
            expected = EXPECTED_FORMATS.get(dataset)
            if expected is not None and fmt not in expected:
                raise StoreError(
                    f"{url}: the file is in format {fmt}, which is not how {dataset} is published "
                    f"({', '.join(sorted(expected))})"
                )
            result = parse([path], format=fmt, dataset=dataset, settings=settings)
            entities = list(result.entities)  # parse completely before touching the store
            _check_count(before, len(entities), settings, force)
            complete = ParseResult(
                dataset=result.dataset,
                format=result.format,
                files=result.files,
                entities=iter(entities),
                published=result.published,
                warnings=result.warnings,
            )
            progress.phase(dataset, "loading", len(entities))
            info = store.load(complete, sha256=sha256, source=url, progress=progress.advance)
        except SourceError as exc:
            where = f"{url}:{exc.position}" if exc.position else url
            outcome.reason = f"{where}: {exc.reason}"
            return outcome
        except (DownloadError, StoreError) as exc:
            outcome.reason = str(exc)
            return outcome
        except OSError as exc:
            outcome.reason = f"{url}: {exc.strerror or exc}"
            return outcome
    outcome.status = UNCHANGED if info.unchanged else OK
    outcome.version = info
    return outcome


def _check_count(before: VersionInfo | None, count: int, settings: Settings, force: bool) -> None:
    if before is None or force or before.entities == 0:
        return
    drop = 1 - count / before.entities
    if drop > settings.max_drop_share:
        raise StoreError(
            f"{before.dataset}: the new file has {count:,} entities against {before.entities:,} in the "
            f"active version {before.version} (a drop of {drop:.0%}, more than the allowed "
            f"{settings.max_drop_share:.0%}); not loaded — check the source, or use --force"
        )


def _file_name(url: str, dataset: str) -> str:
    """The URL's own file name (parsers may look at the extension), made safe."""
    name = Path(unquote(urlparse(url).path)).name
    name = re.sub(r"[^A-Za-z0-9._-]", "_", name).lstrip(".")
    return name or f"{dataset}.download"


def fetch(
    url: str,
    target: Path,
    settings: Settings,
    on_start: Callable[[int | None], None] | None = None,
    on_bytes: Callable[[int], None] | None = None,
) -> Path:
    """Copy ``url`` (http(s), file:// or a local path) to ``target``, size-capped.

    ``on_start`` is called with the size when known (announced or on disk),
    ``on_bytes`` with the bytes received so far as a download proceeds.
    """
    limit = settings.max_download_bytes
    parsed = urlparse(url)
    if parsed.scheme in ("http", "https"):
        _download(url, target, limit, settings.download_timeout, on_start, on_bytes)
    elif parsed.scheme in ("file", ""):
        source = Path(unquote(parsed.path) if parsed.scheme == "file" else url)
        if not source.is_file():
            raise DownloadError(f"{url}: no such file")
        if source.stat().st_size > limit:
            raise DownloadError(f"{url}: larger than the {limit:,}-byte limit (max_download_bytes)")
        if on_start is not None:
            on_start(source.stat().st_size)
        shutil.copyfile(source, target)
        if on_bytes is not None:
            on_bytes(target.stat().st_size)
    else:
        raise DownloadError(f"{url}: unsupported URL scheme {parsed.scheme!r}")
    if target.stat().st_size == 0:
        raise DownloadError(f"{url}: the download is empty")
    return target


def _download(
    url: str,
    target: Path,
    limit: int,
    timeout: float,
    on_start: Callable[[int | None], None] | None,
    on_bytes: Callable[[int], None] | None,
) -> None:
    try:
        with (
            httpx.Client(timeout=timeout, follow_redirects=True) as client,
            client.stream("GET", url, headers={"Accept-Encoding": "gzip, deflate"}) as response,
        ):
            if response.status_code != 200:
                raise DownloadError(f"{url}: HTTP {response.status_code} {response.reason_phrase}".rstrip())
            declared = response.headers.get("Content-Length")
            if declared and declared.isdigit() and int(declared) > limit:
                raise DownloadError(
                    f"{url}: announces {int(declared):,} bytes, over the {limit:,}-byte limit (max_download_bytes)"
                )
            if on_start is not None:
                # The announced size is of the encoded body; the bar counts decoded bytes.
                plain = response.headers.get("Content-Encoding") in (None, "identity")
                on_start(int(declared) if declared and declared.isdigit() and plain else None)
            received = 0
            with open(target, "wb") as out:
                # iter_bytes decodes gzip; counting decoded bytes also caps a
                # compression bomb sent as Content-Encoding.
                for chunk in response.iter_bytes(1 << 16):
                    received += len(chunk)
                    if received > limit:
                        raise DownloadError(
                            f"{url}: larger than the {limit:,}-byte limit (max_download_bytes)"
                        )
                    out.write(chunk)
                    if on_bytes is not None:
                        on_bytes(received)
            if (
                declared
                and declared.isdigit()
                and response.headers.get("Content-Encoding") in (None, "identity")
            ) and received != int(declared):
                raise DownloadError(f"{url}: truncated download ({received:,} of {int(declared):,} bytes)")
    except httpx.TimeoutException:
        raise DownloadError(f"{url}: timed out after {timeout:g} s") from None
    except httpx.HTTPError as exc:
        raise DownloadError(f"{url}: download failed: {exc}") from None

"""The bundled snapshot: official list files shipped inside the package.

It makes a fresh install useful offline: an empty store loads it before its
first use. The files are the official publications, byte for byte, only
xz-compressed (the xlsx files are zip archives already and are kept as they
are). ``manifest.json`` names, per dataset, the files, the parser format,
the SHA-256 of the uncompressed file set (so loading the same official file
later is recognised as "unchanged") and the publication date.

Rebuild from a folder laid out like the project's shared data with
``python -m embargo.store.bundle SOURCE_DIR`` (the output is deterministic).
"""

from __future__ import annotations

import argparse
import json
import logging
import lzma
import shutil
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from embargo.settings import Settings
from embargo.store.hashing import file_sha256, files_sha256
from embargo.store.store import Store
from embargo.store.versions import VersionInfo

log = logging.getLogger(__name__)

BUNDLE_DIR = Path(__file__).resolve().parent.parent / "data" / "lists"
MANIFEST = "manifest.json"
_ALREADY_COMPRESSED = {".xlsx", ".zip"}


@dataclass(frozen=True)
class BundledList:
    """One dataset of the snapshot and what is known about its copy."""

    dataset: str
    format: str
    files: tuple[str, ...]  # relative to the source folder
    published: str  # ISO date; for formats without a date, the date of the copy
    as_of: str  # how ``published`` was established
    publisher: str
    licence: str
    attribution: str


# For us_ofac_cons the sdn.xml-schema file is shipped rather than the legacy
# CSVs or the enhanced XML: it is the same list, once, and carries a
# Publish_Date. The OpenSanctions sample is not shipped (CC BY-NC).
BUNDLE: tuple[BundledList, ...] = (
    BundledList(
        dataset="us_ofac_sdn",
        format="ofac_csv",
        files=("ofac/sdn/sdn.csv", "ofac/sdn/alt.csv", "ofac/sdn/add.csv", "ofac/sdn/sdn_comments.csv"),
        published="2024-05-03",
        as_of="sdn.csv copied from OFAC on 2024-05-03 (the CSV carries no date); alt.csv, add.csv and "
        "sdn_comments.csv are a later copy (2025-12-24), so aliases and addresses of entities designated "
        "after May 2024 have no primary record and are reported as warnings",
        publisher="U.S. Department of the Treasury, Office of Foreign Assets Control (OFAC)",
        licence="Work of the United States Government: public domain in the United States (17 U.S.C. 105)",
        attribution="Source: U.S. Department of the Treasury, OFAC",
    ),
    BundledList(
        dataset="us_ofac_cons",
        format="ofac_xml",
        files=("ofac/non-sdn/consolidated.xml",),
        published="2025-06-30",
        as_of="Publish_Date inside the file",
        publisher="U.S. Department of the Treasury, Office of Foreign Assets Control (OFAC)",
        licence="Work of the United States Government: public domain in the United States (17 U.S.C. 105)",
        attribution="Source: U.S. Department of the Treasury, OFAC",
    ),
    BundledList(
        dataset="gb_hmt_sanctions",
        format="uk_hmt",
        files=("uk/ConList.xlsx",),
        published="2025-04-14",
        as_of='"Last Updated" cell inside the file',
        publisher="HM Treasury, Office of Financial Sanctions Implementation (OFSI)",
        licence="Open Government Licence v3.0 (https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/)",
        attribution="Contains public sector information licensed under the Open Government Licence v3.0 "
        "(HM Treasury / Office of Financial Sanctions Implementation)",
    ),
    BundledList(
        dataset="un_sc_sanctions",
        format="un_sc",
        files=("un/consolidated.xml",),
        published="2026-03-28",
        as_of="dateGenerated attribute inside the file",
        publisher="United Nations Security Council",
        licence="United Nations public information, published for public use; reproduced with attribution",
        attribution="Source: United Nations Security Council Consolidated List",
    ),
    BundledList(
        dataset="au_dfat_sanctions",
        format="au_dfat",
        files=("au/regulation8_consolidated.xlsx",),
        published="2024-11-11",
        as_of="latest Control Date in the sheet (the file has no publication date)",
        publisher="Commonwealth of Australia, Department of Foreign Affairs and Trade (DFAT)",
        licence="Creative Commons Attribution 4.0 International (CC BY 4.0)",
        attribution="Source: Department of Foreign Affairs and Trade (Australia), licensed under CC BY 4.0",
    ),
    BundledList(
        dataset="ca_dfatd_sema_sanctions",
        format="ca_sema",
        files=("ca/sema-lmes.xml",),
        published="2020-04-15",
        as_of="date of the copy (the file has no date; it predates the 2022 designations)",
        publisher="Global Affairs Canada",
        licence="Open Government Licence – Canada (https://open.canada.ca/en/open-government-licence-canada)",
        attribution="Contains information licensed under the Open Government Licence – Canada",
    ),
)


def _stored_name(name: str) -> str:
    return name if Path(name).suffix.lower() in _ALREADY_COMPRESSED else name + ".xz"


def build(source_dir: Path, out_dir: Path = BUNDLE_DIR) -> dict[str, Any]:
    """Compress the official files into ``out_dir`` and write the manifest and NOTICE.

    The NOTICE goes next to the ``lists`` folder for the shipped bundle
    (embargo/data/NOTICE), inside ``out_dir`` otherwise.
    """
    if out_dir.exists():
        shutil.rmtree(out_dir)
    out_dir.mkdir(parents=True)
    manifest: dict[str, Any] = {"datasets": []}
    for item in BUNDLE:
        target = out_dir / item.dataset
        target.mkdir()
        entries = []
        sources = [source_dir / rel for rel in item.files]
        for path in sources:
            stored = _stored_name(path.name)
            if stored == path.name:
                shutil.copyfile(path, target / stored)
            else:
                with lzma.open(target / stored, "wb", preset=9 | lzma.PRESET_EXTREME) as out:
                    out.write(path.read_bytes())
            entries.append(
                {
                    "name": path.name,
                    "stored": stored,
                    "sha256": file_sha256(path),
                    "bytes": path.stat().st_size,
                }
            )
        manifest["datasets"].append(
            {
                "dataset": item.dataset,
                "format": item.format,
                "published": item.published,
                "as_of": item.as_of,
                "sha256": files_sha256(sources),
                "files": entries,
                "publisher": item.publisher,
                "licence": item.licence,
                "attribution": item.attribution,
            }
        )
    (out_dir / MANIFEST).write_text(
        json.dumps(manifest, indent=2, ensure_ascii=False) + "\n", encoding="utf-8"
    )
    notice_path = BUNDLE_DIR.parent / "NOTICE" if out_dir.resolve() == BUNDLE_DIR else out_dir / "NOTICE"
    notice_path.write_text(notice(), encoding="utf-8")
    return manifest


def notice() -> str:
    parts = [
        "Bundled sanctions lists",
        "=======================",
        "",
        "embargo ships copies of the official list files below (in embargo/data/lists/, xz-compressed",
        "where they were not already compressed) so that it works offline from the first run.",
        "They are the publishers' files, unmodified. `embargo update` replaces them with the current",
        "publications. These files are not covered by embargo's own licence; each is used under",
        "the terms of its publisher:",
        "",
    ]
    for item in BUNDLE:
        parts += [
            f"{item.dataset}",
            f"  Publisher:   {item.publisher}",
            f"  Files:       {', '.join(Path(f).name for f in item.files)}",
            f"  Date:        {item.published}: {item.as_of}",
            f"  Terms:       {item.licence}",
            f"  Attribution: {item.attribution}",
            "",
        ]
    return "\n".join(parts)


def read_manifest(bundle_dir: Path = BUNDLE_DIR) -> list[dict[str, Any]]:
    datasets: list[dict[str, Any]] = json.loads((bundle_dir / MANIFEST).read_text("utf-8"))["datasets"]
    return datasets


def unpack(entry: dict[str, Any], into: Path, bundle_dir: Path = BUNDLE_DIR) -> list[Path]:
    """Restore one dataset's original files into ``into``, checking their hashes."""
    paths = []
    for item in entry["files"]:
        stored = bundle_dir / entry["dataset"] / item["stored"]
        target = into / item["name"]
        try:
            if stored.suffix == ".xz":
                with lzma.open(stored, "rb") as src, open(target, "wb") as dst:
                    shutil.copyfileobj(src, dst, 1 << 20)
            else:
                shutil.copyfile(stored, target)
        except (OSError, lzma.LZMAError, EOFError) as exc:
            raise RuntimeError(f"bundled file {stored} is unreadable: {exc}") from None
        if file_sha256(target) != item["sha256"]:
            raise RuntimeError(f"bundled file {stored} is damaged (SHA-256 mismatch)")
        paths.append(target)
    return paths


@dataclass
class BundleOutcome:
    dataset: str
    info: VersionInfo | None
    error: str | None = None


def load_bundle(
    store: Store,
    settings: Settings,
    *,
    progress: Callable[[str, int], None] | None = None,
    bundle_dir: Path = BUNDLE_DIR,
) -> list[BundleOutcome]:
    """Load every bundled dataset; one that fails is reported, the others still load."""
    from embargo.sources import parse

    outcomes = []
    settings.data_dir.mkdir(parents=True, exist_ok=True)
    for entry in read_manifest(bundle_dir):
        dataset = entry["dataset"]
        try:
            with tempfile.TemporaryDirectory(prefix="bundle-", dir=settings.data_dir) as tmp:
                paths = unpack(entry, Path(tmp), bundle_dir)
                result = parse(paths, format=entry["format"], dataset=dataset, settings=settings)
                if result.published is None:
                    result.published = entry["published"]
                step = None if progress is None else (lambda n, d=dataset: progress(d, n))
                info = store.load(
                    result, sha256=entry["sha256"], source=f"bundled snapshot ({dataset})", progress=step
                )
            outcomes.append(BundleOutcome(dataset, info))
        except Exception as exc:  # one broken dataset must not stop the others
            log.warning("bundled list %s not loaded: %s", dataset, exc)
            outcomes.append(BundleOutcome(dataset, None, str(exc)))
    return outcomes


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="Rebuild the bundled list snapshot.")
    parser.add_argument("source_dir", type=Path, help="folder with ofac/, uk/, un/, au/, ca/")
    parser.add_argument("--out", type=Path, default=BUNDLE_DIR)
    args = parser.parse_args(argv)
    manifest = build(args.source_dir, args.out)
    total = sum(p.stat().st_size for p in args.out.rglob("*") if p.is_file())
    print(f"{len(manifest['datasets'])} datasets, {total:,} bytes in {args.out}")


if __name__ == "__main__":
    main()

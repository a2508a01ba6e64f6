"""One settings object for the whole tool, read from the environment and flags.

Every knob lives here so that an operator can see, in one file, what can be
changed: ``EMBARGO_<FIELD>`` in the environment overrides the default, and
the CLI overrides the environment (``--data-dir``).
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field, fields
from pathlib import Path
from typing import Any

# Official download addresses, by dataset. ``embargo update`` fetches these
# unless overridden by EMBARGO_SOURCE_URLS (a JSON object) or --url.
DEFAULT_SOURCE_URLS: dict[str, str] = {
    "us_ofac_sdn": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/SDN.XML",
    "us_ofac_cons": "https://sanctionslistservice.ofac.treas.gov/api/PublicationPreview/exports/CONSOLIDATED.XML",
    "gb_hmt_sanctions": "https://ofsistorage.blob.core.windows.net/publishlive/2022format/ConList.csv",
    "un_sc_sanctions": "https://scsanctions.un.org/resources/xml/en/consolidated.xml",
    "au_dfat_sanctions": "https://www.dfat.gov.au/sites/default/files/regulation8_consolidated.xlsx",
    "ca_dfatd_sema_sanctions": "https://www.international.gc.ca/world-monde/assets/office_docs/international_relations-relations_internationales/sanctions/sema-lmes.xml",
}


def _default_data_dir() -> Path:
    return Path.home() / ".local" / "share" / "embargo"


@dataclass
class Settings:
    """All configuration. Field ``x`` is read from env var ``EMBARGO_X``."""

    data_dir: Path = field(default_factory=_default_data_dir)
    # Lists
    retention: int = 5  # versions kept per dataset, the active one included
    max_drop_share: float = 0.5  # refuse an update that loses more than this share of entities
    max_download_bytes: int = 200 * 1024 * 1024
    max_field_chars: int = 100_000  # longer cell/element text is rejected as hostile
    max_unzipped_bytes: int = 500 * 1024 * 1024  # zip/xlsx lists may not expand beyond this
    download_timeout: float = 120.0
    source_urls: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_SOURCE_URLS))
    load_bundled: bool = True  # load the bundled snapshot into an empty store
    # Name screening
    match_threshold: float = 0.7
    match_floor: float = 0.5  # near-misses down to here are returned with match=false
    match_limit: int = 10
    # Per-dataset / per-schema thresholds, e.g. {"Person": 0.75, "un_sc_sanctions": 0.65}
    threshold_overrides: dict[str, float] = field(default_factory=dict)
    # Use the compiled candidate-bounds kernel where it was built; false runs
    # its numpy twin, which gives the very same bounds, slower. (The scoring
    # kernels are used whenever built; tests check them against their Python
    # twins.)
    compiled_kernels: bool = True
    # HTTP service
    max_request_bytes: int = 2 * 1024 * 1024
    max_queries_per_batch: int = 500
    max_text_chars: int = 1_000_000
    # Text screening: names found in prose are short and context-poor, so a
    # text hit needs a higher name score than a structured query does.
    scan_threshold: float = 0.8
    scan_workers: int = 0  # batch scan processes; 0 = one per CPU
    request_timeout: float = 30.0
    max_list_age_days: float = 0.0  # 0 = never "not ready" because of age
    max_results: int = 500  # largest `limit` a /match or /search request may ask for
    api_key_cache_seconds: float = 5.0  # a revoked key stops working within this time
    engine_poll_seconds: float = 10.0  # how often a server checks the store for newer lists
    scan_warmup: bool = True  # build a server's text scanner in the background, not on the first /scan

    @classmethod
    def from_env(cls, env: dict[str, str] | None = None, **overrides: Any) -> Settings:
        env = dict(os.environ if env is None else env)
        values: dict[str, Any] = {}
        for f in fields(cls):
            raw = env.get(f"EMBARGO_{f.name.upper()}")
            if raw is None:
                continue
            values[f.name] = _coerce(f.name, raw, cls)
        values.update({k: v for k, v in overrides.items() if v is not None})
        settings = cls(**values)
        settings.data_dir = Path(settings.data_dir).expanduser()
        return settings

    @property
    def store_path(self) -> Path:
        return self.data_dir / "embargo.sqlite3"


def _coerce(name: str, raw: str, cls: type[Settings]) -> Any:
    default = getattr(cls(), name) if name != "data_dir" else None
    if name == "data_dir":
        return Path(raw)
    if isinstance(default, bool):
        return raw.strip().lower() in {"1", "true", "yes", "on"}
    if isinstance(default, int):
        return int(raw)
    if isinstance(default, float):
        return float(raw)
    if isinstance(default, dict):
        value = json.loads(raw)
        if not isinstance(value, dict):
            raise ValueError(f"EMBARGO_{name.upper()} must be a JSON object")
        if name == "source_urls":
            merged = dict(DEFAULT_SOURCE_URLS)
            merged.update(value)
            return merged
        return value
    return raw

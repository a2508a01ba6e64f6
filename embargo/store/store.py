"""The versioned embedded store (SQLite in WAL mode).

Why this shape: every load becomes a new numbered version of its dataset,
written in one transaction together with the switch of the ``active``
pointer, so a crash or a bad file leaves the previous version active and
readers (in WAL mode they never block on the writer) see either the old
version or the new one. Old versions are kept (up to ``retention``) so that
an operator can diff or roll back, and so that a reader holding a
:class:`Snapshot` keeps reading rows that are no longer active.
"""

from __future__ import annotations

import sqlite3
import threading
from collections.abc import Callable, Iterable, Iterator
from dataclasses import replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from embargo.model import Entity
from embargo.sources.base import ParseResult
from embargo.store import _json, keys
from embargo.store.diff import Diff, compute_diff
from embargo.store.errors import StoreError
from embargo.store.schema import ensure_schema
from embargo.store.snapshot import Snapshot, decode_entity
from embargo.store.versions import VersionInfo

ProgressCallback = Callable[[int], None]

_PROGRESS_EVERY = 500
_VERSION_COLUMNS = "v.id, v.dataset, v.version, v.sha256, v.published, v.loaded_at, v.entities, v.source, v.format, v.warnings"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


def _version_from_row(row: tuple[Any, ...], active: bool) -> VersionInfo:
    _, dataset, version, sha256, published, loaded_at, entities, source, fmt, warnings = row
    return VersionInfo(
        dataset=dataset,
        version=version,
        sha256=sha256,
        published=published,
        loaded_at=loaded_at,
        entities=entities,
        source=source,
        active=active,
        warnings=list(_json.loads(warnings)),
        format=fmt,
    )


class Store:
    """Versioned lists, audit log and API keys in one SQLite file.

    Safe to share between threads: each thread gets its own connection.
    """

    def __init__(self, path: Path | str, *, retention: int = 5, busy_timeout: float = 30.0) -> None:
        if retention < 1:
            raise ValueError("retention must keep at least the active version")
        self.path = Path(path)
        self.retention = retention
        self._busy_timeout = busy_timeout
        self._local = threading.local()
        self._connections: list[sqlite3.Connection] = []
        self._lock = threading.Lock()
        ensure_schema(self._conn())

    # -- connections -------------------------------------------------------

    def _open(self) -> sqlite3.Connection:
        conn = sqlite3.connect(
            self.path, timeout=self._busy_timeout, isolation_level=None, check_same_thread=False
        )
        conn.execute("PRAGMA journal_mode = WAL")
        # In WAL mode NORMAL still makes every commit atomic; it may only
        # lose the very last commit on power loss, never half of one.
        conn.execute("PRAGMA synchronous = NORMAL")
        # A load grows the WAL by the size of a list; give the space back
        # once it is checkpointed.
        conn.execute("PRAGMA journal_size_limit = 33554432")
        return conn

    def _conn(self) -> sqlite3.Connection:
        """This thread's connection (sqlite3 connections are not for sharing)."""
        conn: sqlite3.Connection | None = getattr(self._local, "conn", None)
        if conn is None:
            conn = self._open()
            self._local.conn = conn
            with self._lock:
                self._connections.append(conn)
        return conn

    def close(self) -> None:
        with self._lock:
            for conn in self._connections:
                conn.close()
            self._connections.clear()
        self._local = threading.local()

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # -- versions ----------------------------------------------------------

    def _read_versions(self, where: str = "", params: tuple[Any, ...] = ()) -> list[tuple[VersionInfo, int]]:
        rows = (
            self._conn()
            .execute(
                f"SELECT {_VERSION_COLUMNS}, a.version_id IS NOT NULL FROM versions v "
                f"LEFT JOIN active a ON a.version_id = v.id {where} ORDER BY v.dataset, v.version",
                params,
            )
            .fetchall()
        )
        return [(_version_from_row(row[:-1], bool(row[-1])), row[0]) for row in rows]

    def versions(self, dataset: str | None = None) -> list[VersionInfo]:
        """Every retained version, by dataset then version number."""
        if dataset is None:
            return [info for info, _ in self._read_versions()]
        return [info for info, _ in self._read_versions("WHERE v.dataset = ?", (dataset,))]

    def active(self) -> list[VersionInfo]:
        return [info for info, _ in self._read_versions("WHERE a.version_id IS NOT NULL")]

    def is_empty(self) -> bool:
        return self._conn().execute("SELECT 1 FROM versions LIMIT 1").fetchone() is None

    def snapshot(self) -> Snapshot:
        # One statement: the active set is read at a single instant.
        pairs = self._read_versions("WHERE a.version_id IS NOT NULL")
        return Snapshot(
            self._conn,
            [info for info, _ in pairs],
            {info.dataset: version_id for info, version_id in pairs},
            open_reader=self._open,
        )

    def get_entity(self, entity_id: str) -> Entity | None:
        return self.snapshot().get(entity_id)

    def iter_entities(self, datasets: Iterable[str] | None = None) -> Iterator[Entity]:
        return self.snapshot().iter_entities(datasets)

    # -- loading -----------------------------------------------------------

    def load(
        self,
        result: ParseResult,
        *,
        sha256: str,
        source: str,
        progress: ProgressCallback | None = None,
    ) -> VersionInfo:
        """Write a parsed list as the new active version of its dataset.

        Entities are consumed from ``result`` inside one write transaction:
        if the parser raises half-way (a truncated file), or anything else
        fails, the transaction is rolled back and the store is exactly as
        before. A file identical (same SHA-256) to the active version is not
        loaded again; the active version is returned with ``unchanged`` set.
        """
        dataset = result.dataset
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            active = self._active_row(conn, dataset)
            if active is not None and active[3] == sha256:
                conn.execute("ROLLBACK")
                return replace(_version_from_row(active, True), unchanged=True)
            info = self._write_version(conn, result, sha256, source, progress)
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return info

    def _active_row(self, conn: sqlite3.Connection, dataset: str) -> tuple[Any, ...] | None:
        row: tuple[Any, ...] | None = conn.execute(
            f"SELECT {_VERSION_COLUMNS} FROM versions v JOIN active a ON a.version_id = v.id "
            "WHERE a.dataset = ?",
            (dataset,),
        ).fetchone()
        return row

    def _write_version(
        self,
        conn: sqlite3.Connection,
        result: ParseResult,
        sha256: str,
        source: str,
        progress: ProgressCallback | None,
    ) -> VersionInfo:
        dataset = result.dataset
        (latest,) = conn.execute(
            "SELECT COALESCE(MAX(version), 0) FROM versions WHERE dataset = ?", (dataset,)
        ).fetchone()
        loaded_at = _now()
        cursor = conn.execute(
            "INSERT INTO versions (dataset, version, sha256, published, loaded_at, entities, source, "
            "format, warnings) VALUES (?, ?, ?, ?, ?, 0, ?, ?, ?)",
            (dataset, latest + 1, sha256, result.published, loaded_at, source, result.format, b"[]"),
        )
        version_id = cursor.lastrowid
        seen: set[str] = set()
        duplicates: list[str] = []

        def rows() -> Iterator[tuple[int | None, str, str, bytes]]:
            for entity in result.entities:
                if entity.id in seen:
                    duplicates.append(f"duplicate entity id {entity.id}: later record ignored")
                    continue
                seen.add(entity.id)
                if dataset not in entity.datasets:
                    entity.datasets.append(dataset)
                if progress is not None and len(seen) % _PROGRESS_EVERY == 0:
                    progress(len(seen))
                yield version_id, entity.id, entity.schema, _json.dumps(entity.to_dict())

        conn.executemany("INSERT INTO entities (version_id, id, schema, data) VALUES (?, ?, ?, ?)", rows())
        if not seen:
            raise StoreError(f"{dataset}: the file holds no entities; nothing was loaded")
        if progress is not None:
            progress(len(seen))
        warnings = [*result.warnings, *duplicates]
        conn.execute(
            "UPDATE versions SET entities = ?, warnings = ? WHERE id = ?",
            (len(seen), _json.dumps(warnings), version_id),
        )
        conn.execute(
            "INSERT INTO active (dataset, version_id) VALUES (?, ?) "
            "ON CONFLICT (dataset) DO UPDATE SET version_id = excluded.version_id",
            (dataset, version_id),
        )
        self._prune(conn, dataset)
        return VersionInfo(
            dataset=dataset,
            version=latest + 1,
            sha256=sha256,
            published=result.published,
            loaded_at=loaded_at,
            entities=len(seen),
            source=source,
            active=True,
            warnings=warnings,
            format=result.format,
        )

    def _prune(self, conn: sqlite3.Connection, dataset: str) -> None:
        """Drop versions beyond the newest ``retention`` (never the active one)."""
        rows = conn.execute(
            "SELECT v.id, a.version_id IS NOT NULL FROM versions v "
            "LEFT JOIN active a ON a.version_id = v.id WHERE v.dataset = ? ORDER BY v.version DESC",
            (dataset,),
        ).fetchall()
        keep = {vid for vid, is_active in rows if is_active}
        for vid, _ in rows:
            if len(keep) >= self.retention:
                break
            keep.add(vid)
        doomed = [vid for vid, _ in rows if vid not in keep]
        for vid in doomed:
            conn.execute("DELETE FROM entities WHERE version_id = ?", (vid,))
            conn.execute("DELETE FROM versions WHERE id = ?", (vid,))

    def activate(self, dataset: str, version: int) -> VersionInfo:
        """Point ``dataset`` at an older (or newer) retained version, atomically."""
        conn = self._conn()
        conn.execute("BEGIN IMMEDIATE")
        try:
            row = conn.execute(
                "SELECT id FROM versions WHERE dataset = ? AND version = ?", (dataset, version)
            ).fetchone()
            if row is None:
                raise StoreError(f"{dataset} has no retained version {version}")
            conn.execute(
                "INSERT INTO active (dataset, version_id) VALUES (?, ?) "
                "ON CONFLICT (dataset) DO UPDATE SET version_id = excluded.version_id",
                (dataset, row[0]),
            )
            conn.execute("COMMIT")
        except BaseException:
            if conn.in_transaction:
                conn.execute("ROLLBACK")
            raise
        return next(v for v in self.versions(dataset) if v.version == version)

    # -- diff --------------------------------------------------------------

    def diff(self, dataset: str, from_version: int | None = None, to_version: int | None = None) -> Diff:
        """Entities added, removed and changed between two versions.

        Defaults compare the active version with the retained version just
        before it; with no earlier version everything counts as added.
        """
        pairs = self._read_versions("WHERE v.dataset = ?", (dataset,))
        if not pairs:
            raise StoreError(f"no versions of dataset {dataset!r}")
        by_number = {info.version: vid for info, vid in pairs}
        if to_version is None:
            actives = [info.version for info, _ in pairs if info.active]
            to_version = actives[0] if actives else max(by_number)
        if to_version not in by_number:
            raise StoreError(f"{dataset} has no retained version {to_version}")
        if from_version is None:
            earlier = [n for n in by_number if n < to_version]
            from_version = max(earlier) if earlier else None
        elif from_version not in by_number:
            raise StoreError(f"{dataset} has no retained version {from_version}")
        conn = self._conn()

        def rows(number: int | None) -> list[tuple[str, bytes]]:
            if number is None:
                return []
            return conn.execute(
                "SELECT id, data FROM entities WHERE version_id = ?", (by_number[number],)
            ).fetchall()

        return compute_diff(
            dataset, from_version, to_version, rows(from_version), rows(to_version), decode_entity
        )

    # -- audit log ---------------------------------------------------------

    def record_audit(
        self,
        actor: str,
        action: str,
        request: dict[str, Any],
        response_summary: dict[str, Any],
        versions: dict[str, Any],
    ) -> None:
        self._conn().execute(
            "INSERT INTO audit (at, actor, action, request, response, versions) VALUES (?, ?, ?, ?, ?, ?)",
            (
                _now(),
                actor,
                action,
                _json.dumps(request),
                _json.dumps(response_summary),
                _json.dumps(versions),
            ),
        )

    def audit_log(self, limit: int = 100) -> list[dict[str, Any]]:
        """Newest entries first."""
        rows = (
            self._conn()
            .execute(
                "SELECT id, at, actor, action, request, response, versions FROM audit ORDER BY id DESC LIMIT ?",
                (limit,),
            )
            .fetchall()
        )
        return [
            {
                "id": row[0],
                "at": row[1],
                "actor": row[2],
                "action": row[3],
                "request": _json.loads(row[4]),
                "response": _json.loads(row[5]),
                "versions": _json.loads(row[6]),
            }
            for row in rows
        ]

    # -- API keys ----------------------------------------------------------

    def create_api_key(self, role: str) -> str:
        """Create a key for ``role`` and return it in clear: the only time it is visible."""
        if not role or not role.strip():
            raise StoreError("an API key needs a role")
        clear, key_id, salt, digest = keys.new_key()
        self._conn().execute(
            "INSERT INTO api_keys (key_id, role, salt, digest, created_at) VALUES (?, ?, ?, ?, ?)",
            (key_id, role.strip(), salt, digest, _now()),
        )
        return clear

    def verify_api_key(self, key: str) -> keys.ApiKey | None:
        """Id and role of a valid, unrevoked key, else None."""
        parts = keys.split_key(key)
        if parts is None:
            return None
        key_id, secret = parts
        row = (
            self._conn()
            .execute(
                "SELECT role, salt, digest FROM api_keys WHERE key_id = ? AND revoked_at IS NULL", (key_id,)
            )
            .fetchone()
        )
        if row is None or not keys.matches(row[1], row[2], secret):
            return None
        return keys.ApiKey(key_id=key_id, role=row[0])

    def list_api_keys(self) -> list[dict[str, Any]]:
        rows = (
            self._conn()
            .execute("SELECT key_id, role, created_at, revoked_at FROM api_keys ORDER BY created_at, key_id")
            .fetchall()
        )
        return [{"key_id": r[0], "role": r[1], "created_at": r[2], "revoked_at": r[3]} for r in rows]

    def revoke_api_key(self, key_id: str) -> bool:
        """Revoke by key id (a full key is accepted too); False if unknown or already revoked."""
        parts = keys.split_key(key_id)
        if parts is not None:
            key_id = parts[0]
        cursor = self._conn().execute(
            "UPDATE api_keys SET revoked_at = ? WHERE key_id = ? AND revoked_at IS NULL", (_now(), key_id)
        )
        return cursor.rowcount > 0

"""Table layout of the store, created idempotently on open.

Entities are keyed by the global ``versions.id`` (not by dataset) so that a
reader who fixed a set of version ids once can keep reading them while a
writer inserts and activates a newer version next to them.
"""

from __future__ import annotations

import sqlite3

from embargo.store.errors import StoreError

SCHEMA_VERSION = 1

DDL = """
CREATE TABLE IF NOT EXISTS versions (
    id INTEGER PRIMARY KEY,
    dataset TEXT NOT NULL,
    version INTEGER NOT NULL,
    sha256 TEXT NOT NULL,
    published TEXT,
    loaded_at TEXT NOT NULL,
    entities INTEGER NOT NULL,
    source TEXT NOT NULL,
    format TEXT NOT NULL DEFAULT '',
    warnings BLOB NOT NULL,
    UNIQUE (dataset, version)
);
CREATE TABLE IF NOT EXISTS active (
    dataset TEXT PRIMARY KEY,
    version_id INTEGER NOT NULL REFERENCES versions (id)
);
CREATE TABLE IF NOT EXISTS entities (
    version_id INTEGER NOT NULL,
    id TEXT NOT NULL,
    schema TEXT NOT NULL,
    data BLOB NOT NULL
);
CREATE UNIQUE INDEX IF NOT EXISTS entities_by_version ON entities (version_id, id);
CREATE INDEX IF NOT EXISTS entities_by_id ON entities (id);
CREATE TABLE IF NOT EXISTS audit (
    id INTEGER PRIMARY KEY,
    at TEXT NOT NULL,
    actor TEXT NOT NULL,
    action TEXT NOT NULL,
    request BLOB NOT NULL,
    response BLOB NOT NULL,
    versions BLOB NOT NULL
);
CREATE TABLE IF NOT EXISTS api_keys (
    key_id TEXT PRIMARY KEY,
    role TEXT NOT NULL,
    salt BLOB NOT NULL,
    digest BLOB NOT NULL,
    created_at TEXT NOT NULL,
    revoked_at TEXT
);
"""


def ensure_schema(conn: sqlite3.Connection) -> None:
    current = conn.execute("PRAGMA user_version").fetchone()[0]
    if current > SCHEMA_VERSION:
        raise StoreError(
            f"store schema version {current} is newer than this version of embargo understands "
            f"({SCHEMA_VERSION}); upgrade embargo"
        )
    if current == SCHEMA_VERSION:
        return
    conn.executescript("BEGIN IMMEDIATE;" + DDL + f"PRAGMA user_version = {SCHEMA_VERSION}; COMMIT;")

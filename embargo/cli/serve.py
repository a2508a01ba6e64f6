"""``embargo serve`` (the HTTP service) and ``embargo keys`` (its API keys)."""

from __future__ import annotations

import ipaddress
import json
import os
import sqlite3
from enum import StrEnum
from pathlib import Path

import typer

from embargo.cli import app, settings
from embargo.cli.lists import explained
from embargo.settings import Settings

keys_app = typer.Typer(help="Create, list and revoke API keys for `embargo serve`.", no_args_is_help=True)
app.add_typer(keys_app, name="keys")


class Role(StrEnum):
    screen = "screen"
    admin = "admin"


def is_loopback(host: str) -> bool:
    """True for addresses only this machine can reach (127.0.0.0/8, ::1, localhost)."""
    if host.strip().lower() == "localhost":
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


@app.command()
def serve(
    host: str = typer.Option("127.0.0.1", "--host", help="Address to bind."),
    port: int = typer.Option(8000, "--port", min=0, max=65535, help="Port to bind."),
    workers: int = typer.Option(
        1, "--workers", min=1, max=64, help="Worker processes; each builds its own index."
    ),
    no_auth: bool = typer.Option(
        False, "--no-auth", help="Serve without API keys. Only allowed on a loopback address."
    ),
    log_level: str = typer.Option("info", "--log-level", help="uvicorn log level."),
    data_dir: Path | None = typer.Option(
        None, "--data-dir", help="Where the store lives (as the global option)."
    ),
) -> None:
    """Serve the yente-compatible screening API (OpenAPI schema at /openapi.json, docs at /docs)."""
    import uvicorn

    from embargo.api.app import NO_AUTH_ENV

    if no_auth and not is_loopback(host):
        typer.echo(
            f"embargo: refusing --no-auth on {host}: anyone who can reach it could screen and update lists; "
            "bind to 127.0.0.1 or create keys with `embargo keys create`",
            err=True,
        )
        raise typer.Exit(2)
    resolved = settings()
    if data_dir is not None:
        resolved.data_dir = data_dir.expanduser()
    _check_store(resolved)
    # Workers are separate processes that rebuild settings from the
    # environment, so hand the resolved values over through it.
    os.environ["EMBARGO_DATA_DIR"] = str(resolved.data_dir)
    os.environ[NO_AUTH_ENV] = "1" if no_auth else "0"
    if no_auth:
        typer.echo("embargo: authentication is OFF (--no-auth); local use only", err=True)
    uvicorn.run(
        "embargo.api.app:app_from_env",
        factory=True,
        host=host,
        port=port,
        workers=workers,
        log_level=log_level,
        access_log=False,
    )


def _check_store(resolved: Settings) -> None:
    """Open the store once before serving: a damaged or unwritable store is one
    clear message here rather than a traceback from every worker, and a first
    run loads the bundled lists with a progress bar."""
    from embargo.store import StoreError, open_store

    try:
        with open_store(resolved):
            pass
    except (StoreError, sqlite3.Error, OSError) as exc:
        typer.echo(f"embargo: cannot serve from {resolved.store_path}: {exc}", err=True)
        raise typer.Exit(1) from None


@keys_app.command("create")
@explained
def keys_create(
    role: Role = typer.Option(..., "--role", help="screen: may screen; admin: may also update lists."),
) -> None:
    """Create a key. It is shown once, as the last line of output; only a digest is stored."""
    from embargo.store import StoreError, open_store

    with open_store(settings()) as store:
        key = store.create_api_key(role.value)
        # Verifying the new key gives its id and proves it was stored usable.
        created = store.verify_api_key(key)
    if created is None:
        raise StoreError(f"the new key does not verify in {settings().store_path}")
    typer.echo(f"created {created.role} key {created.key_id}; copy it now, it cannot be shown again:")
    typer.echo(key)


@keys_app.command("list")
@explained
def keys_list(as_json: bool = typer.Option(False, "--json", help="Print JSON.")) -> None:
    """List keys by id and role (never the keys themselves)."""
    from embargo.store import open_store

    with open_store(settings()) as store:
        rows = store.list_api_keys()
    if as_json:
        typer.echo(json.dumps(rows, indent=2))
        return
    if not rows:
        typer.echo("no API keys; create one with `embargo keys create --role screen`")
        return
    for row in rows:
        state = f"revoked {row['revoked_at']}" if row.get("revoked_at") else "active"
        typer.echo(f"{row['key_id']}  {row['role']:<7} created {row['created_at']}  {state}")


@keys_app.command("revoke")
@explained
def keys_revoke(key_id: str = typer.Argument(..., help="The key id shown by `embargo keys list`.")) -> None:
    """Revoke a key; running servers stop accepting it within EMBARGO_API_KEY_CACHE_SECONDS."""
    from embargo.store import open_store

    with open_store(settings()) as store:
        revoked = store.revoke_api_key(key_id)
    if not revoked:
        typer.echo(f"embargo: no active key with id {key_id!r}", err=True)
        raise typer.Exit(1)
    typer.echo(f"revoked {key_id}")

"""`embargo keys`: create prints the key last, list never shows keys, revoke disables them."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from embargo.cli import app
from embargo.settings import Settings
from embargo.store import open_store

ENV = {"EMBARGO_LOAD_BUNDLED": "0"}


def _run(tmp_path: Path, *args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, ["--data-dir", str(tmp_path), *args], env=ENV)


def test_create_prints_a_working_key_as_the_last_line(tmp_path: Path) -> None:
    result = _run(tmp_path, "keys", "create", "--role", "admin")
    assert result.exit_code == 0, result.output
    key = result.output.strip().splitlines()[-1]
    with open_store(Settings(data_dir=tmp_path, load_bundled=False)) as store:
        verified = store.verify_api_key(key)
    assert verified is not None and verified.role == "admin"
    assert f"created admin key {verified.key_id}" in result.output


def test_list_shows_ids_and_roles_but_never_the_key(tmp_path: Path) -> None:
    key = _run(tmp_path, "keys", "create", "--role", "screen").output.strip().splitlines()[-1]
    listed = _run(tmp_path, "keys", "list")
    assert listed.exit_code == 0
    key_id = key.split("_")[1]
    assert key_id in listed.output and "screen" in listed.output
    assert key not in listed.output and key.split("_", 2)[2] not in listed.output


def test_revoke_disables_the_key_and_unknown_ids_fail(tmp_path: Path) -> None:
    key = _run(tmp_path, "keys", "create", "--role", "screen").output.strip().splitlines()[-1]
    assert _run(tmp_path, "keys", "revoke", key.split("_")[1]).exit_code == 0
    with open_store(Settings(data_dir=tmp_path, load_bundled=False)) as store:
        assert store.verify_api_key(key) is None
    missing = _run(tmp_path, "keys", "revoke", "000000000000")
    assert missing.exit_code == 1


def test_unknown_role_is_a_usage_error(tmp_path: Path) -> None:
    assert _run(tmp_path, "keys", "create", "--role", "root").exit_code == 2


def test_damaged_store_is_one_clear_line_for_keys_and_serve(tmp_path: Path) -> None:
    (tmp_path / "embargo.sqlite3").write_bytes(b"this is not a database" * 100)
    listed = _run(tmp_path, "keys", "list")
    assert listed.exit_code == 1 and "not a database" in listed.output
    served = _run(tmp_path, "serve", "--port", "1")
    assert served.exit_code == 1 and "cannot serve" in served.output
    assert "Traceback" not in listed.output + served.output

"""API-key parsing, roles and the verification cache."""

from __future__ import annotations

from embargo.api.auth import Authenticator, Principal, parse_authorization


def test_yente_style_header_yields_the_key() -> None:
    assert parse_authorization("ApiKey emb_abc_secret") == "emb_abc_secret"
    assert parse_authorization("apikey   emb_abc_secret  ") == "emb_abc_secret"
    assert parse_authorization("Bearer emb_abc_secret") == "emb_abc_secret"


def test_headers_without_a_usable_key_yield_nothing() -> None:
    for header in (None, "", "ApiKey", "ApiKey   ", "Basic dXNlcjpwYXNz", "emb_abc_secret"):
        assert parse_authorization(header) is None


def test_admin_may_do_what_screen_may_but_not_the_reverse() -> None:
    admin = Principal("a", "admin")
    screen = Principal("s", "screen")
    assert admin.allows("screen") and admin.allows("admin")
    assert screen.allows("screen") and not screen.allows("admin")
    assert not Principal("x", "unknown-role").allows("screen")


class _Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def test_revocation_takes_effect_once_the_cache_expires() -> None:
    valid = {"k1": Principal("id1", "screen")}
    calls: list[str] = []

    def verify(key: str) -> Principal | None:
        calls.append(key)
        return valid.get(key)

    clock = _Clock()
    auth = Authenticator(verify, cache_seconds=5.0, clock=clock)
    assert auth.authenticate("k1") == Principal("id1", "screen")
    del valid["k1"]  # revoked in the store
    clock.now = 4.0
    assert auth.authenticate("k1") is not None  # still cached
    assert calls == ["k1"]
    clock.now = 5.5
    assert auth.authenticate("k1") is None
    assert calls == ["k1", "k1"]


def test_bad_keys_are_cached_too_so_guessing_does_not_hammer_the_store() -> None:
    calls: list[str] = []

    def verify(key: str) -> Principal | None:
        calls.append(key)
        return None

    auth = Authenticator(verify, cache_seconds=60.0, clock=_Clock())
    for _ in range(5):
        assert auth.authenticate("nope") is None
    assert calls == ["nope"]

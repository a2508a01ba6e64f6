"""Request limits: deadlines and the body-size guard."""

from __future__ import annotations

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor

import httpx
import pytest

from embargo.api.limits import (
    BodySizeLimit,
    Deadline,
    LimitExceeded,
    RequestTimedOut,
    check_batch_size,
    check_text_length,
    run_bounded,
)


class _Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_deadline_trips_only_after_its_time() -> None:
    clock = _Clock()
    deadline = Deadline(2.0, clock=clock)
    deadline.check()
    clock.now = 101.9
    deadline.check()
    clock.now = 102.0
    with pytest.raises(RequestTimedOut, match="2 s limit"):
        deadline.check()


def test_zero_timeout_means_no_deadline() -> None:
    clock = _Clock()
    deadline = Deadline(0, clock=clock)
    clock.now = 1e12
    deadline.check()


def test_slow_work_answers_at_the_deadline_not_when_it_finishes() -> None:
    import threading

    release = threading.Event()

    async def scenario() -> None:
        with ThreadPoolExecutor(1) as pool:
            with pytest.raises(RequestTimedOut):
                await run_bounded(pool, Deadline(0.05), lambda: release.wait(5))
            release.set()

    asyncio.run(scenario())


def test_limit_messages_name_the_setting_to_change() -> None:
    check_batch_size(500, 500)
    with pytest.raises(LimitExceeded) as batch:
        check_batch_size(501, 500)
    assert batch.value.status_code == 422 and "EMBARGO_MAX_QUERIES_PER_BATCH" in batch.value.detail
    check_text_length(10, 10)
    with pytest.raises(LimitExceeded) as text:
        check_text_length(11, 10)
    assert "EMBARGO_MAX_TEXT_CHARS" in text.value.detail


async def _echo_length(scope, receive, send) -> None:  # type: ignore[no-untyped-def]
    body = b""
    while True:
        message = await receive()
        body += message.get("body", b"")
        if not message.get("more_body"):
            break
    payload = json.dumps({"received": len(body)}).encode()
    await send(
        {"type": "http.response.start", "status": 200, "headers": [(b"content-type", b"application/json")]}
    )
    await send({"type": "http.response.body", "body": payload})


def _post(content: bytes | object, limit: int = 100) -> httpx.Response:
    app = BodySizeLimit(_echo_length, max_bytes=limit)

    async def go() -> httpx.Response:
        transport = httpx.ASGITransport(app=app)
        async with httpx.AsyncClient(transport=transport, base_url="http://t") as client:
            return await client.post("/", content=content)  # type: ignore[arg-type]

    return asyncio.run(go())


def test_declared_oversized_body_is_refused_with_413() -> None:
    response = _post(b"x" * 101)
    assert response.status_code == 413
    assert "EMBARGO_MAX_REQUEST_BYTES" in response.json()["detail"]


def test_body_at_the_limit_passes_through_whole() -> None:
    response = _post(b"x" * 100)
    assert response.status_code == 200 and response.json() == {"received": 100}


def test_chunked_body_over_the_limit_is_refused() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(5):
            yield b"y" * 30

    assert _post(chunks()).status_code == 413


def test_chunked_body_under_the_limit_is_replayed_to_the_app() -> None:
    async def chunks():  # type: ignore[no-untyped-def]
        for _ in range(3):
            yield b"y" * 30

    response = _post(chunks())
    assert response.status_code == 200 and response.json() == {"received": 90}

"""Request limits: body size, batch size, text length and time.

Each limit answers with a 4xx and a message naming the limit and the
setting that raises it, so a client (or an operator reading a log) knows
what to change. Limits that the OpenAPI schema can express (queries per
batch, text length) answer 422 like any other schema violation; the body
size limit is enforced before the body is parsed and answers 413; a
request that runs out of time answers 408.
"""

from __future__ import annotations

import asyncio
import json
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any, TypeVar

from starlette.types import ASGIApp, Message, Receive, Scope, Send

T = TypeVar("T")


class RequestTimedOut(Exception):
    """Raised when a request has used up its time budget."""


class ClientError(Exception):
    """A request the service cannot answer as asked; ``detail`` tells the client why."""

    def __init__(self, status_code: int, detail: str) -> None:
        super().__init__(detail)
        self.status_code = status_code
        self.detail = detail


class LimitExceeded(ClientError):
    """A request asked for more than a configured limit allows."""


class Deadline:
    """A point in time after which work for a request should stop.

    Screening a batch checks it between queries, so a request that times
    out also stops burning CPU soon after, not only stops waiting.
    """

    def __init__(self, seconds: float, clock: Callable[[], float] = time.monotonic) -> None:
        self.seconds = seconds
        self._clock = clock
        self._at = clock() + seconds if seconds > 0 else float("inf")

    @property
    def remaining(self) -> float:
        return self._at - self._clock()

    def check(self) -> None:
        if self._clock() >= self._at:
            raise RequestTimedOut(timeout_message(self.seconds))


def timeout_message(seconds: float) -> str:
    return f"request took longer than the {seconds:g} s limit (EMBARGO_REQUEST_TIMEOUT)"


async def run_bounded(executor: ThreadPoolExecutor, deadline: Deadline, func: Callable[[], T]) -> T:
    """Run CPU-bound ``func`` off the event loop, giving up at ``deadline``.

    The thread cannot be killed; ``func`` is expected to check the deadline
    itself and stop. Waiting is abandoned at the deadline either way so the
    client gets its answer on time.
    """
    loop = asyncio.get_running_loop()
    future = loop.run_in_executor(executor, func)
    timeout = deadline.remaining
    if timeout == float("inf"):
        return await future
    try:
        return await asyncio.wait_for(future, timeout=max(timeout, 0.0))
    except TimeoutError:
        raise RequestTimedOut(timeout_message(deadline.seconds)) from None


def check_batch_size(count: int, limit: int) -> None:
    if count > limit:
        raise LimitExceeded(
            422,
            f"too many queries in one request: {count} > {limit} (EMBARGO_MAX_QUERIES_PER_BATCH)",
        )


def check_text_length(length: int, limit: int) -> None:
    if length > limit:
        raise LimitExceeded(422, f"text too long: {length} characters > {limit} (EMBARGO_MAX_TEXT_CHARS)")


def _body_too_large(limit: int) -> bytes:
    detail = f"request body larger than {limit} bytes (EMBARGO_MAX_REQUEST_BYTES)"
    return json.dumps({"detail": detail}).encode()


class BodySizeLimit:
    """ASGI middleware refusing request bodies over ``max_bytes`` with 413.

    A declared Content-Length is checked before anything is read; a body
    sent without one (chunked) is read up to the limit and then replayed to
    the application, so it never sees more than ``max_bytes``.
    """

    def __init__(self, app: ASGIApp, max_bytes: int) -> None:
        self.app = app
        self.max_bytes = max_bytes

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        declared = None
        for name, value in scope.get("headers", ()):
            if name == b"content-length":
                try:
                    declared = int(value)
                except ValueError:
                    declared = None
                break
        if declared is not None and declared > self.max_bytes:
            await self._refuse(send)
            return
        if declared is not None:
            await self.app(scope, receive, send)
            return
        # No declared length: buffer up to the limit, then replay.
        chunks: list[bytes] = []
        size = 0
        while True:
            message = await receive()
            if message["type"] != "http.request":
                break
            chunk = message.get("body", b"")
            size += len(chunk)
            if size > self.max_bytes:
                await self._refuse(send)
                return
            chunks.append(chunk)
            if not message.get("more_body", False):
                break
        body = b"".join(chunks)
        replayed = False

        async def replay() -> Message:
            nonlocal replayed
            if not replayed:
                replayed = True
                return {"type": "http.request", "body": body, "more_body": False}
            return await receive()

        await self.app(scope, replay, send)

    async def _refuse(self, send: Send) -> None:
        payload = _body_too_large(self.max_bytes)
        headers: list[Any] = [
            (b"content-type", b"application/json"),
            (b"content-length", str(len(payload)).encode()),
            (b"connection", b"close"),
        ]
        await send({"type": "http.response.start", "status": 413, "headers": headers})
        await send({"type": "http.response.body", "body": payload})

"""Stamp every response with the engine version and the list versions used.

A handler that screens records the engine it used in the request state;
the stamp is taken from that engine, so the header always names the lists
the body was computed from even if an update swapped engines meanwhile.
Responses that used no engine (errors, health checks) name the engine
current when they are sent.
"""

from __future__ import annotations

from collections.abc import Callable

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from embargo import __version__
from embargo.api.engine import Engine

VERSION_HEADER = "X-Embargo-Version"
LISTS_HEADER = "X-Embargo-Lists"
ENGINE_STATE_KEY = "engine"


class VersionStamp:
    def __init__(self, app: ASGIApp, current_engine: Callable[[], Engine | None]) -> None:
        self.app = app
        self.current_engine = current_engine

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return

        async def send_wrapper(message: Message) -> None:
            if message["type"] == "http.response.start":
                engine = scope.get("state", {}).get(ENGINE_STATE_KEY) or self.current_engine()
                headers = list(message.get("headers", []))
                headers.append((VERSION_HEADER.lower().encode(), __version__.encode()))
                if engine is not None:
                    headers.append((LISTS_HEADER.lower().encode(), engine.lists_header.encode()))
                message = {**message, "headers": headers}
            await send(message)

        await self.app(scope, receive, send_wrapper)

"""Prometheus metrics in the text exposition format (version 0.0.4).

Only counters, gauges and one histogram are needed, which is little enough
to write out directly rather than add a dependency. Each server process
(each ``--workers`` worker) keeps its own numbers, as Prometheus client
libraries do without their multi-process mode.
"""

from __future__ import annotations

import bisect
import threading
import time
from collections.abc import Callable, Iterable
from datetime import datetime

from starlette.types import ASGIApp, Message, Receive, Scope, Send

from embargo import __version__
from embargo.api.engine import Engine, list_age_days

CONTENT_TYPE = "text/plain; version=0.0.4; charset=utf-8"
LATENCY_BUCKETS = (0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0)

Labels = tuple[tuple[str, str], ...]


def _escape(value: str) -> str:
    return value.replace("\\", "\\\\").replace("\n", "\\n").replace('"', '\\"')


def _labels(labels: Labels, extra: Iterable[tuple[str, str]] = ()) -> str:
    pairs = [*labels, *extra]
    if not pairs:
        return ""
    return "{" + ",".join(f'{k}="{_escape(v)}"' for k, v in pairs) + "}"


def _number(value: float) -> str:
    if value == float("inf"):
        return "+Inf"
    if float(value).is_integer():
        return str(int(value))
    return repr(float(value))


class Counter:
    def __init__(self, name: str, help_text: str) -> None:
        self.name = name
        self.help = help_text
        self._values: dict[Labels, float] = {}
        self._lock = threading.Lock()

    def inc(self, labels: Labels = (), amount: float = 1.0) -> None:
        with self._lock:
            self._values[labels] = self._values.get(labels, 0.0) + amount

    def value(self, labels: Labels = ()) -> float:
        return self._values.get(labels, 0.0)

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} counter"]
        with self._lock:
            items = sorted(self._values.items())
        lines += [f"{self.name}{_labels(k)} {_number(v)}" for k, v in items]
        return lines


class Histogram:
    def __init__(self, name: str, help_text: str, buckets: tuple[float, ...] = LATENCY_BUCKETS) -> None:
        self.name = name
        self.help = help_text
        self.buckets = tuple(sorted(buckets))
        # per label set: per-bucket counts (non-cumulative), sum, count
        self._series: dict[Labels, tuple[list[int], list[float]]] = {}
        self._lock = threading.Lock()

    def observe(self, value: float, labels: Labels = ()) -> None:
        index = bisect.bisect_left(self.buckets, value)
        with self._lock:
            counts, totals = self._series.setdefault(labels, ([0] * (len(self.buckets) + 1), [0.0, 0.0]))
            counts[index] += 1
            totals[0] += value
            totals[1] += 1

    def render(self) -> list[str]:
        lines = [f"# HELP {self.name} {self.help}", f"# TYPE {self.name} histogram"]
        with self._lock:
            series = sorted((k, (list(c), list(t))) for k, (c, t) in self._series.items())
        for labels, (counts, (total, count)) in series:
            cumulative = 0
            for bound, n in zip((*self.buckets, float("inf")), counts, strict=True):
                cumulative += n
                lines.append(f"{self.name}_bucket{_labels(labels, [('le', _number(bound))])} {cumulative}")
            lines.append(f"{self.name}_sum{_labels(labels)} {_number(total)}")
            lines.append(f"{self.name}_count{_labels(labels)} {_number(count)}")
        return lines


class Metrics:
    """Every metric one server process exposes."""

    def __init__(self) -> None:
        self.requests = Counter("embargo_http_requests_total", "HTTP requests answered, by route and status.")
        self.latency = Histogram(
            "embargo_http_request_duration_seconds", "Time from request start to response end."
        )
        self.engine_builds = Counter(
            "embargo_engine_builds_total", "Screening engines built (start + updates)."
        )
        self.audit_failures = Counter(
            "embargo_audit_write_failures_total", "Audit rows that could not be written."
        )
        self.started = time.time()

    def render(self, engine: Engine | None, now: datetime | None = None) -> str:
        lines: list[str] = []
        lines += [
            "# HELP embargo_info Engine version of this server.",
            "# TYPE embargo_info gauge",
            f"embargo_info{_labels((('version', __version__),))} 1",
        ]
        lines += self.requests.render()
        lines += self.latency.render()
        lines += self.engine_builds.render()
        lines += self.audit_failures.render()
        if engine is not None:
            lines += [
                "# HELP embargo_list_entities Entities in each active list version.",
                "# TYPE embargo_list_entities gauge",
            ]
            for info in sorted(engine.versions, key=lambda v: v.dataset):
                labels = (("dataset", info.dataset), ("version", str(info.version)))
                lines.append(f"embargo_list_entities{_labels(labels)} {info.entities}")
            lines += [
                "# HELP embargo_list_age_days Days since each active list was published (else loaded).",
                "# TYPE embargo_list_age_days gauge",
            ]
            for info in sorted(engine.versions, key=lambda v: v.dataset):
                age = list_age_days(info, now)
                if age is not None:
                    lines.append(f"embargo_list_age_days{_labels((('dataset', info.dataset),))} {age:.4f}")
            lines += [
                "# HELP embargo_engine_built_timestamp_seconds When the serving engine was built.",
                "# TYPE embargo_engine_built_timestamp_seconds gauge",
                f"embargo_engine_built_timestamp_seconds {engine.built_at:.3f}",
            ]
        return "\n".join(lines) + "\n"


def route_label(scope: Scope) -> str:
    """The route template (``/match/{dataset}``), never the raw path, to bound cardinality."""
    route = scope.get("route")
    path = getattr(route, "path", None)
    return path if isinstance(path, str) else "unmatched"


class RequestMetrics:
    """ASGI middleware counting requests and timing them."""

    def __init__(
        self, app: ASGIApp, metrics: Metrics, clock: Callable[[], float] = time.perf_counter
    ) -> None:
        self.app = app
        self.metrics = metrics
        self.clock = clock

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = self.clock()
        status = 500

        async def send_wrapper(message: Message) -> None:
            nonlocal status
            if message["type"] == "http.response.start":
                status = message["status"]
            await send(message)

        try:
            await self.app(scope, receive, send_wrapper)
        finally:
            route = route_label(scope)
            labels = (("method", scope.get("method", "")), ("route", route), ("status", str(status)))
            self.metrics.requests.inc(labels)
            self.metrics.latency.observe(self.clock() - started, (("route", route),))

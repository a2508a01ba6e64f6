"""The Prometheus exposition written by hand must be what Prometheus parses."""

from __future__ import annotations

import re
from datetime import UTC, datetime

from embargo.api.engine import Engine
from embargo.api.metrics import Counter, Histogram, Metrics

from .conftest import version_info

_SAMPLE = re.compile(
    r'^[a-zA-Z_:][a-zA-Z0-9_:]*(\{([a-zA-Z_][a-zA-Z0-9_]*="([^"\\]|\\.)*",?)*\})? [-+0-9.eEInf]+$'
)


def _assert_valid_exposition(text: str) -> None:
    assert text.endswith("\n")
    for line in text.splitlines():
        if line.startswith("# HELP ") or line.startswith("# TYPE "):
            continue
        assert _SAMPLE.match(line), line


def test_counter_accumulates_per_label_set() -> None:
    counter = Counter("hits_total", "Hits.")
    counter.inc((("route", "/a"),))
    counter.inc((("route", "/a"),), 2)
    counter.inc((("route", "/b"),))
    lines = counter.render()
    assert 'hits_total{route="/a"} 3' in lines
    assert 'hits_total{route="/b"} 1' in lines


def test_histogram_buckets_are_cumulative_and_end_in_inf() -> None:
    histogram = Histogram("lat_seconds", "Latency.", buckets=(0.1, 1.0))
    for value in (0.05, 0.1, 0.5, 3.0):
        histogram.observe(value)
    lines = histogram.render()
    assert 'lat_seconds_bucket{le="0.1"} 2' in lines  # le is inclusive
    assert 'lat_seconds_bucket{le="1"} 3' in lines
    assert 'lat_seconds_bucket{le="+Inf"} 4' in lines
    assert "lat_seconds_count 4" in lines
    assert any(line.startswith("lat_seconds_sum 3.65") for line in lines)


def test_label_values_are_escaped() -> None:
    counter = Counter("odd_total", "Odd labels.")
    counter.inc((("path", 'a"b\\c\nd'),))
    (sample,) = counter.render()[2:]
    assert sample == 'odd_total{path="a\\"b\\\\c\\nd"} 1'


def test_full_render_reports_lists_and_is_well_formed() -> None:
    metrics = Metrics()
    metrics.requests.inc((("method", "POST"), ("route", "/match/{dataset}"), ("status", "200")))
    metrics.latency.observe(0.004, (("route", "/match/{dataset}"),))
    engine = Engine(
        versions=(
            version_info(
                "un_sc_sanctions",
                3,
                sha256="ab",
                published="2026-03-28",
                loaded_at="2026-11-01T00:00:00+00:00",
                entities=1004,
            ),
        ),
        snapshot=None,
        matcher=None,
    )
    text = metrics.render(engine, now=datetime(2026, 4, 7, tzinfo=UTC))
    _assert_valid_exposition(text)
    assert 'embargo_list_entities{dataset="un_sc_sanctions",version="3"} 1004' in text
    assert 'embargo_list_age_days{dataset="un_sc_sanctions"} 10.0000' in text
    assert 'embargo_http_requests_total{method="POST",route="/match/{dataset}",status="200"} 1' in text

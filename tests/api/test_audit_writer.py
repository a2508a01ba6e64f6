"""The background audit writer: nothing submitted is lost, a failing write is counted."""

from __future__ import annotations

import threading

from embargo.api.audit import AuditRecord, AuditWriter, clip_properties


def _record(n: int) -> AuditRecord:
    return AuditRecord("key1", "match", {"n": n}, {}, {"a": 1})


def test_stop_drains_everything_submitted() -> None:
    written: list[int] = []
    gate = threading.Event()

    def write(record: AuditRecord) -> None:
        gate.wait(5)  # a slow store: records pile up in the queue
        written.append(record.request["n"])

    writer = AuditWriter(write)
    writer.start()
    for n in range(50):
        writer.submit(_record(n))
    gate.set()
    writer.stop()
    assert written == list(range(50))


def test_flush_waits_for_earlier_records_only() -> None:
    written: list[int] = []
    writer = AuditWriter(lambda r: written.append(r.request["n"]))
    writer.start()
    writer.submit(_record(1))
    writer.flush()
    assert written == [1]
    writer.stop()


def test_a_failing_write_is_reported_and_the_writer_goes_on() -> None:
    failures: list[str] = []
    written: list[int] = []

    def write(record: AuditRecord) -> None:
        if record.request["n"] == 2:
            raise OSError("disk full")
        written.append(record.request["n"])

    writer = AuditWriter(write, on_failure=lambda record, exc: failures.append(str(exc)))
    writer.start()
    for n in range(4):
        writer.submit(_record(n))
    writer.stop()
    assert written == [0, 1, 3] and failures == ["disk full"]


def test_what_was_asked_is_kept_but_bounded() -> None:
    clipped = clip_properties({"name": "x" * 2000, "alias": [f"a{i}" for i in range(100)]})
    assert clipped["name"] == ["x" * 500]
    assert len(clipped["alias"]) == 20

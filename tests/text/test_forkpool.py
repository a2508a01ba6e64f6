"""The batch's forked workers: results in input order, errors and dead workers reported."""

from __future__ import annotations

import os
import signal
import time

import pytest

from embargo.text.forkpool import WorkerDied, map_ordered


def slow_square(n: int) -> tuple[int, int]:
    time.sleep(0.002 * (n % 3))  # later chunks often finish first
    return n * n, os.getpid()


def fail_on_seven(n: int) -> int:
    if n == 7:
        raise ValueError("seven")
    return n


def die_on_three(n: int) -> int:
    if n == 3:
        os.kill(os.getpid(), signal.SIGKILL)
    return n


def test_results_come_in_input_order_from_several_processes() -> None:
    results = list(map_ordered(slow_square, range(60), 3))
    assert [r for r, _ in results] == [n * n for n in range(60)]
    assert len({pid for _, pid in results}) > 1
    assert os.getpid() not in {pid for _, pid in results}


def quick(n: int) -> int:
    if n % 7 == 0:
        time.sleep(0.0005)
    return n


def stalled(signum: int, frame: object) -> None:
    raise TimeoutError("map_ordered stalled")


def test_many_quick_chunks_do_not_stall_once_the_window_is_full() -> None:
    # Chunks far outnumber what may be handed out ahead of the one to yield
    # next; a stall must fail the test, not hang it.
    previous = signal.signal(signal.SIGALRM, stalled)
    signal.alarm(60)
    try:
        for _ in range(30):
            assert list(map_ordered(quick, range(300), 2)) == list(range(300))
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def test_an_error_in_a_chunk_is_raised_after_the_results_before_it() -> None:
    seen = []
    with pytest.raises(ValueError, match="seven"):
        for result in map_ordered(fail_on_seven, range(20), 2):
            seen.append(result)
    assert seen == list(range(7))


def test_a_killed_worker_stops_the_batch_instead_of_hanging_it() -> None:
    with pytest.raises(WorkerDied):
        list(map_ordered(die_on_three, range(10), 2))


def test_stopping_early_ends_the_workers() -> None:
    results = map_ordered(slow_square, range(1000), 2)
    first = [next(results) for _ in range(3)]
    pids = {pid for _, pid in first}
    results.close()
    for pid in pids:
        with pytest.raises(ChildProcessError):
            os.waitpid(pid, os.WNOHANG)  # already reaped

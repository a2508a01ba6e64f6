"""Forked worker processes that map a function over chunks of work, results in input order.

Why not :class:`multiprocessing.pool.Pool`: its worker-handler thread wakes
up whenever a result is waiting in the shared result pipe and, until
another thread has read the whole result, keeps waking up. A batch of
payment messages sends back a few hundred kilobytes of JSON per chunk, and
the parent spent more time spinning in that thread than writing the
output. Here each worker has its own pipe, the parent waits on all of them
with one call in a single thread, and a worker gets its next chunk as soon
as it has sent back the last.

Each worker works on one chunk at a time, so neither side can block
sending while the other does (a chunk and a result are never in flight on
the same pipe together). Results that arrive early wait, at most a few
chunks per worker, until those before them are done.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import pickle
import signal
import traceback
from collections.abc import Callable, Generator, Iterable, Iterator
from multiprocessing.connection import Connection, wait
from typing import Any, TypeVar

_A = TypeVar("_A")
_R = TypeVar("_R")
_AHEAD = 4  # chunks per worker that may be handed out beyond the next one to yield


class WorkerDied(RuntimeError):
    """A worker process ended without answering (killed, or crashed in native code)."""


def map_ordered(
    function: Callable[[_A], _R], chunks: Iterable[_A], workers: int
) -> Generator[_R, None, None]:
    """``map(function, chunks)`` in ``workers`` forked processes.

    ``function`` must be importable by name (it is sent by reference); the
    workers see the memory of this process as it was when they were forked.
    An exception raised by ``function`` is raised here, after the results
    of the chunks before it.
    """
    context = multiprocessing.get_context("fork")
    connections: list[Connection] = []
    processes = []
    try:
        for _ in range(workers):
            ours, theirs = context.Pipe(duplex=True)
            # The new worker also gets copies of the parent's ends of its own
            # pipe and of those to the workers before it; it closes them, so
            # that it sees the end of its pipe when the parent goes away.
            process = context.Process(
                target=_serve, args=(theirs, function, [*connections, ours]), daemon=True
            )
            process.start()
            theirs.close()
            connections.append(ours)
            processes.append(process)
        yield from _dispatch(iter(chunks), connections, workers * _AHEAD)
    finally:
        for connection in connections:
            with contextlib.suppress(OSError):  # already gone
                connection.send(None)
            connection.close()
        for process in processes:
            process.join(timeout=5)
            if process.is_alive():
                process.terminate()
                process.join()


def _dispatch(chunks: Iterator[_A], connections: list[Connection], window: int) -> Iterator[Any]:
    idle = list(connections)
    done: dict[int, Any] = {}
    sent = 0  # chunks handed out
    yielded = 0
    exhausted = False
    while True:
        while idle and not exhausted and sent - yielded < window:
            chunk = next(chunks, _END)
            if chunk is _END:
                exhausted = True
                break
            idle.pop().send((sent, chunk))
            sent += 1
        while yielded in done:
            ok, payload = done.pop(yielded)
            if not ok:
                raise payload
            yield payload
            yielded += 1
        if exhausted and yielded == sent:
            return
        busy = [c for c in connections if c not in idle]
        if not busy:
            continue  # what was just yielded made room for more chunks: hand them out first
        for ready in wait(busy):
            assert isinstance(ready, Connection)
            try:
                index, ok, payload = ready.recv()
            except EOFError:
                raise WorkerDied("a batch worker process ended unexpectedly") from None
            done[index] = (ok, payload)
            idle.append(ready)


_END: Any = object()


def _serve(connection: Connection, function: Callable[[Any], Any], others: list[Connection]) -> None:
    """A worker's loop: answer chunks until told to stop (None) or the parent goes away."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the parent's to handle
    for other in others:
        other.close()
    while True:
        try:
            task = connection.recv()
        except (EOFError, OSError):
            break
        if task is None:
            break
        index, chunk = task
        try:
            answer = (index, True, function(chunk))
        except BaseException as exc:  # noqa: BLE001 - handed to the parent, which raises it
            answer = (index, False, _sendable(exc))
        connection.send(answer)
    connection.close()
    os._exit(0)  # skip the parent's atexit handlers and buffered output copied by fork


def _sendable(exc: BaseException) -> BaseException:
    try:
        pickle.loads(pickle.dumps(exc))
    except Exception:  # noqa: BLE001 - any exception that cannot travel is described instead
        return RuntimeError("".join(traceback.format_exception(exc)))
    return exc

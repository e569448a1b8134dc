"""A pool of worker processes that run jobs one at a time, each under a time limit.

rdflib cannot interrupt a running query, and a query running in a thread would hold the GIL the
HTTP threads need, so every job runs in a worker process, and a job that runs past its time limit
is stopped by killing its worker (SIGKILL) and forking a fresh one in its place.

Workers are forked from a *zygote*: one single-threaded process forked when the pool starts, after
the graph is loaded. Every worker therefore shares the loaded graph's memory (copy-on-write), and
no fork ever happens in the HTTP process once it has threads. The zygote hands each new worker's
end of a socket pair to the pool (SCM_RIGHTS) and reaps the workers that end.

A crashed or killed (``kill -9``) server leaves no process behind. On Linux the zygote and every
worker ask the kernel, right after their fork, to be sent SIGKILL when their parent ends
(``prctl(PR_SET_PDEATHSIG)``): the pool's process going kills the zygote, and the zygote going kills
the workers, even one busy in a long job. Elsewhere they end when they next read their socket (end
of file), which a busy worker only does once its job is over (or the alarm below has ended it).

Each job is also time-boxed inside its worker: the worker arms a real-time alarm (SIGALRM, left at its
default action, which terminates the process even while it is blocked in native code) a margin
after the job's time limit, and disarms it when the job returns. The pool's own timeout, which
kills and replaces the worker, normally comes first; the alarm stops the job when the pool's
process is gone or stuck.
"""

from __future__ import annotations

import gc
import math
import os
import queue
import signal
import socket
import struct
import threading
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any

from exograph.errors import QueryTimeoutError, ServerError, WorkerDiedError
from exograph.process import die_with_parent


def _alarm_delay(timeout: float) -> float:
    """Seconds after which a worker's alarm ends a job limited to ``timeout`` seconds (0: none).

    The pool's own timeout (which reports :class:`QueryTimeoutError` and replaces the worker) should
    win: its clock starts before the worker's, and the margin, at least 1 s and half the limit for
    long ones, leaves room for a pool's process slowed down by load to wake up and kill the worker.
    """
    if not math.isfinite(timeout) or timeout <= 0:
        return 0.0
    return timeout + max(1.0, 0.5 * timeout)


@dataclass
class _Worker:
    pid: int
    conn: Connection


@dataclass(frozen=True)
class _Failure:
    """A job raised in the worker (the handler should not let it)."""

    message: str


class WorkerPool:
    """``size`` forked workers running ``handler(job)``; :meth:`run` waits for the answer.

    Parameters
    ----------
    handler
        Runs one job in a worker and returns its (picklable) answer.
    size
        Number of workers, hence of jobs running at once.
    close_fds
        File descriptors the workers must not keep (the listening socket).
    on_start
        Runs first in each new worker (e.g. to forbid network access there). It must leave SIGALRM
        alone: in the workers it is the pool's, for the jobs' time box.

    Create the pool from the main thread, or from a thread that lives as long as the pool: on Linux
    the zygote is killed when the thread that forked it (the one creating the pool) ends, and the
    workers with it (see the module's docstring). The zygote itself is single-threaded, so its
    workers only end with it.
    """

    def __init__(
        self,
        handler: Callable[[Any], Any],
        size: int = 2,
        *,
        close_fds: Iterable[int] = (),
        on_start: Callable[[], None] | None = None,
    ) -> None:
        if size < 1:
            raise ServerError(f"a worker pool needs at least one worker, not {size}")
        self.size = size
        self._handler = handler
        self._on_start = on_start
        self._idle: queue.Queue[_Worker] = queue.Queue()
        self._all: dict[int, _Worker] = {}
        self._lock = threading.Lock()  # guards the zygote's socket and _all
        self._closed = False
        gc.freeze()  # objects loaded so far stay put, so forked workers share their pages longer
        self._zygote_pid, self._zygote = self._start_zygote(list(close_fds))
        for _ in range(size):
            self._idle.put(self._spawn())

    # ------------------------------------------------------------------ use

    def run(self, job: Any, timeout: float) -> Any:
        """The answer to ``job``; :class:`QueryTimeoutError` when no worker is free within ``timeout``
        seconds or the job runs longer than that (its worker is then killed and replaced).

        The worker also ends the job by itself a margin after ``timeout`` (see :func:`_alarm_delay`),
        should this process be too slow to, or gone."""
        try:
            worker = self._idle.get(timeout=timeout)
        except queue.Empty:
            raise QueryTimeoutError(
                f"all {self.size} query workers stayed busy for {timeout:g} s (the --timeout limit); try again, or start the server with more --workers"
            ) from None
        try:
            worker.conn.send((job, timeout))
            finished = worker.conn.poll(timeout)
            answer = worker.conn.recv() if finished else None
        except (EOFError, OSError):
            self._replace(worker)
            raise WorkerDiedError("the query worker died while running the query (out of memory?); it has been replaced") from None
        if not finished:
            self._replace(worker)
            raise QueryTimeoutError(f"the query ran longer than {timeout:g} s (the --timeout limit) and was stopped; narrow it or add a LIMIT")
        self._release(worker)
        if isinstance(answer, _Failure):
            raise ServerError(answer.message)
        return answer

    @property
    def pids(self) -> list[int]:
        """The worker processes' ids (and not the zygote's)."""
        with self._lock:
            return sorted(self._all)

    def close(self) -> None:
        """Kill the workers and end the zygote; safe to call twice."""
        with self._lock:
            if self._closed:
                return
            self._closed = True
            workers = list(self._all.values())
            self._all.clear()
        for worker in workers:
            _kill(worker)
        self._zygote.close()  # the zygote reads end of file and exits
        try:
            os.waitpid(self._zygote_pid, 0)
        except ChildProcessError:
            pass

    def __enter__(self) -> WorkerPool:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    # ------------------------------------------------------------------ workers

    def _release(self, worker: _Worker) -> None:
        if self._closed:
            _kill(worker)
        else:
            self._idle.put(worker)

    def _replace(self, worker: _Worker) -> None:
        with self._lock:
            self._all.pop(worker.pid, None)
        _kill(worker)
        if not self._closed:
            try:
                self._idle.put(self._spawn())
            except (OSError, ServerError):
                pass  # the pool is closing under us

    def _spawn(self) -> _Worker:
        with self._lock:
            if self._closed:
                raise ServerError("the worker pool is closed")
            try:
                self._zygote.sendall(b"w")
                data, fds, _, _ = socket.recv_fds(self._zygote, 16, 1)
            except OSError as exc:
                raise ServerError(f"cannot start a query worker: {exc}") from None
            if len(data) != 4 or len(fds) != 1:
                raise ServerError("cannot start a query worker: the zygote process has gone")
            worker = _Worker(struct.unpack("i", data)[0], Connection(fds[0]))
            self._all[worker.pid] = worker
            return worker

    def _start_zygote(self, close_fds: list[int]) -> tuple[int, socket.socket]:
        ours, theirs = socket.socketpair()
        parent = os.getpid()
        pid = os.fork()
        if pid == 0:  # the zygote: never returns into the caller's code
            code = 0
            try:
                die_with_parent(parent)
                ours.close()
                for fd in close_fds:
                    try:
                        os.close(fd)
                    except OSError:
                        pass
                signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the server's to handle
                signal.signal(signal.SIGCHLD, signal.SIG_IGN)  # ended workers are reaped by the kernel
                self._zygote_loop(theirs)
            except BaseException:
                code = 1
            finally:
                os._exit(code)
        theirs.close()
        return pid, ours

    def _zygote_loop(self, channel: socket.socket) -> None:
        zygote = os.getpid()
        while channel.recv(1):
            ours, theirs = socket.socketpair()
            pid = os.fork()
            if pid == 0:  # a worker
                code = 0
                try:
                    die_with_parent(zygote)
                    channel.close()
                    ours.close()
                    signal.signal(signal.SIGCHLD, signal.SIG_DFL)
                    self._worker_loop(Connection(theirs.detach()))
                except BaseException:
                    code = 1
                finally:
                    os._exit(code)
            theirs.close()
            socket.send_fds(channel, [struct.pack("i", pid)], [ours.fileno()])
            ours.close()

    def _worker_loop(self, conn: Connection) -> None:
        if self._on_start is not None:
            self._on_start()
        # the time box: SIGALRM's default action ends the process, even one blocked in native code
        # (where a Python handler would never run)
        signal.signal(signal.SIGALRM, signal.SIG_DFL)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, {signal.SIGALRM})
        while True:
            try:
                job, timeout = conn.recv()
            except (EOFError, OSError):
                return
            signal.setitimer(signal.ITIMER_REAL, _alarm_delay(timeout))
            try:
                answer = self._handler(job)
            except Exception as exc:
                answer = _Failure(f"internal error in a query worker: {type(exc).__name__}: {exc}")
            finally:
                signal.setitimer(signal.ITIMER_REAL, 0)
            conn.send(answer)


def _kill(worker: _Worker) -> None:
    try:
        os.kill(worker.pid, signal.SIGKILL)
    except ProcessLookupError:
        pass
    worker.conn.close()

"""The worker pool: jobs in forked processes, a time limit enforced by killing, replacements."""

from __future__ import annotations

import json
import os
import select
import signal
import subprocess
import sys
import threading
import time
import urllib.request
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from exograph.errors import QueryTimeoutError, ServerError
from exograph.server.engine import Backend
from exograph.server.workers import WorkerPool

from .serving import alive, descendants, wait_until_gone


def handler(job: tuple) -> object:
    kind = job[0]
    if kind == "echo":
        return job[1]
    if kind == "pid":
        return os.getpid()
    if kind == "sleep":
        time.sleep(job[1])
        return "slept"
    if kind == "die":
        os._exit(3)
    if kind == "fetch":
        try:
            with urllib.request.urlopen(job[1], timeout=2) as response:
                return response.read()[:20]
        except Exception as exc:
            return f"{type(exc).__name__}: {exc}"
    raise ValueError(f"bad job {job!r}")


@pytest.fixture
def pool():
    with WorkerPool(handler, 2) as p:
        yield p


def test_jobs_run_in_the_workers(pool):
    assert pool.run(("echo", {"a": [1, 2]}), 5) == {"a": [1, 2]}
    assert len(pool.pids) == 2
    assert pool.run(("pid",), 5) in pool.pids
    assert os.getpid() not in pool.pids


def test_a_job_past_the_limit_is_killed_and_its_worker_replaced(pool):
    before = set(pool.pids)
    start = time.monotonic()
    with pytest.raises(QueryTimeoutError, match=r"ran longer than 0.5 s \(the --timeout limit\) and was stopped"):
        pool.run(("sleep", 30), 0.5)
    assert time.monotonic() - start < 3
    after = set(pool.pids)
    assert len(after) == 2 and len(before - after) == 1
    assert wait_until_gone(before - after) == set()
    assert pool.run(("echo", "still here"), 5) == "still here"


def test_one_slow_job_does_not_hold_up_another(pool):
    """The other worker answers while the first still sleeps: an event (the slow job still running),
    not a wall-clock budget a loaded machine can miss."""
    done = threading.Event()

    def slow_job() -> None:
        pool.run(("sleep", 3.0), 10)
        done.set()

    slow = threading.Thread(target=slow_job)
    slow.start()
    time.sleep(0.1)
    assert pool.run(("echo", 1), 10) == 1
    assert not done.is_set()  # answered while the slow job still ran
    slow.join()


def test_waiting_for_a_busy_pool_is_limited_too():
    with WorkerPool(handler, 1) as pool:
        slow = threading.Thread(target=lambda: pool.run(("sleep", 1.0), 5))
        slow.start()
        time.sleep(0.1)
        with pytest.raises(QueryTimeoutError, match="all 1 query workers stayed busy for 0.3 s"):
            pool.run(("echo", 1), 0.3)
        slow.join()
        assert pool.run(("echo", 2), 5) == 2


def test_a_worker_that_dies_is_replaced(pool):
    with pytest.raises(ServerError, match="worker died"):
        pool.run(("die",), 5)
    assert len(pool.pids) == 2
    assert pool.run(("echo", "ok"), 5) == "ok"


def test_a_handler_error_is_reported_and_the_worker_kept(pool):
    before = pool.pids
    with pytest.raises(ServerError, match="internal error in a query worker: ValueError: bad job"):
        pool.run(("nonsense",), 5)
    assert pool.pids == before


def test_close_ends_every_process():
    pool = WorkerPool(handler, 2)
    processes = descendants(os.getpid())
    assert len(processes) == 3  # the zygote and two workers
    pool.close()
    pool.close()
    assert wait_until_gone(processes) == set()
    assert alive(processes) == set()


def test_workers_of_the_server_cannot_use_the_network(tmp_path):
    secret = tmp_path / "secret.txt"
    secret.write_text("do not read me")
    with WorkerPool(handler, 1, on_start=Backend.forbid_network) as pool:
        assert pool.run(("fetch", secret.as_uri()), 5).startswith("PermissionError: exograph's query workers never use the network")
        assert pool.run(("fetch", "http://127.0.0.1:9/"), 5).startswith("PermissionError")
    with WorkerPool(handler, 1) as pool:  # without the guard the same job reads the file
        assert pool.run(("fetch", secret.as_uri()), 5) == b"do not read me"


def test_the_alarm_is_disarmed_after_a_job():
    with WorkerPool(handler, 1) as pool:
        [worker] = pool.pids
        assert pool.run(("pid",), 1) == worker
        time.sleep(3)  # past the alarm (at 2 s) the job would have left armed
        assert alive({worker}) == {worker}
        assert pool.run(("pid",), 5) == worker


# ---------------------------------------------------------------------- a pool in another process

ROOT = Path(__file__).resolve().parent.parent

#: ``python -c POOL KIND MARKER TIMEOUT``: a pool of two workers created by the main thread, its
#: processes' ids printed as JSON, then one job ``KIND`` run (from a thread) under ``TIMEOUT``
#: seconds; the job writes its worker's id to the file ``MARKER`` once under way.
POOL = """
import json, os, signal, sys, threading, time
from exograph.server.workers import WorkerPool

def handler(job):
    kind, marker, pool = job
    if kind == "stop-pool":  # the pool's process can no longer time the job out
        os.kill(pool, signal.SIGSTOP)
    with open(marker + ".tmp", "w") as file:
        file.write(str(os.getpid()))
    os.rename(marker + ".tmp", marker)
    if kind == "spin":
        while True:
            pass
    time.sleep(60)  # blocks in C
    return "slept"

kind, marker, timeout = sys.argv[1], sys.argv[2], float(sys.argv[3])
pool = WorkerPool(handler, 2)
print(json.dumps({"zygote": pool._zygote_pid, "workers": pool.pids}), flush=True)
threading.Thread(target=pool.run, args=((kind, marker, os.getpid()), timeout), daemon=True).start()
time.sleep(600)
"""


@dataclass
class Child:
    process: subprocess.Popen[str]
    zygote: int
    workers: set[int]
    busy: int  #: the worker running the job

    @property
    def processes(self) -> set[int]:
        return {self.zygote, *self.workers}


def state(pid: int) -> str:
    """The process's state letter in /proc (R, S, T for stopped...); '' once it is gone."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except OSError:
        return ""


@contextmanager
def pool_in_a_child(kind: str, timeout: float, tmp_path: Path) -> Iterator[Child]:
    """A pool in a child process, running one job of ``kind`` (see :data:`POOL`) in one of its two
    workers; the child, its zygote and its workers are all killed at the end, whatever happens."""
    marker = tmp_path / "started"
    errors = tmp_path / "stderr.txt"
    started: set[int] = set()
    with errors.open("w") as stderr:
        process = subprocess.Popen([sys.executable, "-c", POOL, kind, str(marker), str(timeout)], stdout=subprocess.PIPE, stderr=stderr, text=True, cwd=ROOT)
    assert process.stdout is not None
    try:
        ready, _, _ = select.select([process.stdout], [], [], 60)
        line = process.stdout.readline() if ready else ""
        assert line, f"the pool did not start: {errors.read_text()}"
        pids = json.loads(line)
        started = {pids["zygote"], *pids["workers"]}
        deadline = time.monotonic() + 60
        while not marker.exists() and process.poll() is None and time.monotonic() < deadline:
            time.sleep(0.05)
        assert marker.exists(), f"the job did not start: {errors.read_text()}"
        yield Child(process, pids["zygote"], set(pids["workers"]), int(marker.read_text()))
    finally:
        process.kill()
        process.wait()
        process.stdout.close()
        for pid in alive(started):  # left behind: what the pool should never do
            os.kill(pid, signal.SIGKILL)


linux_only = pytest.mark.skipif(not sys.platform.startswith("linux"), reason="PR_SET_PDEATHSIG is Linux's")


@linux_only
@pytest.mark.parametrize("kind", ["spin", "sleep"])  # busy in Python, blocked in C
def test_killing_the_pool_s_process_ends_the_zygote_and_every_worker(kind, tmp_path):
    with pool_in_a_child(kind, 60, tmp_path) as child:
        assert child.busy in child.workers
        assert alive(child.processes) == child.processes
        os.kill(child.process.pid, signal.SIGKILL)
        child.process.wait()
        assert wait_until_gone(child.processes, timeout=10) == set()


def test_a_worker_ends_a_job_past_its_limit_itself_when_the_pool_cannot(tmp_path):
    with pool_in_a_child("stop-pool", 2, tmp_path) as child:
        assert state(child.process.pid) == "T"  # stopped: its own 2 s timeout cannot fire
        assert wait_until_gone({child.busy}, timeout=30) == set()  # the alarm, at 3 s; not the job's 60 s
        assert state(child.process.pid) == "T"  # the pool did not end it
        assert alive(child.processes) == child.processes - {child.busy}  # the zygote and the other worker stay


@linux_only
def test_a_process_whose_parent_has_gone_ends_at_once():
    code = """
import ctypes, os
from exograph.process import die_with_parent
die_with_parent(os.getppid())
signum = ctypes.c_int()
ctypes.CDLL(None).prctl(2, ctypes.byref(signum), 0, 0, 0)  # PR_GET_PDEATHSIG
print(signum.value, flush=True)
die_with_parent(os.getpid())  # as if our parent (os.getpid(), never ours) had gone
print("not ended", flush=True)
"""
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, timeout=60)
    assert (result.returncode, result.stdout) == (1, f"{int(signal.SIGKILL)}\n"), result.stderr

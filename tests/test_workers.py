"""The worker pool: jobs in forked processes, a time limit enforced by killing, replacements."""

from __future__ import annotations

import os
import threading
import time
import urllib.request

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
    slow = threading.Thread(target=lambda: pool.run(("sleep", 1.0), 5))
    slow.start()
    time.sleep(0.1)
    start = time.monotonic()
    assert pool.run(("echo", 1), 5) == 1
    assert time.monotonic() - start < 0.5
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

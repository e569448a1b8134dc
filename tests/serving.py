"""Helpers for the server tests: run ``exograph serve`` as a child process on a free port."""

from __future__ import annotations

import os
import select
import signal
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path


@dataclass
class Served:
    url: str  #: the explorer's URL, ending in '/'
    process: subprocess.Popen[str]

    @property
    def endpoint(self) -> str:
        return self.url + "sparql"

    def processes(self) -> set[int]:
        """The server's worker processes and their zygote."""
        return descendants(self.process.pid)


@contextmanager
def serving(
    serve_args: Sequence[str] = (),
    data: Sequence[Path] = (),
    *,
    cache_dir: Path,
    startup: float = 60.0,
    store: Path | None = None,
    options: Sequence[str] = (),
) -> Iterator[Served]:
    """``exograph [OPTIONS] [--data D...] [--store S] serve --port 0 ARGS`` until the block ends (then Ctrl-C)."""
    command = [sys.executable, "-m", "exograph", *options]
    for path in data:
        command += ["--data", str(path)]
    if store is not None:
        command += ["--store", str(store)]
    command += ["serve", "--port", "0", *serve_args]
    env = {**os.environ, "EXOGRAPH_CACHE_DIR": str(cache_dir)}
    process = subprocess.Popen(command, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, env=env)
    assert process.stdout is not None and process.stderr is not None
    ready, _, _ = select.select([process.stdout], [], [], startup)
    line = process.stdout.readline() if ready else ""
    if not line.startswith("Serving on "):
        process.kill()
        raise RuntimeError(f"exograph serve did not start: {line!r} {process.stderr.read()}")
    try:
        yield Served(line.split()[2], process)
    finally:
        stop(process)


def stop(process: subprocess.Popen[str], timeout: float = 15.0) -> tuple[int, str]:
    """Ctrl-C; the exit code and what the process wrote on stderr (killed if it does not stop in time)."""
    if process.poll() is None:
        process.send_signal(signal.SIGINT)
        try:
            process.wait(timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()
    err = process.stderr.read() if process.stderr is not None and not process.stderr.closed else ""
    for stream in (process.stdout, process.stderr):
        if stream is not None:
            stream.close()
    return process.returncode, err


def descendants(pid: int) -> set[int]:
    """The processes below ``pid`` (children, grandchildren...), from /proc."""
    parents: dict[int, int] = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                stat = (entry / "stat").read_text()
            except OSError:
                continue
            parents[int(entry.name)] = int(stat.rsplit(")", 1)[1].split()[1])
    found: set[int] = set()
    frontier = {pid}
    while frontier:
        frontier = {child for child, parent in parents.items() if parent in frontier} - found
        found |= frontier
    return alive(found)


def alive(pids: set[int]) -> set[int]:
    """Those of ``pids`` still running (zombies count as gone)."""
    running = set()
    for pid in pids:
        try:
            state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
        except OSError:
            continue
        if state != "Z":
            running.add(pid)
    return running


def wait_until_gone(pids: set[int], timeout: float = 10.0) -> set[int]:
    """Those of ``pids`` still running after waiting up to ``timeout`` seconds for them to end."""
    deadline = time.monotonic() + timeout
    while alive(pids) and time.monotonic() < deadline:
        time.sleep(0.05)
    return alive(pids)


#: never through a proxy: the server is on this machine
_DIRECT = urllib.request.build_opener(urllib.request.ProxyHandler({}))


@dataclass
class Reply:
    status: int
    headers: dict[str, str]
    body: bytes

    @property
    def text(self) -> str:
        return self.body.decode("utf-8")

    @property
    def content_type(self) -> str:
        return self.headers.get("content-type", "").split(";")[0].strip()


def fetch(url: str, *, method: str | None = None, data: bytes | None = None, headers: dict[str, str] | None = None, timeout: float = 30.0) -> Reply:
    """One HTTP request; error statuses are returned, not raised."""
    request = urllib.request.Request(url, data=data, method=method, headers=headers or {})
    try:
        with _DIRECT.open(request, timeout=timeout) as response:
            return Reply(response.status, {k.lower(): v for k, v in response.headers.items()}, response.read())
    except urllib.error.HTTPError as error:
        return Reply(error.code, {k.lower(): v for k, v in error.headers.items()}, error.read())

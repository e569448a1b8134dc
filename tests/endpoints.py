"""Real SPARQL servers for the endpoint tests, on loopback, started and stopped by the test.

The Oxigraph server is the ``oxigraph`` binary of the ``oxigraph`` package (a test dependency):
``oxigraph load`` into a directory, then ``oxigraph serve-read-only`` on a free port.
"""

from __future__ import annotations

import shutil
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from pathlib import Path

import pytest


def oxigraph_binary() -> str:
    """The ``oxigraph`` server binary beside this Python, or on the PATH; skips the test if absent."""
    here = Path(sys.executable).parent / "oxigraph"
    found = str(here) if here.is_file() else shutil.which("oxigraph")
    if found is None:
        pytest.skip("the 'oxigraph' server binary is not installed (pip install oxigraph)")
    return found


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@contextmanager
def oxigraph_server(files: Sequence[Path], directory: Path, *, graph: str | None = None) -> Iterator[str]:
    """An Oxigraph server holding ``files`` (in the named graph ``graph``, if given), read-only on
    a free loopback port; yields its query URL and stops it when the block ends."""
    binary = oxigraph_binary()
    load = [binary, "load", "--location", str(directory), "--file", *map(str, files)]
    if graph:
        load += ["--graph", graph]
    subprocess.run(load, check=True, capture_output=True, timeout=300)
    port = free_port()
    process = subprocess.Popen(
        [binary, "serve-read-only", "--location", str(directory), "--bind", f"127.0.0.1:{port}"], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    url = f"http://127.0.0.1:{port}/query"
    try:
        wait_until_answering(url, process)
        yield url
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


def wait_until_answering(url: str, process: subprocess.Popen[bytes], timeout: float = 30.0) -> None:
    deadline = time.monotonic() + timeout
    probe = url + "?query=ASK%7B%7D"
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server exited ({process.returncode}) before answering")
        try:
            with urllib.request.urlopen(probe, timeout=1) as response:
                if response.status == 200:
                    return
        except (urllib.error.URLError, OSError):
            time.sleep(0.05)
    raise RuntimeError(f"{url} did not answer within {timeout:g} s")

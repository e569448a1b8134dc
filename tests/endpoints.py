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
        stop(process, 10)


def stop(process: subprocess.Popen[bytes], timeout: float) -> None:
    """Stop a server: SIGTERM, then SIGKILL if it has not ended within ``timeout`` seconds."""
    process.terminate()
    try:
        process.wait(timeout=timeout)
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


_VIRTUOSO_INI = """[Database]
DatabaseFile = {dir}/virtuoso.db
ErrorLogFile = {dir}/virtuoso.log
LockFile = {dir}/virtuoso.lck
TransactionFile = {dir}/virtuoso.trx
xa_persistent_file = {dir}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {dir}/virtuoso-temp.db
TransactionFile = {dir}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql}
ServerThreads = 10
CheckpointInterval = 60
NumberOfBuffers = 20000
MaxDirtyBuffers = 15000
DirsAllowed = ., {dir}
UnremoveableFiles = 1

[HTTPServer]
ServerPort = 127.0.0.1:{http}
ServerRoot = {dir}
ServerThreads = 10
MaxClientConnections = 10

[SPARQL]
ResultSetMaxRows = 10000
MaxQueryExecutionTime = 60
MaxQueryCostEstimationTime = 400
"""


@contextmanager
def virtuoso_server(files: Sequence[Path], directory: Path, *, graph: str) -> Iterator[str]:
    """A Virtuoso server (Debian's virtuoso-opensource-7-bin) with its own database in
    ``directory``, bound to loopback, ``files`` bulk-loaded (``ld_dir`` + ``rdf_loader_run``) into
    ``graph``; yields its SPARQL URL and stops it when the block ends. Skips when not installed."""
    binary, isql = shutil.which("virtuoso-t"), shutil.which("isql-vt") or shutil.which("isql")
    if binary is None or isql is None:
        pytest.skip("Virtuoso is not installed (Debian: apt-get install virtuoso-opensource-7-bin)")
    directory.mkdir(parents=True, exist_ok=True)
    data = directory / "data"
    data.mkdir()
    for number, path in enumerate(files):
        shutil.copy(path, data / f"{number}-{path.name}")
    sql, http = free_port(), free_port()
    (directory / "virtuoso.ini").write_text(_VIRTUOSO_INI.format(dir=directory, sql=sql, http=http), encoding="utf-8")
    process = subprocess.Popen([binary, "-f", "-c", str(directory / "virtuoso.ini")], cwd=directory, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{http}/sparql"
    try:
        wait_until_answering(url, process, timeout=120)
        load = f"ld_dir('{data}', '*', '{graph}'); rdf_loader_run(); checkpoint;"
        subprocess.run([isql, f"127.0.0.1:{sql}", "dba", "dba", f"exec={load}"], check=True, capture_output=True, timeout=300)
        yield url
    finally:
        stop(process, 30)

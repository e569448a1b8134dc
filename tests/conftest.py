"""Shared fixtures: the packaged graph, small fixture graphs, and the review's text."""

from __future__ import annotations

import functools
import importlib.util
import subprocess
import sys
from pathlib import Path
from types import ModuleType

import pytest

import exograph
from exograph import resources
from exograph.io.review import default_review_path

FIXTURES = Path(__file__).parent / "fixtures"


@functools.cache
def synthetic() -> ModuleType:
    """benchmarks/synthetic.py (the generator of synthetic graphs in exograph's model), imported once."""
    path = Path(__file__).resolve().parents[1] / "benchmarks" / "synthetic.py"
    spec = importlib.util.spec_from_file_location("synthetic", path)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


def on_a_terminal(argv: list[str], cwd: Path) -> tuple[subprocess.CompletedProcess[bytes], bytes]:
    """Run ``argv`` with its stderr on a pseudo-terminal (as a person at a terminal would see it):
    the finished process (stdout captured) and everything written to the terminal."""
    import os
    import pty

    main, secondary = pty.openpty()
    try:
        proc = subprocess.run(argv, stdout=subprocess.PIPE, stderr=secondary, cwd=cwd, timeout=120)
        os.close(secondary)
        secondary = -1
        shown = b""
        while True:
            try:
                chunk = os.read(main, 65536)
            except OSError:  # the terminal's other end closed
                break
            if not chunk:
                break
            shown += chunk
    finally:
        os.close(main)
        if secondary >= 0:
            os.close(secondary)
    return proc, shown


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption(
        "--artifacts",
        metavar="DIR",
        help="keep the screenshots and the conformance summary in DIR (scripts/test.sh: test-artifacts/, ignored by git); default: a temporary directory",
    )


@pytest.fixture(scope="session")
def artifacts(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Where tests keep what a person may want to look at afterwards; never the checkout unless asked."""
    given = request.config.getoption("--artifacts")
    place = Path(given) if given else tmp_path_factory.mktemp("artifacts")
    place.mkdir(parents=True, exist_ok=True)
    return place


@pytest.fixture(autouse=True)
def _isolated_cache(tmp_path_factory: pytest.TempPathFactory, monkeypatch: pytest.MonkeyPatch) -> None:
    """Never read or write the user's cache from a test."""
    monkeypatch.setenv("EXOGRAPH_CACHE_DIR", str(tmp_path_factory.mktemp("cache")))


@pytest.fixture(scope="session")
def kg() -> exograph.KnowledgeGraph:
    return exograph.load()


@pytest.fixture(scope="session")
def tiny() -> exograph.KnowledgeGraph:
    return exograph.load([FIXTURES / "tiny.ttl"])


@pytest.fixture(scope="session")
def review_path() -> Path:
    """The review's text; tests that need it are skipped, saying where it was looked for."""
    path = default_review_path(resources.repo_root())
    if not path.is_file():
        pytest.skip(f"review text not found at {path}: set EXOGRAPH_REVIEW to check quotes against it")
    return path


def iri(entity_id: str) -> str:
    return "https://w3id.org/exograph/entity/" + entity_id


@pytest.fixture(scope="session")
def both() -> exograph.KnowledgeGraph:
    """A small curated graph and a database's named graph beside it (tests/fixtures/support)."""
    from exograph.store.oxigraph import OxigraphStore

    here = FIXTURES / "support"
    store = OxigraphStore.memory(
        [here / "curated.ttl", resources.ontology_file()], graphs={"https://w3id.org/exograph/graph/mirtarbase": here / "database.ttl"}
    )
    return exograph.KnowledgeGraph(store)


@pytest.fixture(scope="session")
def context_file(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """The graph of tests/context_graph.py (context roles, generic entities, hedged, cross-cancer) as Turtle."""
    from . import context_graph

    return context_graph.write(tmp_path_factory.mktemp("context") / "context.ttl")


@pytest.fixture(scope="session")
def ctx(context_file: Path) -> exograph.KnowledgeGraph:
    return exograph.load([context_file])

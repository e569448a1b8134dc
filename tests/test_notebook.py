"""notebooks/explore.ipynb runs from top to bottom, offline, and shows what it promises: figures,
the interactive graph inline, tables. It is committed without outputs (see the README); the
executed copy and its figures go to the test artifacts."""

from __future__ import annotations

import base64
import html
import re
from pathlib import Path
from typing import Any

import pytest

NOTEBOOK = Path(__file__).resolve().parent.parent / "notebooks" / "explore.ipynb"
#: the matplotlib figures the notebook draws: the path, sections, cancers, degrees, evidence strength
FIGURES = 5


@pytest.fixture(scope="module")
def executed(tmp_path_factory: pytest.TempPathFactory, artifacts: Path) -> Any:
    """The notebook executed once (its temporary store under a test directory, never the
    checkout), kept with its figures in the artifacts' notebook/ folder."""
    nbformat = pytest.importorskip("nbformat")
    nbclient = pytest.importorskip("nbclient")
    for module in ("ipykernel", "matplotlib", "pandas"):
        pytest.importorskip(module, reason="pip install -e '.[test]' (the notebook needs matplotlib and pandas)")
    work = tmp_path_factory.mktemp("notebook")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TMPDIR", str(work))  # the kernel's tempfile.TemporaryDirectory lands here
        patch.setenv("MPLBACKEND", "module://matplotlib_inline.backend_inline")
        nbclient.NotebookClient(nb, timeout=300, kernel_name="python3", resources={"metadata": {"path": str(work)}}).execute()
    keep = artifacts / "notebook"
    keep.mkdir(exist_ok=True)
    nbformat.write(nb, keep / "explore.ipynb")
    for i, png in enumerate(images(nb), 1):
        (keep / f"figure-{i}.png").write_bytes(png)
    return nb


def outputs(nb: Any) -> list[dict[str, Any]]:
    return [o for c in nb.cells if c.cell_type == "code" for o in c.outputs]


def images(nb: Any) -> list[bytes]:
    return [base64.b64decode(o["data"]["image/png"]) for o in outputs(nb) if "image/png" in o.get("data", {})]


def html_outputs(nb: Any) -> list[str]:
    return [o["data"]["text/html"] for o in outputs(nb) if "text/html" in o.get("data", {})]


def text(fragment: str) -> str:
    """What an HTML fragment reads as: tags dropped, entities decoded, spaces collapsed."""
    return " ".join(html.unescape(re.sub(r"<[^>]+>", " ", fragment)).split())


def test_the_notebook_is_committed_without_outputs():
    nbformat = pytest.importorskip("nbformat")
    nb = nbformat.read(NOTEBOOK, as_version=4)
    kept = [i for i, c in enumerate(nb.cells) if c.cell_type == "code" and (c.outputs or c.execution_count is not None)]
    assert not kept, (
        f"code cells {kept} of notebooks/explore.ipynb hold outputs: it is committed without them (README); clear them before committing"
        " (JupyterLab: Edit > Clear Outputs of All Cells, then save; or jupyter nbconvert --clear-output --inplace notebooks/explore.ipynb)"
    )


def test_every_cell_runs_without_error(executed):
    errors = [f"{o['ename']}: {o['evalue']}" for o in outputs(executed) if o.get("output_type") == "error"]
    assert not errors
    assert all(c.execution_count for c in executed.cells if c.cell_type == "code")
    printed = "\n".join(str(o.get("text", "")) for o in outputs(executed))
    assert "unknown entity 'miR-2l'; did you mean 'miRNA-21'" in printed
    assert "45 rows, 11 interactions, 44 evidences" in printed  # the miRTarBase slice imported


def test_it_draws_its_figures(executed):
    from io import BytesIO

    import matplotlib.image

    pngs = images(executed)
    assert len(pngs) >= FIGURES
    for png in pngs:
        picture = matplotlib.image.imread(BytesIO(png), format="png")
        height, width = picture.shape[:2]
        assert width >= 600 and height >= 300  # a figure, not an empty axis
        assert picture[..., :3].std() > 0.05  # something is drawn on the white


def test_the_interactive_graph_is_inline_and_offline(executed, kg):
    frames = [h for h in html_outputs(executed) if h.startswith('<iframe class="exograph-frame"')]
    assert len(frames) == 2
    for frame in frames:
        assert re.search(r'\bsandbox="allow-scripts"', frame) and "allow-same-origin" not in frame
        page = html.unescape(re.search(r'srcdoc="([^"]*)"', frame).group(1))
        assert page.lstrip().lower().startswith("<!doctype html")
        assert not re.search(r"(src|href)\s*=\s*[\"']?(https?:)?//", page, re.IGNORECASE)
        assert not re.search(r"url\(\s*[\"']?(https?:)?//|@import", page, re.IGNORECASE)
    page = html.unescape(re.search(r'srcdoc="([^"]*)"', frames[0]).group(1))
    assert page == kg.to_html(path=("miR-21", "paclitaxel resistance"), title="miR-21 to paclitaxel resistance")  # the same page as exograph viz


def test_it_shows_tables_paths_and_the_graph_card(executed):
    shown = html_outputs(executed)
    assert any('class="dataframe' in h for h in shown)  # pandas, from QueryResult.to_dataframe()
    results = [h for h in shown if h.startswith('<div class="exograph-result">')]
    assert results and all("<table" in h for h in results)
    assert any(h.startswith('<div class="exograph-graph">') and "relations by predicate" in h for h in shown)
    paths = [text(h) for h in shown if h.startswith('<div class="exograph-paths">')]
    assert any("miRNA-21 → APAF1 → paclitaxel resistance" in p for p in paths)
    assert any("miRNA-9 → SOCS5 → angiogenesis" in p for p in paths)
    assert any("support 0.996 (1 curated, 2 strong, 1 weak)" in p for p in paths)  # the path again, with miRTarBase beside the curation


@pytest.mark.browser
def test_the_inline_graph_draws_in_chromium_with_the_network_off(executed, tmp_path, artifacts):
    import os
    import shutil

    playwright_api = pytest.importorskip("playwright.sync_api", reason="pip install playwright to run browser tests")
    chromium = os.environ.get("EXOGRAPH_CHROMIUM", "/usr/bin/chromium")
    if not shutil.which(chromium) and not Path(chromium).is_file():
        pytest.skip(f"no Chromium at {chromium}: apt-get install chromium (or set EXOGRAPH_CHROMIUM)")
    frame = next(h for h in html_outputs(executed) if h.startswith('<iframe class="exograph-frame"'))
    page_file = tmp_path / "cell.html"
    page_file.write_text(f"<!DOCTYPE html><html><body>{frame}</body></html>", encoding="utf-8")
    requests: list[str] = []
    errors: list[str] = []
    with playwright_api.sync_playwright() as p:
        browser = p.chromium.launch(executable_path=chromium, args=["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking"])
        try:
            context = browser.new_context(offline=True, viewport={"width": 1100, "height": 600})
            context.on("request", lambda r: requests.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
            page = context.new_page()
            page.on("pageerror", lambda e: errors.append(str(e)))
            page.goto(page_file.as_uri())
            page.frame_locator("iframe.exograph-frame").locator("body[data-stabilized=true]").wait_for(timeout=60_000)
            (inner,) = [f for f in page.frames if f is not page.main_frame]
            drawn = inner.evaluate(
                """() => { const c = document.querySelector('canvas'); const d = c.getContext('2d').getImageData(0, 0, c.width, c.height).data;
                           let n = 0; for (let i = 3; i < d.length; i += 4) { if (d[i] > 0) n++; } return n; }"""
            )
            assert drawn > 1000  # the three entities and their relations, drawn
            page.locator("iframe.exograph-frame").screenshot(path=str(artifacts / "notebook" / "inline-graph.png"))
        finally:
            browser.close()
    assert requests == [] and errors == []

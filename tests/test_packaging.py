"""The wheel ships every subpackage: pyproject's explicit package list misses none of them."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_every_subpackage_is_listed_in_pyproject():
    listed = set(tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["tool"]["setuptools"]["packages"])
    found = {".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "exograph").rglob("__init__.py")}
    assert found - listed == set(), "add these to [tool.setuptools] packages in pyproject.toml"
    assert {"exograph", "exograph.reference", "exograph.sources", "exograph.store"} <= listed


def test_the_wheel_ships_every_template_and_the_vendored_vis_network():
    """Pages, scripts, style sheets and vendor/ (vis-network, its licences, its README) match
    pyproject's package-data, so `pip install exograph` draws graphs with no other package."""
    from fnmatch import fnmatch

    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    patterns = pyproject["tool"]["setuptools"]["package-data"]["exograph.templates"]
    here = ROOT / "exograph" / "templates"
    files = [p.relative_to(here).as_posix() for p in here.rglob("*") if p.is_file() and p.suffix != ".py" and "__pycache__" not in p.parts]
    assert {"vendor/vis-network.min.js", "vendor/vis-network.min.css", "vendor/LICENSE-MIT", "vendor/LICENSE-APACHE-2.0"} <= set(files)

    def shipped(name: str, pattern: str) -> bool:  # as setuptools globs: "*" stays within one folder
        parts, wanted = name.split("/"), pattern.split("/")
        return len(parts) == len(wanted) and all(fnmatch(a, b) for a, b in zip(parts, wanted, strict=True))

    missing = [f for f in files if not any(shipped(f, pattern) for pattern in patterns)]
    assert missing == [], "add these to [tool.setuptools.package-data] exograph.templates in pyproject.toml"
    assert not any(d.lower().startswith(("pyvis", "jinja2", "ipython")) for d in pyproject["project"]["dependencies"])

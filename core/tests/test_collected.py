"""`make test` runs every test of the project: a folder of tests that pytest's testpaths
leave out would never run, and pass by not running."""

import tomllib
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]


def test_every_folder_of_tests_is_collected():
    config = tomllib.loads((ROOT / "pyproject.toml").read_text())
    collected = set(config["tool"]["pytest"]["ini_options"]["testpaths"])
    folders = {
        path.relative_to(ROOT).parts[0]
        for path in ROOT.glob("*/**/test_*.py")
        if not path.relative_to(ROOT).parts[0].startswith(".")
    }
    assert folders <= collected, f"tests never run: {sorted(folders - collected)}"

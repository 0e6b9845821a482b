"""The documentation's tests: ``gen_pages``, the site's page generator, loaded from its file.

``docs/`` is not a Python package (mkdocs-gen-files runs ``docs/scripts/gen_pages.py`` as a
script), so the tests load the script by path, as a module named ``gen_pages``. Loading it
writes nothing: it makes pages only when mkdocs-gen-files runs it.
"""

import importlib.util
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
GENERATOR = ROOT / "docs" / "scripts" / "gen_pages.py"


def load_generator():
    if "gen_pages" in sys.modules:
        return sys.modules["gen_pages"]
    spec = importlib.util.spec_from_file_location("gen_pages", GENERATOR)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules["gen_pages"] = module  # its dataclasses look their module up there
    try:
        spec.loader.exec_module(module)
    except BaseException:
        del sys.modules["gen_pages"]
        raise
    return module


@pytest.fixture(scope="session")
def gen_pages():
    return load_generator()

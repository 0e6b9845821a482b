"""The built documentation site, loaded page by page in a real browser (Debian's Chromium through selenium).

Every page: every ``<img>`` has loaded and the console shows no JavaScript error. The search
box finds "exploitability". The site is the one the test command builds (``mkdocs build
--strict`` into ``site/``); without it the test builds one. Skipped when Chromium or its
driver is missing, except on CI (``CI=true``), where that fails.
"""

from __future__ import annotations

import functools
import http.server
import os
import shutil
import subprocess
import sys
import tempfile
import threading
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
ON_CI = os.environ.get("CI", "").lower() == "true"
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMEDRIVER = shutil.which("chromedriver") or "/usr/bin/chromedriver"

pytestmark = pytest.mark.docs


def _require_browser() -> None:
    missing = [p for p in (CHROMIUM, CHROMEDRIVER) if not Path(p).is_file()]
    if missing:
        message = f"the browser test needs Debian's chromium and chromium-driver; missing {missing}"
        if ON_CI:
            pytest.fail(message)
        pytest.skip(message)


@pytest.fixture(scope="module")
def site_dir() -> Path:
    site = ROOT / "site"
    if (site / "index.html").is_file() and (site / "search" / "search_index.json").is_file():
        return site
    built = Path(tempfile.mkdtemp(prefix="rldojo-site-"))
    subprocess.run([sys.executable, "-m", "mkdocs", "build", "--strict", "-q", "-d", str(built)], cwd=ROOT, check=True)
    return built


@pytest.fixture(scope="module")
def base_url(site_dir):
    handler = functools.partial(_QuietHandler, directory=str(site_dir))
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/"
    server.shutdown()
    server.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):  # keep pytest's output to the test's own
        pass


@pytest.fixture(scope="module")
def browser():
    _require_browser()
    from selenium import webdriver
    from selenium.webdriver.chrome.service import Service

    options = webdriver.ChromeOptions()
    options.binary_location = CHROMIUM
    profile = tempfile.mkdtemp(prefix="rldojo-chromium-")
    # No sandbox as root; no background connections on a machine without network.
    for flag in (
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-dev-shm-usage",
        f"--user-data-dir={profile}",
        "--window-size=1280,900",
    ):
        options.add_argument(flag)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service(executable_path=CHROMEDRIVER), options=options)
    driver.set_page_load_timeout(60)
    yield driver
    driver.quit()
    shutil.rmtree(profile, ignore_errors=True)


def site_pages(site_dir: Path) -> list[str]:
    """Every HTML page of the site, as a path relative to its root."""
    return sorted(str(p.relative_to(site_dir)) for p in site_dir.rglob("*.html") if p.name != "404.html")


def _wait_loaded(driver) -> None:
    from selenium.webdriver.support.ui import WebDriverWait

    WebDriverWait(driver, 30).until(lambda d: d.execute_script("return document.readyState") == "complete")
    # Images that are still decoding count as not loaded: wait for each to finish, then read them.
    driver.execute_async_script(
        "const done = arguments[arguments.length - 1];"
        "Promise.all(Array.from(document.images).map(i => i.complete ? null :"
        " new Promise(r => { i.onload = i.onerror = r; }))).then(() => done(null));"
    )


def test_site_has_every_env_page_and_tutorial(site_dir):
    pages = set(site_pages(site_dir))
    for slug in ("maze", "chatbot-feedback", "go", "kuhn-poker", "leduc-holdem", "bandit", "cartpole-pixels"):
        assert f"envs/{slug}/index.html" in pages
    assert len([p for p in pages if p.startswith("tutorials/")]) == 6


def test_every_page_loads_its_images_without_javascript_errors(browser, site_dir, base_url):
    problems = []
    pages = site_pages(site_dir)
    assert len(pages) > 20, pages
    browser.get_log("browser")  # drop anything logged before the first page
    for page in pages:
        browser.get(base_url + page)
        _wait_loaded(browser)
        broken = browser.execute_script(
            "return Array.from(document.images).filter(i => !(i.naturalWidth > 0)).map(i => i.src);"
        )
        problems += [f"{page}: image did not load: {src}" for src in broken]
        errors = [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]
        problems += [f"{page}: console error: {message}" for message in errors]
    assert problems == []


def test_search_finds_exploitability(browser, base_url):
    from selenium.webdriver.common.by import By
    from selenium.webdriver.support.ui import WebDriverWait

    browser.get(base_url)
    _wait_loaded(browser)
    # The search box sits in the header at this window size; clicking it opens the search panel.
    box = WebDriverWait(browser, 10).until(lambda d: d.find_element(By.CSS_SELECTOR, "input.md-search__input"))
    box.click()
    box.send_keys("exploitability")
    results = WebDriverWait(browser, 30).until(
        lambda d: d.find_elements(By.CSS_SELECTOR, ".md-search-result__item") or False
    )
    text = " ".join(r.text for r in results).lower()
    assert "exploitability" in text

"""Fixtures of the browser tests: the local server (started once, in a data folder of its own, on a free
port), headless Chromium (launched once), a fresh browser context per test, and `check`, which runs axe-core
on the page shown and saves its screenshot."""

import os
import re
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest
from axe_playwright_python.sync_playwright import Axe
from playwright.sync_api import sync_playwright

SCREENSHOTS = Path(os.environ.get("ZAIRYU_SCREENSHOTS", "screenshots"))


class Server:
    def __init__(self):
        self.data = tempfile.TemporaryDirectory(prefix="zairyu-browser-")
        env = dict(os.environ, ZAIRYU_ADDR="127.0.0.1:0", ZAIRYU_DATA_DIR=self.data.name, RUST_LOG="warn")
        self.process = subprocess.Popen(
            [os.environ["ZAIRYU_LOCAL_BIN"]], env=env, stdout=subprocess.PIPE, text=True
        )
        first = self.process.stdout.readline()
        match = re.search(r"http://\S+", first)
        assert match, f"the local server did not start: {first!r}"
        self.url = match.group(0)
        # Keep reading its output so that it never blocks on a full pipe.
        threading.Thread(target=lambda: [None for _ in self.process.stdout], daemon=True).start()
        creds = (Path(self.data.name) / "demo-credentials.txt").read_text()
        self.passwords = dict(re.findall(r"(\w+01)\s+password\s+(\S+)", creds))
        # The demo's sample electronic certificate of eligibility: its verification page's address.
        self.sample_certificate_url = re.search(r"its verification page: (\S+)", creds).group(1)

    def stop(self):
        self.process.terminate()
        self.process.wait(timeout=10)
        self.data.cleanup()


@pytest.fixture(scope="session")
def server():
    s = Server()
    yield s
    s.stop()


@pytest.fixture
def own_server():
    """A server of the test's own, for a test that leaves its users in a state no other test may meet
    (locked, suspended)."""
    s = Server()
    yield s
    s.stop()


@pytest.fixture(scope="session")
def browser():
    with sync_playwright() as p:
        b = p.chromium.launch(executable_path=os.environ["ZAIRYU_CHROMIUM"], args=["--no-sandbox"])
        yield b
        b.close()


@pytest.fixture(params=["ja", "en"])
def lang(request):
    """Each test runs in both languages: the browser's own language says which one a visitor gets."""
    return request.param


@pytest.fixture
def page(browser, server, lang):
    locale = "ja-JP" if lang == "ja" else "en-US"
    context = browser.new_context(locale=locale, base_url=server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    yield page
    context.close()


_axe = Axe()

# What users must never read (#32 item 5): the Q&A's question numbers, rule codes (`postcode.format`), enum
# codes (`engineer_humanities_international`, `input_completed`), and internal IDs (ULIDs, blanket entries').
_CODES = [
    re.compile(r"\bQ\d{1,3}\b"),
    re.compile(r"(?<![@\w.-])[a-z]+(?:_[a-z]+)*\.[a-z]+(?:_[a-z]+)*\b(?![@.\w-])"),
    re.compile(r"\b[a-z]+(?:_[a-z]+)+\b"),
    re.compile(r"\b[0-9A-HJKMNP-TV-Z]{26}\b"),
    re.compile(r"\bbl-[0-9a-f]{10,}\b"),
]
# Words of that shape that are not codes: file names and web addresses users handle.
_NOT_CODES = re.compile(r"\.(xlsx|xls|csv|ods|jpg|jpeg|png|pdf|com|jp|net|org|example)$")


def codes_in(text):
    """The codes in a page's text (see _CODES)."""
    found = []
    for pattern in _CODES:
        found += [m.group(0) for m in pattern.finditer(text) if not _NOT_CODES.search(m.group(0))]
    return found


@pytest.fixture
def check(request, lang):
    """check(page, name): the page shown has no axe-core violation and is under 50 KB of HTML; its
    screenshot is saved as name-lang.png."""

    def run(page, name):
        SCREENSHOTS.mkdir(parents=True, exist_ok=True)
        page.screenshot(path=str(SCREENSHOTS / f"{request.node.originalname}-{name}-{lang}.png"), full_page=True)
        # Item 6: every page is under 50 KB of HTML.
        size = len(page.content().encode("utf-8"))
        assert size < 50 * 1024, f"{name}: {size} bytes of HTML"
        results = _axe.run(page)
        violations = results.response["violations"]
        assert not violations, f"{name}: {results.generate_report()}"
        # An id names one element: a label, a summary's link and a test each find the one they mean
        # (axe-core no longer checks it).
        duplicated = page.evaluate("""(() => { const seen = new Set(), twice = [];
            for (const e of document.querySelectorAll('[id]')) { if (seen.has(e.id)) twice.push(e.id); seen.add(e.id); }
            return twice; })()""")
        assert not duplicated, f"{name}: ids used twice: {duplicated}"
        # #32 item 5: users read words, never our codes.
        found = codes_in(page.inner_text("body"))
        assert not found, f"{name}: codes before users: {found}"

    return run

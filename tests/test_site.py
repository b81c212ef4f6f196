"""The course website: ``make site`` builds it, and every page works offline in Chromium.

The site is built through the README's command (``make site``; Jupyter Book 1, every lesson
executed), then served from 127.0.0.1 by a small HTTP server of this test. Without a browser the
test checks what the site must hold: a page per lesson with its figures and its panels (widget
snapshots), the docs pages, the API reference generated from the docstrings, the README's
screenshots, the "run it" page, and that no page loads a script, a style sheet, a font or an
image from another host. In Chromium (Debian's, driven by playwright, as in test_browser.py) it
opens every page and fails on any request to another host, any request the site answers with an
error (a broken link to a script, a figure or a font), an image that does not display, maths that
MathJax did not typeset, or a widget that did not render; every internal link of every page must
point at a page and an anchor that exist.

Skipped (with the reason) only where no chromium is installed; CI installs it (``.ci/run``).
The first build executes every lesson (a few minutes on two cores); later builds take the
lessons' outputs from a cache keyed on the package's sources.
"""

from __future__ import annotations

import functools
import html.parser
import http.server
import os
import pathlib
import re
import subprocess
import threading
import urllib.parse

import pytest

ROOT = pathlib.Path(__file__).resolve().parents[1]
SITE = ROOT / "_build" / "site"
from _chromium import chromium  # noqa: E402
LESSONS = sorted((ROOT / "course").glob("*.ipynb"))
DOCS = sorted((ROOT / "docs").glob("*.md"))

pytestmark = [pytest.mark.slow, pytest.mark.site]


class Links(html.parser.HTMLParser):
    """The links, resources and element ids of one HTML page."""

    def __init__(self):
        super().__init__()
        self.hrefs, self.resources, self.ids, self.imgs = [], [], set(), []

    def handle_starttag(self, tag, attrs):
        a = dict(attrs)
        if "id" in a:
            self.ids.add(a["id"])
        if tag == "a" and a.get("name"):
            self.ids.add(a["name"])
        if tag == "a" and a.get("href"):
            self.hrefs.append(a["href"])
        if tag == "link" and a.get("href"):
            self.resources.append(a["href"])
        if tag in ("script", "img", "iframe", "source") and a.get("src"):
            self.resources.append(a["src"])
        if tag == "img":
            self.imgs.append(a)


@functools.lru_cache(maxsize=None)
def parse(page: pathlib.Path) -> Links:
    links = Links()
    links.feed(page.read_text(errors="replace"))
    return links


def pages() -> list[pathlib.Path]:
    return sorted(p for p in SITE.rglob("*.html") if "_static" not in p.parts
                  and "_sources" not in p.parts)


@pytest.fixture(scope="module")
def site():
    env = {k: v for k, v in os.environ.items() if k != "MPLBACKEND"}
    out = subprocess.run(["make", "-s", "site"], cwd=ROOT, env=env, capture_output=True, text=True,
                         timeout=1500)
    assert out.returncode == 0, out.stdout[-4000:] + out.stderr[-4000:]
    assert (SITE / "index.html").exists()
    return SITE


def page_of(source: pathlib.Path) -> pathlib.Path:
    folder = "course" if source.suffix == ".ipynb" else "docs"
    return SITE / folder / f"{source.stem}.html"


def test_every_lesson_has_a_page_with_its_figures_and_panels(site):
    for lesson in LESSONS:
        page = page_of(lesson)
        assert page.exists(), f"no page for {lesson.name}"
        text = page.read_text()
        assert "Executing notebook failed" not in text and "Traceback (most recent call last)" \
            not in text, f"{lesson.name} raised an error when the site was built"
        assert "snapshots" in text, f"{page.name} lacks the note that panels need a kernel"
        source = lesson.read_text()
        if "plot_" in source or "plt." in source:
            assert parse(page).imgs, f"{page.name} shows no figure"
        if "widgets." in source:
            assert "application/vnd.jupyter.widget-view+json" in text, \
                f"{page.name} holds no panel snapshot"


def test_docs_api_references_run_it_and_screenshots_are_there(site):
    for doc in DOCS:
        assert page_of(doc).exists(), f"no page for docs/{doc.name}"
    assert not (site / "docs" / "instructor").exists(), "instructor material on the website"
    api = (site / "generated" / "mgmodel.html").read_text()
    assert "mgmodel.widgets" in api
    safety = (site / "generated" / "mgmodel.safety.html").read_text()
    assert "safety_factor" in safety and "Parameters" in safety   # from the numpydoc docstring
    run_it = re.sub(r"<[^>]+>", "", (site / "run_it.html").read_text())   # the text, no markup
    for words in ("make lab", "Binder", "JupyterHub", "student edition"):
        assert words in run_it
    assert (site / "REFERENCES.html").exists()
    readme_images = re.findall(r"\]\((docs/img/[^)]+\.png)\)", (ROOT / "README.md").read_text())
    assert readme_images
    home = {pathlib.PurePosixPath(img.get("src", "")).name for img in parse(site / "intro.html").imgs}
    for img in readme_images:
        assert pathlib.PurePosixPath(img).name in home, f"README screenshot {img} not on the home page"


def test_no_page_loads_anything_from_another_host(site):
    for page in pages():
        for url in parse(page).resources:
            scheme = urllib.parse.urlsplit(url).scheme
            assert scheme in ("", "data"), f"{page.relative_to(site)} loads {url}"


def test_every_internal_link_points_at_a_page_and_anchor_that_exist(site):
    broken = []
    for page in pages():
        for url in parse(page).hrefs + parse(page).resources:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme or url.startswith("//") or not (parts.path or parts.fragment):
                continue
            target = (page.parent / urllib.parse.unquote(parts.path)).resolve() if parts.path \
                else page
            if target.is_dir():
                target = target / "index.html"
            if not target.exists():
                broken.append(f"{page.relative_to(site)} -> {url}")
            elif parts.fragment and target.suffix == ".html" \
                    and parts.fragment not in parse(target).ids:
                broken.append(f"{page.relative_to(site)} -> {url} (no such anchor)")
    assert not broken, "\n".join(broken[:40])


# --- in the browser ---------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def server(site):
    handler = functools.partial(_QuietHandler, directory=str(site))
    httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{httpd.server_address[1]}"
    finally:
        httpd.shutdown()
        httpd.server_close()


class _QuietHandler(http.server.SimpleHTTPRequestHandler):
    def log_message(self, *args):
        pass


@pytest.fixture(scope="module")
def browser():
    with chromium() as b:
        yield b


@pytest.mark.browser
def test_every_page_renders_offline_in_chromium(site, server, browser):
    host = urllib.parse.urlsplit(server).netloc
    problems, math_pages, widget_pages = [], 0, 0
    context = browser.new_context(viewport={"width": 1280, "height": 900})
    for page_file in pages():
        rel = page_file.relative_to(site).as_posix()
        page = context.new_page()
        seen = []
        page.on("request", lambda r: seen.append(r.url))
        page.on("requestfailed", lambda r, rel=rel: problems.append(f"{rel}: failed {r.url}"))
        page.on("response", lambda r, rel=rel: r.status >= 400 and problems.append(
            f"{rel}: HTTP {r.status} {r.url}"))
        page.on("pageerror", lambda e, rel=rel: problems.append(f"{rel}: script error {e}"))
        page.goto(f"{server}/{rel}", wait_until="load", timeout=60_000)
        text = page_file.read_text(errors="replace")
        if 'class="math' in text:
            math_pages += 1
            page.wait_for_function("document.querySelectorAll('mjx-container').length > 0",
                                   timeout=30_000)
            typeset = page.evaluate("[document.querySelectorAll('mjx-container').length, "
                                    "document.querySelectorAll('mjx-merror').length]")
            if typeset[0] == 0 or typeset[1]:
                problems.append(f"{rel}: maths not typeset ({typeset})")
        if "application/vnd.jupyter.widget-view+json" in text:
            widget_pages += 1
            page.wait_for_selector(".jupyter-widgets", timeout=30_000)
            if "Error displaying widget" in page.inner_text("body"):
                problems.append(f"{rel}: a widget did not render")
            if page.locator(".widget-slider, .widget-hslider, .widget-button").count() == 0:
                problems.append(f"{rel}: no slider or button in the panel snapshots")
        page.wait_for_load_state("networkidle", timeout=30_000)
        broken_imgs = page.evaluate(
            "Array.from(document.images).filter(i => !(i.complete && i.naturalWidth > 0))"
            ".map(i => i.src)")
        problems += [f"{rel}: image does not display {src[:80]}" for src in broken_imgs]
        for url in seen:
            parts = urllib.parse.urlsplit(url)
            if parts.scheme not in ("data", "blob") and parts.netloc != host:
                problems.append(f"{rel}: request to another host {url}")
        page.close()
    context.close()
    assert not problems, "\n".join(problems[:40])
    assert math_pages >= 1, "no page with maths: the MathJax check never ran"
    assert widget_pages >= 1, "no page with a panel: the widget check never ran"

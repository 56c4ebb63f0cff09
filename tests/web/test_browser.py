"""The index page and a feed in a real browser: headless Chromium against the app on a
loopback socket. Skipped where /usr/bin/chromium is missing, unless CI or
SYNDICATOR_REQUIRE_TOOLS=1 (as `make test` sets, which installs it) makes that a
failure."""

from __future__ import annotations

import json
import os
import subprocess
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from lxml import html as lxml_html
from starlette.responses import HTMLResponse
from starlette.types import Receive, Scope, Send

from syndicator.web.app import create_web_app
from syndicator.web.server import ServerThread

from .conftest import Site

pytestmark = pytest.mark.slow

CHROMIUM = Path("/usr/bin/chromium")
TIMEOUT = 30
PHONE = (390, 844)
DESKTOP = (1280, 900)
PROBE = "/test-probe"
# Loads a page of this origin into a frame as wide as a phone, with scripts off in the
# frame (a sandbox without allow-scripts), and writes how wide its content is and what
# it holds into the DOM, for --dump-dom to read.
PROBE_PAGE = """<!DOCTYPE html><html><body style="margin:0">
<iframe id="f" sandbox="allow-same-origin" src="{src}"
        style="border:0;width:{w}px;height:{h}px"></iframe>
<script>
document.getElementById("f").addEventListener("load", function () {{
  var doc = this.contentDocument.documentElement;
  var out = document.createElement("textarea");
  out.id = "measure";
  out.textContent = JSON.stringify({{scroll: doc.scrollWidth, client: doc.clientWidth,
                               scripts: this.contentDocument.scripts.length,
                               html: doc.outerHTML}});
  document.body.appendChild(out);
}});
</script></body></html>"""


def require_chromium() -> None:
    if CHROMIUM.exists():
        return
    reason = f"{CHROMIUM} is missing: apt-get install chromium (make test installs it)"
    if os.environ.get("CI") or os.environ.get("SYNDICATOR_REQUIRE_TOOLS") == "1":
        pytest.fail(reason)
    pytest.skip(reason)


def with_probe(app: object) -> object:
    async def probed(scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["path"] == PROBE:
            params = dict(p.split("=", 1) for p in scope["query_string"].decode().split("&"))
            page = PROBE_PAGE.format(src=params["src"], w=params["w"], h=params["h"])
            await HTMLResponse(page)(scope, receive, send)
            return
        await app(scope, receive, send)  # type: ignore[operator]

    return probed


@pytest.fixture
def server(site: Site) -> Iterator[str]:
    require_chromium()
    thread = ServerThread(with_probe(create_web_app(site.ctx)), "127.0.0.1", 0)
    base = thread.start()
    try:
        yield base
    finally:
        thread.stop()


def chromium(tmp_path: Path, url: str, *args: str, size: tuple[int, int] = DESKTOP) -> str:
    command = [
        str(CHROMIUM),
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-quic",
        "--no-first-run",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-extensions",
        # Phones draw scrollbars over the page, not beside it.
        "--hide-scrollbars",
        f"--user-data-dir={tmp_path / 'profile'}",
        f"--window-size={size[0]},{size[1]}",
        "--virtual-time-budget=5000",
        *args,
        url,
    ]
    done = subprocess.run(command, capture_output=True, timeout=TIMEOUT, check=False)
    assert done.returncode == 0, done.stderr.decode(errors="replace")[-2000:]
    return done.stdout.decode()


def framed(tmp_path: Path, server: str, path: str) -> dict[str, Any]:
    """What a phone-wide frame with scripts off shows of ``path``."""
    w, h = PHONE
    dom = chromium(tmp_path, f"{server}{PROBE}?src={path}&w={w}&h={h}", "--dump-dom", size=PHONE)
    [value] = lxml_html.fromstring(dom).xpath("//textarea[@id='measure']/text()") or [""]
    assert value, dom[-2000:]
    found: dict[str, Any] = json.loads(value)
    return found


def test_the_index_fits_a_phone_and_needs_no_script(
    site: Site, tmp_path: Path, server: str
) -> None:
    shown = framed(tmp_path, server, "/")
    assert shown["client"] == PHONE[0]
    assert shown["scroll"] <= shown["client"], shown["scroll"]
    assert shown["scripts"] == 0
    page = lxml_html.fromstring(shown["html"])
    newest = site.app.store.articles.newest(limit=3)
    titles = [a.xpath("string()") for a in page.xpath("//section[@id='newest']//li/a")]
    assert titles[:3] == [a.title for a in newest]
    fields = page.xpath("//section[@id='subscribe']//input/@value")
    assert "http://feeds.example.test/feeds/zgkjcx/kjyw.atom" in fields
    assert page.xpath("//details[@open]//input")  # an address in sight without a click
    assert "UTC+08:00" in page.text_content()


def test_a_feed_opened_in_the_browser_is_a_page_that_fits_a_phone(
    site: Site, tmp_path: Path, server: str
) -> None:
    shown = framed(tmp_path, server, "/feeds/zgkjcx/kjyw.atom")
    assert shown["scroll"] <= shown["client"] == PHONE[0], shown["scroll"]
    assert "&lt;feed" not in shown["html"] and "<pre" not in shown["html"], shown["html"][:500]
    page = lxml_html.fromstring(shown["html"])
    assert page.tag == "html"
    newest = site.app.store.articles.newest(site="zgkjcx", category="kjyw", limit=3)
    titles = [h.xpath("string()").strip() for h in page.xpath("//h3")]
    assert titles[:3] == [a.title for a in newest]
    assert page.xpath("//input/@value") == ["http://feeds.example.test/feeds/zgkjcx/kjyw.atom"]


def test_an_rss_feed_opened_in_the_browser_is_a_page(
    site: Site, tmp_path: Path, server: str
) -> None:
    dom = chromium(tmp_path, f"{server}/feeds/zgkjcx.rss", "--dump-dom")
    page = lxml_html.fromstring(dom)
    newest = site.app.store.articles.newest(site="zgkjcx", limit=1)
    assert [h.xpath("string()").strip() for h in page.xpath("//h3")][:1] == [newest[0].title]


def test_screenshots_at_both_widths(tmp_path: Path, server: str) -> None:
    for name, size in (("phone", PHONE), ("desktop", DESKTOP)):
        target = tmp_path / f"index-{name}.png"
        chromium(
            tmp_path,
            f"{server}/",
            f"--screenshot={target}",
            size=size,
        )
        assert target.read_bytes().startswith(b"\x89PNG")

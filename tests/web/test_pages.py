"""The index page, OPML, /healthz and /metrics (SPEC §4)."""

from __future__ import annotations

from datetime import UTC, datetime

from lxml import etree
from lxml import html as lxml_html
from prometheus_client.parser import text_string_to_metric_families
from starlette.testclient import TestClient

from syndicator import metrics
from syndicator.errors import StoreError
from syndicator.models import CategoryState, PollRecord

from .conftest import Site

NASTY_TITLE = '芯片 <script>alert("x")</script> & “突破” 🚀'


def test_index_lists_every_feed_with_autodiscovery(site: Site, client: TestClient) -> None:
    r = client.get("/")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/html; charset=utf-8"
    page = lxml_html.fromstring(r.content)
    assert page.get("lang") == "zh-CN"
    discovered = {
        (link.get("type"), link.get("href")) for link in page.xpath("//head/link[@rel='alternate']")
    }
    mimes = {
        "atom": "application/atom+xml",
        "rss": "application/rss+xml",
        "json": "application/feed+json",
    }
    expected = {(mimes[route.fmt], route.url(site.ctx.public_url)) for route in site.ctx.routes}
    assert discovered == expected
    assert len(expected) == 12
    hrefs = set(page.xpath("//body//a/@href"))
    for _, url in expected:
        assert url in hrefs, url
    assert "http://feeds.example.test/opml" in hrefs
    assert not [href for href in hrefs if href.startswith("feed:")]


def test_index_has_one_subscribe_area_with_an_address_to_copy_per_feed(
    site: Site, client: TestClient
) -> None:
    """One place to subscribe: each category, site and the all feed gives its Atom
    address in a labelled read-only field beside its Atom, RSS and JSON Feed links."""
    page = lxml_html.fromstring(client.get("/").content)
    [area] = page.xpath("//section[@id='subscribe']")
    assert page.xpath("//input") == area.xpath(".//input")
    fields = area.xpath(".//input[@readonly]")
    paths = ("feeds/zgkjcx/kjyw", "feeds/zgkjcx/kjrw", "feeds/zgkjcx", "feeds/all")
    assert sorted(f.get("value") for f in fields) == sorted(
        f"http://feeds.example.test/{path}.atom" for path in paths
    )
    for field in fields:
        [label] = area.xpath(f".//label[@for='{field.get('id')}']")
        assert label.text_content().strip()
        links = field.getparent().xpath(".//a/@href")
        stem = field.get("value").removesuffix(".atom")
        assert links == [f"{stem}.atom", f"{stem}.rss", f"{stem}.json"]
    assert "http://feeds.example.test/opml" in area.xpath(".//a/@href")
    # Each category's status links to its place in the area.
    for anchor in page.xpath("//section[@id='watched']//a[starts-with(@href, '#feed-')]/@href"):
        assert area.xpath(f".//*[@id='{anchor[1:]}']"), anchor


def test_index_shows_status_and_newest_articles(site: Site, client: TestClient) -> None:
    page = lxml_html.fromstring(client.get("/").content)
    text = page.text_content()
    for name in ("中国科技创新网", "科技要闻", "科技人物", "最新文章"):
        assert name in text
    states = page.xpath("//span[contains(@class, 'state')]/@class")
    assert states == ["state state-ok", "state state-ok"]
    newest = site.app.store.articles.newest(limit=20)
    rows = page.xpath("//section[@id='newest']//li")
    assert len(rows) == 20
    assert [row.xpath("string(a)") for row in rows] == [a.title for a in newest]
    assert rows[0].xpath("a/@href") == [newest[0].url]


def test_index_escapes_what_the_portal_says(fresh_site: Site) -> None:
    fresh_site.portal.publish("kjyw", NASTY_TITLE, source="<b>某厅</b>")
    fresh_site.clock.advance(minutes=10)
    fresh_site.poll("zgkjcx/kjyw")
    body = fresh_site.client().get("/").text
    assert "<script>alert" not in body
    assert "<b>某厅" not in body
    assert fresh_site.app.store.articles.newest(limit=1)[0].title == NASTY_TITLE
    assert "芯片 &lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt; &amp; “突破” 🚀" in body
    page = lxml_html.fromstring(body)
    assert page.xpath("string(//section[@id='newest']//li[1]/a)") == NASTY_TITLE
    assert page.xpath("//script") == []


def test_index_before_any_poll(fresh_site: Site) -> None:
    page = lxml_html.fromstring(fresh_site.client().get("/").content)
    states = page.xpath("//span[contains(@class, 'state')]/@class")
    assert states == ["state state-ok", "state state-pending"]
    assert "尚未抓取" in page.text_content()


def test_opml_lists_each_category_feed_once_in_a_folder_per_site(
    site: Site, client: TestClient
) -> None:
    r = client.get("/opml")
    assert r.status_code == 200
    assert r.headers["content-type"] == "text/x-opml; charset=utf-8"
    root = etree.fromstring(r.content)
    assert root.tag == "opml" and root.get("version") == "2.0"
    [folder] = root.find("body")
    assert folder.get("text") == "中国科技创新网" and folder.get("xmlUrl") is None
    urls = [o.get("xmlUrl") for o in folder.iter("outline") if o.get("xmlUrl")]
    assert sorted(urls) == [
        f"http://feeds.example.test/{path}.atom"
        for path in ("feeds/zgkjcx/kjrw", "feeds/zgkjcx/kjyw")
    ]


def test_no_entry_is_in_two_feeds_of_the_opml(site: Site, client: TestClient) -> None:
    """What a reader importing the OPML would show: every article once."""
    root = etree.fromstring(client.get("/opml").content)
    seen: dict[str, str] = {}
    for outline in root.iter("outline"):
        url = outline.get("xmlUrl")
        if not url:
            continue
        path = url.removeprefix("http://feeds.example.test/").removesuffix(".atom")
        stored = site.app.store.feeds.get(path, "atom")
        assert stored is not None
        for entry_id in etree.fromstring(stored.body).iterfind(
            "{http://www.w3.org/2005/Atom}entry/{http://www.w3.org/2005/Atom}id"
        ):
            assert entry_id.text not in seen, (entry_id.text, seen.get(entry_id.text or ""), path)
            seen[entry_id.text or ""] = path
    assert seen


def test_opml_absent_in_a_process_without_the_feed_list(site: Site) -> None:
    assert site.client(opml=None).get("/opml").status_code == 404


def health(client: TestClient) -> tuple[int, dict[str, object]]:
    r = client.get("/healthz")
    assert r.headers["content-type"] == "application/json"
    return r.status_code, r.json()


def test_healthz_ok(site: Site, client: TestClient) -> None:
    status, body = health(client)
    assert status == 200
    assert body["status"] == "ok"
    assert body["dead_deliveries"] == 0
    categories = body["categories"]
    assert isinstance(categories, dict)
    assert set(categories) == {"zgkjcx/kjyw", "zgkjcx/kjrw"}
    kjyw = categories["zgkjcx/kjyw"]
    assert kjyw["state"] == "ok"
    assert kjyw["consecutive_failures"] == 0
    assert kjyw["last_error"] is None
    assert datetime.fromisoformat(kjyw["last_success"]) == site.clock()
    assert datetime.fromisoformat(kjyw["last_poll"]) == site.clock()


def test_healthz_pending_category_does_not_degrade(fresh_site: Site) -> None:
    status, body = health(fresh_site.client())
    assert status == 200
    assert body["categories"]["zgkjcx/kjrw"] == {  # type: ignore[index]
        "state": "pending",
        "last_success": None,
        "last_error": None,
        "consecutive_failures": 0,
        "last_poll": None,
    }


def test_healthz_broken_category_is_503(fresh_site: Site) -> None:
    client = fresh_site.client()
    fresh_site.portal.set_empty("kjyw", True)
    for _ in range(3):
        fresh_site.clock.advance(minutes=10)
        fresh_site.poll("zgkjcx/kjyw")
    status, body = health(client)
    assert status == 503
    assert body["status"] == "degraded"
    assert body["categories"]["zgkjcx/kjyw"]["state"] == "broken"  # type: ignore[index]
    page = lxml_html.fromstring(client.get("/").content)
    assert "state state-broken" in page.xpath("//span[contains(@class, 'state')]/@class")


def test_healthz_failing_category_is_503(fresh_site: Site) -> None:
    when = datetime(2023, 3, 20, 2, 0, tzinfo=UTC)
    state = CategoryState(
        "zgkjcx",
        "kjrw",
        last_poll=when,
        last_error="HTTP 502",
        consecutive_failures=2,
        status="failing",
    )
    # The store writes a category's state only together with a poll record.
    record = PollRecord("zgkjcx", "kjrw", when, when, ok=False, error="HTTP 502")
    fresh_site.app.store.apply([], record, state)
    status, body = health(fresh_site.client())
    assert status == 503
    kjrw = body["categories"]["zgkjcx/kjrw"]  # type: ignore[index]
    assert kjrw == {
        "state": "failing",
        "last_success": None,
        "last_error": "HTTP 502",
        "consecutive_failures": 2,
        "last_poll": when.isoformat(),
    }


def test_healthz_dead_deliveries_degrade(site: Site) -> None:
    status, body = health(site.client(dead_deliveries=lambda: 2))
    assert status == 503
    assert body["status"] == "degraded"
    assert body["dead_deliveries"] == 2


def test_metrics_parse(client: TestClient) -> None:
    metrics.record_poll("zgkjcx/kjyw", "ok", 3, 0.2)
    metrics.set_category_status("zgkjcx/kjyw", "broken")
    metrics.record_delivery("hook", "delivered")
    before = feed_requests("rss", "200")
    client.get("/feeds/all.rss")
    client.get("/feeds/nope.rss")
    r = client.get("/metrics")
    assert r.status_code == 200
    assert r.headers["content-type"].startswith("text/plain; version=")
    families = {f.name: f for f in text_string_to_metric_families(r.text)}
    for name in (
        "syndicator_polls",
        "syndicator_poll_duration_seconds",
        "syndicator_new_articles",
        "syndicator_category_status",
        "syndicator_feed_requests",
        "syndicator_deliveries",
    ):
        assert name in families, name
    assert feed_requests("rss", "200") == before + 1
    assert feed_requests("rss", "404") >= 1
    status = {
        s.labels["status"]: s.value
        for s in families["syndicator_category_status"].samples
        if s.labels["category"] == "zgkjcx/kjyw"
    }
    assert status == {"ok": 0, "failing": 0, "broken": 1}


def feed_requests(fmt: str, status: str) -> float:
    value = metrics.REGISTRY.get_sample_value(
        "syndicator_feed_requests_total", {"format": fmt, "status": status}
    )
    return value or 0.0


class Troubled:
    """The site's store, with the problems a disk or an operator can make."""

    def __init__(self, inner: object, problems: list[str], broken: bool = False) -> None:
        self.inner, self._problems, self.broken = inner, problems, broken

    def problems(self) -> list[str]:
        return self._problems

    def __getattr__(self, name: str) -> object:
        if self.broken and name == "categories":
            raise StoreError("sqlite:////data/s.db: disk I/O error")
        return getattr(self.inner, name)


def test_healthz_fails_when_the_store_cannot_keep_data(site: Site) -> None:
    troubled = Troubled(site.app.store, ["the database file /data/s.db was deleted while in use"])
    status, body = health(site.client(store=troubled))
    assert status == 503 and body["status"] == "failing"
    assert body["storage"] == ["the database file /data/s.db was deleted while in use"]


def test_healthz_answers_json_when_the_store_cannot_be_read(site: Site) -> None:
    status, body = health(site.client(store=Troubled(site.app.store, [], broken=True)))
    assert status == 503 and body["status"] == "failing"
    assert body["error"].startswith("StoreError: ")


def test_times_on_the_page_say_their_zone(site: Site, client: TestClient) -> None:
    page = client.get("/").text
    assert "UTC+08:00" in page

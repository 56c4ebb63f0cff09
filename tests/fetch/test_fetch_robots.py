"""robots.txt: read once per host, obeyed for our agent, re-read when it expires."""

from __future__ import annotations

from collections.abc import Callable

import pytest
from fetch_testserver import FakeClock, LocalServer, Reply

from syndicator.errors import RobotsDenied
from syndicator.fetch import Fetcher
from syndicator.fetch.robots import RobotsAnswer, RobotsCache, parse_rules, robots_url

RULES = b"""User-agent: *
Disallow: /admin/

User-agent: syndicator-test
Disallow: /Article/Private
Crawl-delay: 4
"""


def test_disallowed_path_is_refused_and_never_requested(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/robots.txt", Reply(200, RULES))
    server.route("/Article/ShowArticle.asp", Reply(200, b"article"))
    fetcher = make_fetcher()
    with pytest.raises(RobotsDenied) as caught:
        fetcher.get(server.url("/Article/Private.asp?ArticleID=1"))
    assert caught.value.reason == "disallowed by robots.txt"
    assert fetcher.get(server.url("/Article/ShowArticle.asp")).body == b"article"
    assert [seen.path for seen in server.seen] == ["/robots.txt", "/Article/ShowArticle.asp"]


def test_robots_txt_is_fetched_once_per_host(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/robots.txt", Reply(200, RULES))
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher(host_delay=0.0)
    for _ in range(3):
        fetcher.get(server.url("/a"))
    fetcher.get(server.url("/a", host="localhost"))
    hosts = [seen.host.split(":")[0] for seen in server.hits("/robots.txt")]
    assert hosts == ["127.0.0.1", "localhost"]
    assert server.hits("/robots.txt")[0].headers["user-agent"].startswith("syndicator-test/")
    assert fetcher.stats.robots_requests == 2
    assert fetcher.stats.requests == 6


def test_robots_can_be_switched_off(
    server: LocalServer, make_fetcher: Callable[..., Fetcher]
) -> None:
    server.route("/robots.txt", Reply(200, b"User-agent: *\nDisallow: /\n"))
    server.route("/a", Reply(200, b"a"))
    assert make_fetcher(robots_txt=False).get(server.url("/a")).body == b"a"
    assert server.hits("/robots.txt") == []


@pytest.mark.parametrize("status", [404, 410, 500, 503])
def test_missing_or_broken_robots_allows_everything(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], status: int
) -> None:
    server.route("/robots.txt", Reply(status, b"User-agent: *\nDisallow: /\n"))
    server.route("/a", Reply(200, b"a"))
    assert make_fetcher().get(server.url("/a")).body == b"a"


def test_parsed_rules_expire_after_an_hour(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route(
        "/robots.txt",
        Reply(200, b"User-agent: *\nDisallow: /b\n"),
        Reply(200, b"User-agent: *\nDisallow: /a\n"),
    )
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher()
    fetcher.get(server.url("/a"))
    clock.advance(3599)
    fetcher.get(server.url("/a"))
    assert len(server.hits("/robots.txt")) == 1
    clock.advance(2)
    with pytest.raises(RobotsDenied):
        fetcher.get(server.url("/a"))
    assert len(server.hits("/robots.txt")) == 2


def test_server_error_on_robots_is_retried_soon_not_kept(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/robots.txt", Reply(503), Reply(200, b"User-agent: *\nDisallow: /a\n"))
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher()
    fetcher.get(server.url("/a"))
    clock.advance(60)
    fetcher.get(server.url("/a"))
    assert len(server.hits("/robots.txt")) == 1
    clock.advance(600)
    with pytest.raises(RobotsDenied):
        fetcher.get(server.url("/a"))


def test_crawl_delay_widens_the_gap_for_that_host(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], clock: FakeClock
) -> None:
    server.route("/robots.txt", Reply(200, RULES))
    server.route("/a", Reply(200, b"a"))
    fetcher = make_fetcher(host_delay=1.0)
    fetcher.get(server.url("/a"))
    fetcher.get(server.url("/a"))
    # The rules are read before the first page, so even that one waits 4 s after robots.txt.
    assert clock.sleeps == [4.0, 4.0]


@pytest.mark.parametrize(
    ("url", "allowed"),
    [
        ("http://h/Article/ShowArticle.asp?ArticleID=3", True),
        ("http://h/Article/PrivateList.asp", False),
        ("http://h/admin/index.asp", True),  # our own group replaces the * group
    ],
)
def test_rules_follow_robotparser_for_our_agent(url: str, allowed: bool) -> None:
    rules = parse_rules(b"\xef\xbb\xbf" + RULES)
    assert rules.can_fetch("syndicator-test/0.1 (+https://example.org/contact)", url) is allowed


def test_cache_downloads_each_origin_once() -> None:
    asked: list[str] = []

    def download(url: str) -> RobotsAnswer:
        asked.append(url)
        return RobotsAnswer(None)

    cache = RobotsCache(download, clock=lambda: 0.0)
    for url in ("http://a.cn/x", "http://a.cn/y?z=1", "https://a.cn/x", "http://b.cn:81/x"):
        assert cache.policy(url).allows(url, "syndicator")
    cache.policy("http://a.cn/again")
    assert asked == [
        "http://a.cn/robots.txt",
        "https://a.cn/robots.txt",
        "http://b.cn:81/robots.txt",
    ]
    assert robots_url("http://b.cn:81/x?y") == "http://b.cn:81/robots.txt"

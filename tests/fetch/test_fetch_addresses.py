"""The fetcher reaches no private, loopback, link-local or otherwise non-global address
unless the config allows it, at any hop, and connects to the address it checked."""

from __future__ import annotations

import ipaddress
from collections.abc import Callable

import pytest
from fetch_testserver import LocalServer, Reply

from syndicator import addresses
from syndicator.errors import AddressRefused, FetchError
from syndicator.fetch import Fetcher

PUBLIC = "93.184.216.34"


@pytest.fixture
def dns(monkeypatch: pytest.MonkeyPatch) -> dict[str, str]:
    """Names the test makes up, resolved as it says; address literals as themselves."""
    answers: dict[str, str] = {}

    def resolve(host: str, port: int) -> list[addresses.Address]:
        try:
            return [ipaddress.ip_address(host.strip("[]"))]
        except ValueError:
            if host not in answers:
                raise OSError("not found") from None
            return [ipaddress.ip_address(a) for a in answers[host].split(",")]

    monkeypatch.setattr(addresses, "resolve", resolve)
    return answers


@pytest.mark.parametrize(
    "target",
    [
        "127.0.0.1",
        "169.254.169.254",
        "100.100.100.200",
        "10.0.0.5",
        "[::1]",
        "[::ffff:127.0.0.1]",
        "0.0.0.0",
    ],
)
def test_a_private_list_url_is_refused_without_a_request(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str], target: str
) -> None:
    server.route("/list.html", Reply(body=b"<html></html>"))
    fetcher = make_fetcher(allow_private=False)
    with pytest.raises(AddressRefused, match="allow_private"):
        fetcher.get(f"http://{target}:{server.port}/list.html")
    assert server.hits("/list.html") == []


def test_a_name_that_resolves_privately_is_refused(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    dns["portal.example.org"] = "127.0.0.1"
    server.route("/list.html", Reply(body=b"x"))
    with pytest.raises(AddressRefused):
        make_fetcher(allow_private=False).get(f"http://portal.example.org:{server.port}/list.html")
    assert server.hits("/list.html") == []


@pytest.mark.parametrize("metadata", ["169.254.169.254", "100.100.100.200", "127.0.0.1"])
def test_a_redirect_to_an_internal_address_is_refused_at_that_hop(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str], metadata: str
) -> None:
    """The portal itself is allowed (an intranet site); where it redirects to is checked
    again, and only the allowed host may be private."""
    dns["portal.example.org"] = "127.0.0.1"
    location = f"http://{metadata}/latest/meta-data/"
    server.route("/a.html", Reply(status=302, headers=(("Location", location),)))
    fetcher = make_fetcher(allow_private=False, private_hosts=frozenset({"portal.example.org"}))
    with pytest.raises(AddressRefused, match=metadata.replace(".", r"\.")):
        fetcher.get(f"http://portal.example.org:{server.port}/a.html")
    assert len(server.hits("/a.html")) == 1
    # An attachment's HEAD request, the same.
    with pytest.raises(AddressRefused, match=metadata.replace(".", r"\.")):
        fetcher.head(f"http://portal.example.org:{server.port}/a.html")
    assert len(server.hits("/a.html")) == 2


def test_an_allowed_site_is_fetched_at_the_checked_address_under_its_name(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    dns["intranet.example.org"] = "127.0.0.1"
    server.route("/list.html", Reply(body=b"<html>ok</html>"))
    fetcher = make_fetcher(allow_private=False, private_hosts=frozenset({"intranet.example.org"}))
    result = fetcher.get(f"http://intranet.example.org:{server.port}/list.html")
    assert result.body == b"<html>ok</html>"
    [seen] = server.hits("/list.html")
    assert seen.host == f"intranet.example.org:{server.port}"
    assert result.url == f"http://intranet.example.org:{server.port}/list.html"


def test_robots_txt_follows_the_same_rules(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    """A robots.txt redirected to a metadata address is not fetched; robots.txt counts
    as unreachable then, and the page itself is still checked on its own."""
    dns["intranet.example.org"] = "127.0.0.1"
    server.route(
        "/robots.txt", Reply(status=301, headers=(("Location", "http://169.254.169.254/r"),))
    )
    server.route("/list.html", Reply(body=b"fine"))
    fetcher = make_fetcher(allow_private=False, private_hosts=frozenset({"intranet.example.org"}))
    assert fetcher.get(f"http://intranet.example.org:{server.port}/list.html").body == b"fine"


def test_an_unknown_host_is_a_fetch_error_not_a_refusal(
    make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    with pytest.raises(FetchError, match="host name not found") as caught:
        make_fetcher(allow_private=False).get("http://nowhere.example.org/list.html")
    assert not isinstance(caught.value, AddressRefused)


def test_when_the_first_address_refuses_the_next_one_is_tried(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    """A name listing an address where nothing answers (an unreachable IPv6 listed
    first, most often) still works through its other address."""
    dns["intranet.example.org"] = "127.0.0.2,127.0.0.1"
    server.route("/list.html", Reply(body=b"here"))
    fetcher = make_fetcher(allow_private=False, private_hosts=frozenset({"intranet.example.org"}))
    result = fetcher.get(f"http://intranet.example.org:{server.port}/list.html")
    assert result.body == b"here"
    [seen] = server.hits("/list.html")
    assert seen.host == f"intranet.example.org:{server.port}"


def test_every_address_of_a_name_is_checked_not_only_the_first(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    dns["mixed.example.org"] = f"{PUBLIC},169.254.169.254"
    with pytest.raises(AddressRefused, match=r"169\.254\.169\.254"):
        make_fetcher(allow_private=False).get("http://mixed.example.org/a.html")


def test_an_answer_is_not_asked_again_at_another_address(
    server: LocalServer, make_fetcher: Callable[..., Fetcher], dns: dict[str, str]
) -> None:
    """Only a connection that was never made moves on: a server that answered (even
    with an error) is the answer."""
    dns["intranet.example.org"] = "127.0.0.1,127.0.0.3"
    server.route("/gone.html", Reply(404, b"no"))
    fetcher = make_fetcher(
        allow_private=False, private_hosts=frozenset({"intranet.example.org"}), robots_txt=False
    )
    with pytest.raises(FetchError):
        fetcher.get(f"http://intranet.example.org:{server.port}/gone.html")
    assert len(server.hits("/gone.html")) == 1

"""POST /api/poll/{site}/{category}: bearer admin token, constant-time compared."""

from __future__ import annotations

import threading

import pytest

from syndicator.errors import StoreError

from .conftest import Site

TOKEN = "s3cret-token"


def test_api_is_absent_without_an_admin_token(site: Site) -> None:
    client = site.client(admin_token="", poll_now=lambda key: {"key": key})
    assert client.post("/api/poll/zgkjcx/kjyw").status_code == 404
    r = client.post("/api/poll/zgkjcx/kjyw", headers={"authorization": "Bearer "})
    assert r.status_code == 404


@pytest.mark.parametrize(
    "authorization",
    [
        None,
        "",
        "Bearer",
        "Bearer ",
        "Bearer wrong",
        f"Basic {TOKEN}",
        f"Bearer {TOKEN}x",
        f"Bearer {TOKEN[:-1]}",
        "Bearer 令牌".encode(),
    ],
)
def test_wrong_or_missing_token_is_401(site: Site, authorization: str | bytes | None) -> None:
    calls: list[str] = []
    client = site.client(admin_token=TOKEN, poll_now=calls.append)
    headers = {} if authorization is None else {"authorization": authorization}
    r = client.post("/api/poll/zgkjcx/kjyw", headers=headers)
    assert r.status_code == 401
    assert r.headers["www-authenticate"].startswith("Bearer")
    assert calls == []


def test_unknown_category_is_404(site: Site) -> None:
    client = site.client(admin_token=TOKEN, poll_now=lambda key: {"key": key})
    auth = {"authorization": f"Bearer {TOKEN}"}
    assert client.post("/api/poll/zgkjcx/nope", headers=auth).status_code == 404
    assert client.post("/api/poll/other/kjyw", headers=auth).status_code == 404
    assert client.get("/api/poll/zgkjcx/kjyw", headers=auth).status_code == 405


def test_poll_runs_in_a_worker_thread_and_returns_its_summary(fresh_site: Site) -> None:
    app = fresh_site.app
    threads: list[threading.Thread] = []

    def poll_now(key: str) -> dict[str, object]:
        threads.append(threading.current_thread())
        [outcome] = app.poll(app.categories([key]))
        app.rebuild_feeds()
        return {"category": key, "ok": outcome.record.ok, "new": outcome.record.new}

    client = fresh_site.client(admin_token=TOKEN, poll_now=poll_now)
    fresh_site.portal.publish("kjyw", "管理接口触发的抓取")
    fresh_site.clock.advance(minutes=1)
    r = client.post("/api/poll/zgkjcx/kjyw", headers={"authorization": f"bearer {TOKEN}"})
    assert r.status_code == 200
    assert r.json() == {"category": "zgkjcx/kjyw", "ok": True, "new": 1}
    assert threads and threads[0] is not threading.main_thread()
    fresh_site.web_clock.advance(seconds=1)
    assert "管理接口触发的抓取" in client.get("/feeds/zgkjcx/kjyw.json").text


def test_poll_without_a_worker_is_503(site: Site) -> None:
    client = site.client(admin_token=TOKEN, poll_now=None)
    r = client.post("/api/poll/zgkjcx/kjyw", headers={"authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 503


@pytest.mark.parametrize(
    "error",
    [
        StoreError("sqlite:////data/s.db: could not store poll: database is locked"),
        OSError(28, "No space left on device"),
        RuntimeError("a bug"),
    ],
)
def test_a_poll_that_cannot_run_is_a_503_with_its_reason(site: Site, error: Exception) -> None:
    def poll_now(key: str) -> dict[str, object]:
        raise error

    client = site.client(admin_token=TOKEN, poll_now=poll_now)
    r = client.post("/api/poll/zgkjcx/kjyw", headers={"authorization": f"Bearer {TOKEN}"})
    assert r.status_code == 503
    assert r.json()["error"].startswith("the poll could not run: ")
    assert type(error).__name__ in r.json()["error"]

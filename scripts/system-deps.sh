#!/usr/bin/env bash
# Debian tools the tests use: jing validates Atom against RFC 4287's RELAX NG schema;
# sfeed and newsboat are real feed clients; nginx serves the --out files in the test of
# the compose topology. Installed only when missing.
set -euo pipefail
need=()
command -v jing >/dev/null 2>&1 || need+=(jing)
command -v sfeed >/dev/null 2>&1 || need+=(sfeed)
command -v newsboat >/dev/null 2>&1 || need+=(newsboat)
command -v nginx >/dev/null 2>&1 || [ -x /usr/sbin/nginx ] || need+=(nginx-light)
if [ ${#need[@]} -gt 0 ]; then
  if [ "$(id -u)" = 0 ] && command -v apt-get >/dev/null 2>&1; then
    apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq "${need[@]}" >/dev/null
  else
    echo "missing ${need[*]}: install them (Debian: apt-get install ${need[*]}) for the feed client tests" >&2
  fi
fi

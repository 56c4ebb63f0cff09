# syntax=docker/dockerfile:1
#
# syndicator as an image: `docker compose up` (docker-compose.yml) runs it as web,
# workers and nginx on PostgreSQL. On its own:
#   docker run -v ./deploy/syndicator.yaml:/etc/syndicator/syndicator.yaml:ro \
#     -e SYNDICATOR_DB_PASSWORD=... syndicator
# Secrets are never baked in: the config reads them from SYNDICATOR_* variables set
# when the container starts (.env.example lists them).

# ---------------------------------------------------------------- build the wheels
FROM python:3.11-slim AS builder

ENV PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /src
COPY pyproject.toml README.md ./
COPY syndicator/ syndicator/

# Every wheel is built here, so the final stage installs offline from exactly these, and
# the requirement names our wheel by its file, so the version comes from pyproject.toml.
RUN pip wheel --no-cache-dir --wheel-dir /wheels ".[postgres,apprise,demo]" \
    && printf 'syndicator[postgres,apprise,demo] @ file://%s\n' /wheels/syndicator-*.whl \
        > /wheels/requirements.txt

# ---------------------------------------------------------------- the service
FROM python:3.11-slim

LABEL org.opencontainers.image.title="syndicator" \
      org.opencontainers.image.description="Atom/RSS/JSON feeds and alerts for news portal sections that publish no feed" \
      org.opencontainers.image.licenses="MIT"

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1 \
    PIP_ROOT_USER_ACTION=ignore \
    SYNDICATOR_CONFIG=/etc/syndicator/syndicator.yaml \
    SYNDICATOR_HEALTH_PORT=8080

# A bind mount, not a COPY: the wheels never become a layer of the image.
RUN --mount=type=bind,from=builder,source=/wheels,target=/wheels \
    pip install --no-cache-dir --no-index --find-links=/wheels --requirement /wheels/requirements.txt

# A fixed uid, so files on the shared volumes keep one owner across rebuilds; the
# volumes' directories are created here because a new named volume copies their owner.
RUN groupadd --system --gid 10001 syndicator \
    && useradd --system --uid 10001 --gid syndicator --no-create-home \
        --home-dir /var/lib/syndicator --shell /usr/sbin/nologin syndicator \
    && install -d -o root -g syndicator -m 0750 /etc/syndicator \
    && install -d -o syndicator -g syndicator -m 0755 /var/lib/syndicator /srv/feeds

# The default config; a mounted file replaces it.
COPY --chown=root:syndicator --chmod=0640 deploy/syndicator.yaml /etc/syndicator/syndicator.yaml

VOLUME ["/etc/syndicator", "/var/lib/syndicator", "/srv/feeds"]
WORKDIR /var/lib/syndicator
USER 10001:10001
EXPOSE 8080

# Alive means the web process answers /healthz: 503 is an answer too (the portal or a
# channel is failing, which restarting this container does not fix). A worker-only
# container (`run --no-web`) serves no HTTP; docker-compose.yml disables the check there.
HEALTHCHECK --interval=30s --timeout=5s --start-period=30s --retries=3 \
    CMD ["python", "-c", "import os, http.client as h; c = h.HTTPConnection('127.0.0.1', int(os.environ.get('SYNDICATOR_HEALTH_PORT', '8080')), timeout=4); c.request('GET', '/healthz'); raise SystemExit(0 if c.getresponse().status in (200, 503) else 1)"]

ENTRYPOINT ["syndicator"]
CMD ["run", "-c", "/etc/syndicator/syndicator.yaml"]

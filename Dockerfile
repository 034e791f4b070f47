# 劳模创新工作室助手 — production image. Build: docker build -t studio-bot .
# Run with compose.yaml (bot + PostgreSQL), or alone with a SQLite volume:
#   docker run -d --env-file .env -v studio-data:/app/data studio-bot
FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1 \
    PIP_DISABLE_PIP_VERSION_CHECK=1
# SQLite by default, in the volume (/app/data); compose sets a PostgreSQL URL instead.
ENV DATABASE_URL=sqlite+aiosqlite:///data/studio.db
# The health endpoint, for the HEALTHCHECK below (inside the container only).
ENV HEALTH_LISTEN=127.0.0.1 HEALTH_PORT=8090

WORKDIR /app

# Dependencies first, so a code change does not reinstall them.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY storage ./storage
COPY reminders ./reminders
COPY policy ./policy
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /app --shell /usr/sbin/nologin studio \
    && mkdir -p /app/data \
    && chown studio:studio /app/data

USER studio
VOLUME ["/app/data"]

# Healthy = database reachable and scheduler running (see README, "Deploying").
HEALTHCHECK --interval=30s --timeout=10s --start-period=60s --retries=3 \
    CMD ["python", "-c", "import os, urllib.request; urllib.request.urlopen('http://127.0.0.1:' + os.environ['HEALTH_PORT'] + '/healthz', timeout=8)"]

# Migrates the database, then polls (or serves the webhook when WEBHOOK_URL is set).
# SIGTERM (docker stop) lets the update in hand finish.
STOPSIGNAL SIGTERM
CMD ["python", "-m", "bot", "run"]

# Production image: migrations (MIGRATE_ON_START; replicas starting together wait for one another on PostgreSQL),
# then uvicorn with one worker process per CPU the container may use (set WORKERS when the container has a CPU quota
# rather than a CPU set). Configure with environment variables only (DATABASE_URL, WORKERS, DB_POOL_SIZE, ...;
# `docker run IMAGE culturegap --help` lists them). Set MIGRATE_ON_START=false to migrate from a job of its own.
FROM python:3.11-slim AS build
WORKDIR /src
# Dependencies from the lock file, each checked against its hash (`make` installs from the same file), then the
# service itself without resolving anything again.
COPY requirements.lock ./
RUN pip install --no-cache-dir --prefix=/install --require-hashes -r requirements.lock
COPY pyproject.toml README.md ./
COPY app ./app
RUN pip install --no-cache-dir --prefix=/install --no-deps .

FROM python:3.11-slim
ENV PYTHONDONTWRITEBYTECODE=1 PYTHONUNBUFFERED=1 HOST=0.0.0.0 PORT=8000 WORKER_INTERVAL=30 \
    DATABASE_URL=sqlite:////srv/data/culturegap.db MIGRATE_ON_START=true
# Debian's Chromium prints the board report as PDF (without it that route answers 503 and offers HTML);
# `--build-arg BOARD_REPORT_PDF=false` leaves it out (about 250 MB).
ARG BOARD_REPORT_PDF=true
RUN if [ "$BOARD_REPORT_PDF" = "true" ]; then \
      apt-get update && apt-get install -y --no-install-recommends chromium fonts-dejavu-core \
      && rm -rf /var/lib/apt/lists/*; \
    fi
RUN useradd --system --uid 10001 --home-dir /srv culturegap
COPY --from=build /install /usr/local
WORKDIR /srv
COPY alembic.ini ./
COPY migrations ./migrations
RUN mkdir -p /srv/data && chown culturegap /srv/data
# The SQLite database (the default DATABASE_URL) lives here: mount a volume, or it goes with the container.
VOLUME /srv/data
USER culturegap
EXPOSE 8000
HEALTHCHECK --interval=30s --timeout=3s CMD python -c "import urllib.request,os; urllib.request.urlopen(f'http://127.0.0.1:{os.environ[\"PORT\"]}/health')"
CMD ["culturegap", "serve"]

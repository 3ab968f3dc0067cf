# chathulp — the bot. Build:  docker build -t chathulp .
# Run:    docker run -v chathulp-data:/data -v $PWD/config.yaml:/config/config.yaml:ro \
#                -e CHATHULP_BOT_PASSWORD=... chathulp
# The config's data_dir should be "/data" (the volume): it holds the database, the E2EE
# store and secrets.json, which must survive container restarts. For the invite pages, set
# web.bind to "0.0.0.0" (inside the container) and put a TLS reverse proxy in front of :8080.
# Only one container per data volume: the bot refuses a second one (lock file).
# The browser chat (/chat): bundled from web/chat with its lockfile (npm ci + esbuild), the same
# build as scripts/build_chat.sh; only the built files go into the image.
FROM node:20-bookworm-slim AS chat
WORKDIR /chat
COPY web/chat/package.json web/chat/package-lock.json ./
RUN npm ci --no-audit --no-fund --loglevel=error
COPY web/chat/build.mjs ./
COPY web/chat/src ./src
RUN node build.mjs /chat/out

FROM python:3.11-slim

ENV PYTHONDONTWRITEBYTECODE=1 \
    PYTHONUNBUFFERED=1 \
    PIP_NO_CACHE_DIR=1

WORKDIR /app
# Dependencies first (better layer caching): vodozemac ships wheels, no compiler needed.
COPY pyproject.toml README.md ./
COPY bot ./bot
COPY --from=chat /chat/out ./bot/web/static/chat
RUN pip install . \
    && useradd --system --uid 10001 --home-dir /data --shell /usr/sbin/nologin chathulp \
    && mkdir -p /data /config \
    && chown chathulp /data

USER chathulp
VOLUME ["/data"]
EXPOSE 8080
ENTRYPOINT ["chathulp"]
CMD ["run", "--config", "/config/config.yaml"]

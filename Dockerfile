# sitrep in a container. Two stages: the first has the compilers better-sqlite3 may need and the dev
# dependencies that build dist/; the second holds only what the bot runs, and runs it as `node`.
#   docker build -t sitrep .
#   docker run -d --init --env-file .env -v "$PWD/data:/app/data:ro" -v sitrep-var:/app/var sitrep
# Setup, Compose with Redis, backups and upgrades: docs/operations.md.

FROM node:20-bookworm-slim AS build
# better-sqlite3 downloads a prebuilt binary where one fits, else compiles: Python 3, make, g++.
RUN apt-get update \
  && apt-get install -y --no-install-recommends python3 make g++ \
  && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY . .
# `npm ci` installs everything and runs `prepare` (the build of dist/); then the dev dependencies go.
# `mkdir -p dist` keeps the copy below valid should a build ever be skipped (sources then run via tsx).
RUN npm ci && npm prune --omit=dev && npm cache clean --force && mkdir -p dist

FROM node:20-bookworm-slim
WORKDIR /app
# The program stays owned by root (read-only for the bot); only var/ (state file, console history,
# images written by `sitrep run`) is the bot's to write.
COPY --from=build /app/package.json /app/package-lock.json ./
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/bin ./bin
COPY --from=build /app/dist ./dist
COPY --from=build /app/src ./src
COPY --from=build /app/commands ./commands
COPY --from=build /app/data ./data
# Copies between stages need not keep the sources' file times, and bin/sitrep.js runs dist/ only while it
# is newer than every source: the sources in the image never change, so the build is stamped as of now.
RUN if [ -f dist/.build-stamp.json ]; then \
      node -e "require('node:fs').writeFileSync('dist/.build-stamp.json', JSON.stringify({ startedAt: Date.now() }))"; \
    fi \
  && mkdir -p var && chown node:node var
USER node
# data/: mount your incident files over the examples. var/: the SQLite state (STORE_URL's default).
VOLUME ["/app/data", "/app/var"]
# The bot has no HTTP port yet, so this checks what can be checked from outside it: that the data
# folder the bot serves is there and every incident file in it is valid (`sitrep validate`, exit 1 on
# any problem; the output shows in `docker inspect`). It does not check the Discord connection. A
# dead bot process ends the container, and the restart policy starts it again.
HEALTHCHECK --interval=5m --timeout=60s --start-period=1m --retries=2 \
  CMD node bin/sitrep.js validate || exit 1
ENTRYPOINT ["node", "bin/sitrep.js"]
CMD ["start"]

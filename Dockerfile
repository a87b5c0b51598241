# syntax=docker/dockerfile:1
# Fragmark in a container: the API (`serve`, the default command) or a worker (`worker`), from the
# compiled build. docs/container.md explains the image, compose.yaml and what was (not) tested.
#
#   docker build -t fragmark .

# Build stage: every dependency, then `npm ci`'s postinstall builds the Prisma client, dist/ and
# the dashboard (scripts/build.mjs); the development dependencies are dropped afterwards.
FROM node:20-bookworm-slim AS build
WORKDIR /app
COPY . .
RUN npm ci --no-audit --no-fund && npm prune --omit=dev --no-audit --no-fund

# Run stage: only what the compiled server reads at run time (no sources, no tests, no tsx).
FROM node:20-bookworm-slim
ENV NODE_ENV=production \
    FRAGMARK_ENV=production \
    FRAGMARK_HOST=0.0.0.0 \
    FRAGMARK_PORT=4000 \
    FRAGMARK_DATA_DIR=/var/lib/fragmark
WORKDIR /app
COPY --from=build /app/package.json /app/package-lock.json /app/LICENSE /app/schema.graphql ./
COPY --from=build /app/node_modules node_modules
COPY --from=build /app/bin bin
COPY --from=build /app/dist dist
COPY --from=build /app/prisma/migrations prisma/migrations
COPY --from=build /app/dashboard/dist dashboard/dist
# A non-root user owning only its data folder (artifacts, the key file when FRAGMARK_MASTER_KEY is unset).
RUN useradd --system --uid 10001 --user-group --home-dir /var/lib/fragmark fragmark \
 && mkdir -p /var/lib/fragmark && chown fragmark:fragmark /var/lib/fragmark && chmod 700 /var/lib/fragmark
USER fragmark
VOLUME ["/var/lib/fragmark"]
EXPOSE 4000
# Ready means the database answers (GET /readyz); workers serve no HTTP: compose.yaml turns this off for them.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:' + (process.env.FRAGMARK_PORT || 4000) + '/readyz').then((r) => process.exit(r.ok ? 0 : 1), () => process.exit(1))"]
ENTRYPOINT ["node", "bin/fragmark.js"]
CMD ["serve"]

# syntax=docker/dockerfile:1.7
#
# Skyro Core production image (multi-stage).
#
#   docker build -t skyro-core .
#   docker run --rm -p 3000:3000 -e DATABASE_URL=postgres://... -e REDIS_URL=redis://... skyro-core
#
# The image carries NO configuration: DATABASE_URL, REDIS_URL, JWT keys etc.
# come from the environment (Kubernetes: the Secret referenced by the Helm
# chart, see helm/skyro-core). The embedded Postgres the app starts when
# DATABASE_URL is unset is a local-development default only: its binaries come
# from a devDependency that is pruned from this image, and the root filesystem
# is read-only in Kubernetes, so DATABASE_URL must always be set.
# Migrations: `node dist/src/migrate.js` with the same image and env (the Helm
# chart runs it as a pre-install/pre-upgrade hook Job).
# Operator commands: `node dist/src/cli.js <command>` with the same env, e.g. the first
# administrator (NODE_ENV=production here, so it must be asked for on purpose):
#   docker run --rm -it -e DATABASE_URL=... (the app's env) skyro-core \
#     node dist/src/cli.js admin:create --email admin@bank.example --allow-production

ARG NODE_IMAGE=node:24-bookworm-slim

# ---------------------------------------------------------------------------
# build: install all deps, compile TypeScript (nest build: tsc, with the import aliases of
# tsconfig.json rewritten to relative paths), then drop devDependencies.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS build
WORKDIR /app
ENV CI=true \
    NPM_CONFIG_UPDATE_NOTIFIER=false \
    NPM_CONFIG_FUND=false \
    NPM_CONFIG_AUDIT=false
# Native addons without prebuilt binaries would need a toolchain here:
#   RUN apt-get update && apt-get install -y --no-install-recommends python3 make g++
# Dependency layer first so it is cached while only sources change.
COPY package.json package-lock.json ./
RUN --mount=type=cache,target=/root/.npm npm ci
COPY . .
RUN npm run build \
 && test -f dist/src/main.js \
 && test -f dist/src/migrate.js \
 && test -f dist/src/cli.js \
 && rm -f dist/.tsbuildinfo*
# Production dependencies only (the build stage's node_modules are reused so
# native modules compiled above are kept).
RUN npm prune --omit=dev

# ---------------------------------------------------------------------------
# runtime: slim Node + dumb-init, non-root, only what is needed to run.
# ---------------------------------------------------------------------------
FROM ${NODE_IMAGE} AS runtime
# dumb-init (Debian package) as PID 1: forwards SIGTERM/SIGINT to node and
# reaps zombies. The app itself also handles SIGTERM (graceful drain).
RUN apt-get update \
 && apt-get install -y --no-install-recommends dumb-init \
 && rm -rf /var/lib/apt/lists/*
# Fixed uid/gid 10001 (matches the Helm chart's securityContext.runAsUser).
RUN groupadd --system --gid 10001 skyro \
 && useradd --system --uid 10001 --gid skyro --no-create-home --home-dir /nonexistent --shell /usr/sbin/nologin skyro
WORKDIR /app
# A 32 MiB young-generation semi-space (Node's default is 16): the API allocates many
# short-lived objects per request (GC was 7-13% of the ledger's CPU); fewer scavenges gave
# +3-20% ledger throughput across scenarios (docs/BENCHMARKS.md). At most 32 MiB more heap.
ENV NODE_ENV=production \
    NODE_OPTIONS=--max-semi-space-size=32 \
    HOST=0.0.0.0 \
    PORT=3000 \
    NPM_CONFIG_UPDATE_NOTIFIER=false
# Files stay owned by root: the app user can read but not modify its code.
COPY --from=build /app/package.json ./package.json
COPY --from=build /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
USER 10001:10001
EXPOSE 3000
# For `docker run` / compose only (Kubernetes ignores HEALTHCHECK and uses the
# chart's probes). No curl/wget in the slim image: node's fetch does the call.
HEALTHCHECK --interval=30s --timeout=5s --start-period=60s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||3000)+'/health/live').then(r=>process.exit(r.ok?0:1)).catch(()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/dumb-init", "--"]
CMD ["node", "dist/src/main.js"]

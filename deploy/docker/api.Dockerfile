# syntax=docker/dockerfile:1
# pure-serve on Node (CPU): the api, and the CPU worker (compose runs it with another command).
# Build from the repository root:  docker build -f deploy/docker/api.Dockerfile -t pure-serve/api .
#
# The apps run TypeScript through tsx (no build step). tsx is a devDependency, so the image installs the
# whole lockfile: `npm ci --omit=dev` would leave the apps unable to start.

ARG NODE_IMAGE=node:22.15.0-bookworm-slim

# Only the package manifests, so the dependency layer below is rebuilt only when they change.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -type d -empty -delete

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /src/ ./
# onnxruntime-node's install step would fetch the CUDA provider from NuGet; this image is CPU only.
# --ignore-scripts: no dependency needs its install script on linux/x64 (the native ones ship prebuilt
# optional packages), and npm 11 blocks unapproved install scripts anyway.
RUN ONNXRUNTIME_NODE_INSTALL=skip npm ci --ignore-scripts --no-audit --no-fund \
 && npm cache clean --force

FROM ${NODE_IMAGE}
# tini as PID 1 forwards SIGTERM to node and reaps children; node alone as PID 1 ignores default signals.
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.* \
 && rm -rf /var/lib/apt/lists/*
RUN groupadd --system --gid 10001 pure \
 && useradd --system --uid 10001 --gid pure --home-dir /home/pure --create-home pure
WORKDIR /app
COPY --from=deps /app/ ./
COPY . .
# The worker builds the tiny model package and caches downloaded model packages under .cache/.
RUN mkdir -p /app/.cache && chown pure:pure /app/.cache
ENV NODE_ENV=production \
    PORT=8080 \
    METRICS_PORT=9464
USER 10001:10001
EXPOSE 8080 9464
# Probes the api's port; the CPU worker overrides this to probe METRICS_PORT (see docker-compose.yml).
HEALTHCHECK --interval=10s --timeout=3s --start-period=30s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.PORT||8080)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "apps/api/src/main.ts"]

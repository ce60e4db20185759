# syntax=docker/dockerfile:1
# pure-serve GPU worker: CUDA 12 + cuDNN 9 runtime, Node 22, onnxruntime-node with its CUDA provider.
# Build from the repository root:  docker build -f deploy/docker/worker.Dockerfile -t pure-serve/worker .
# Run with a GPU:                  docker run --gpus all -e PURE_EP=cuda -e PURE_MODEL=s3://... pure-serve/worker
#
# onnxruntime-node 1.30 CUDA builds need CUDA 12.x and cuDNN 9.x (ORT >= 1.19). Node comes from the official
# image (its binary needs glibc >= 2.28; Ubuntu 24.04 has 2.39); tsx is a devDependency, so the whole
# lockfile is installed (see api.Dockerfile).

ARG NODE_IMAGE=node:22.15.0-bookworm-slim
ARG CUDA_IMAGE=nvidia/cuda:12.8.1-cudnn-runtime-ubuntu24.04

FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -type f ! -name package.json ! -name package-lock.json ! -name .npmrc -delete \
 && find . -type d -empty -delete

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
COPY --from=manifests /src/ ./
# Install without scripts (npm 11 blocks unapproved ones), then run onnxruntime-node's own install step
# explicitly with cuda12: it downloads libonnxruntime_providers_{cuda,shared,tensorrt}.so from NuGet
# (Microsoft.ML.OnnxRuntime.Gpu.Linux, same version) into node_modules/onnxruntime-node/bin/.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && ONNXRUNTIME_NODE_INSTALL=cuda12 node node_modules/onnxruntime-node/script/install \
 && test -n "$(find node_modules/onnxruntime-node/bin -name libonnxruntime_providers_cuda.so)" \
 && npm cache clean --force

FROM ${CUDA_IMAGE}
RUN apt-get update \
 && apt-get install -y --no-install-recommends tini=0.19.* \
 && rm -rf /var/lib/apt/lists/*
# Node's runtime only: the worker starts with node directly, so npm is not needed here.
COPY --from=deps /usr/local/bin/node /usr/local/bin/node
RUN groupadd --system --gid 10001 pure \
 && useradd --system --uid 10001 --gid pure --home-dir /home/pure --create-home pure
WORKDIR /app
COPY --from=deps /app/ ./
COPY . .
RUN mkdir -p /app/.cache && chown pure:pure /app/.cache
ENV NODE_ENV=production \
    PURE_EP=cuda \
    METRICS_PORT=9464 \
    NVIDIA_VISIBLE_DEVICES=all \
    NVIDIA_DRIVER_CAPABILITIES=compute,utility
USER 10001:10001
EXPOSE 9464
HEALTHCHECK --interval=15s --timeout=3s --start-period=120s --retries=3 \
  CMD ["node", "-e", "fetch('http://127.0.0.1:'+(process.env.METRICS_PORT||9464)+'/healthz').then(r=>process.exit(r.ok?0:1),()=>process.exit(1))"]
ENTRYPOINT ["/usr/bin/tini", "--"]
CMD ["node", "--import", "tsx", "apps/worker/src/main.ts"]

# The imagepin admission webhook image (`imagepin webhook serve`). Multi-stage: the build stage compiles
# TypeScript and the native SQLite module (better-sqlite3) with the full toolchain; the runtime stage is a
# distroless Node.js 24 base with nothing else in it (no shell, no package manager), run as user 65532.
#   docker build -t registry.example.com/imagepin-webhook:0.1.0 .      (or: npm run image, with podman)
#   imagepin webhook manifests --image registry.example.com/imagepin-webhook:0.1.0 | kubectl apply -f -
#
# The bases are build arguments whose defaults are the production images, pinned by digest (node 24.18.0
# on Debian 12; distroless nodejs24-debian12, user nonroot). Offline or mirrored builds pass their own:
#   --build-arg BUILD_BASE=mirror.example.com/library/node:24-bookworm-slim@sha256:…
#   --build-arg RUNTIME_BASE=mirror.example.com/distroless/nodejs24-debian12:nonroot@sha256:…
# The runtime base must have node at /nodejs/bin/node and user 65532, as distroless has.
ARG BUILD_BASE=docker.io/library/node:24-bookworm-slim@sha256:6f7b03f7c2c8e2e784dcf9295400527b9b1270fd37b7e9a7285cf83b6951452d
ARG RUNTIME_BASE=gcr.io/distroless/nodejs24-debian12:nonroot@sha256:14d42e2511532589a7c7e01a753667a74fcc96266e137e8125006b87b0c32d0a

FROM ${BUILD_BASE} AS build
WORKDIR /src
# better-sqlite3 builds its native addon from source when no prebuilt binary for this Node ABI can be fetched.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
# Scripts off for the whole tree (the `prepare` build needs sources not copied yet), then only the one
# native module the server needs is built.
RUN npm ci --ignore-scripts --no-audit --no-fund \
 && npm rebuild better-sqlite3 --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts/mark-executable.mjs scripts/bundle-cli.mjs ./scripts/
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --ignore-scripts --no-audit --no-fund \
 && node -e "require('better-sqlite3')(':memory:').close()"

FROM ${RUNTIME_BASE}
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# 65532 is distroless's "nonroot". The Deployment also sets runAsNonRoot and a read-only root file system:
# the SQLite store goes to a mounted volume (/var/lib/imagepin in the generated manifests), /tmp to an emptyDir.
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/bin.js"]
CMD ["webhook", "serve", "--tls-cert", "/etc/imagepin/tls/tls.crt", "--tls-key", "/etc/imagepin/tls/tls.key", "--store", "sqlite:///var/lib/imagepin/digests.db"]

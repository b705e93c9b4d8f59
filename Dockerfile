# The imagepin admission webhook image (`imagepin webhook serve`). Multi-stage: build with the full
# toolchain, run on a distroless Node.js base as a non-root user with nothing else in the image.
#   docker build -t imagepin/webhook:dev .
#   imagepin webhook manifests --image imagepin/webhook:dev | kubectl apply -f -

FROM node:20-bookworm-slim AS build
WORKDIR /src
# better-sqlite3 builds its native addon from source when no prebuilt binary matches the platform.
RUN apt-get update \
 && apt-get install -y --no-install-recommends python3 make g++ \
 && rm -rf /var/lib/apt/lists/*
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY tsconfig.json tsconfig.build.json ./
COPY scripts ./scripts
COPY src ./src
RUN npm run build \
 && npm prune --omit=dev --no-audit --no-fund

FROM gcr.io/distroless/nodejs20-debian12:nonroot
WORKDIR /app
ENV NODE_ENV=production
COPY --from=build /src/package.json ./package.json
COPY --from=build /src/node_modules ./node_modules
COPY --from=build /src/dist ./dist
# 65532 is distroless's "nonroot"; the Deployment also sets runAsNonRoot and a read-only root file system,
# so the SQLite store goes to a mounted volume (/var/lib/imagepin in the generated manifests).
USER 65532:65532
EXPOSE 8443
ENTRYPOINT ["/nodejs/bin/node", "/app/dist/cli/bin.js"]
CMD ["webhook", "serve", "--tls-cert", "/etc/imagepin/tls/tls.crt", "--tls-key", "/etc/imagepin/tls/tls.key"]

# syntax=docker/dockerfile:1
# One image for all six Tessera services; the service is chosen at run time:
#   docker run tessera ingest-gateway        (or SERVICE=ingest-gateway)
#
# Production runs compiled JavaScript: the build stage compiles libs/ and services/ with swc (the transform
# the tests use, so what is tested is what ships) and rewrites the @tessera/* aliases to relative requires.
# Nothing is compiled at start-up, which keeps restarts fast and the runtime free of a TypeScript loader.
ARG NODE_IMAGE=node:20-bookworm-slim

FROM ${NODE_IMAGE} AS deps
WORKDIR /app
# SCARF_ANALYTICS: @nestjs/swagger pulls a telemetry post-install script; keep builds from phoning home.
ENV SCARF_ANALYTICS=false NX_DAEMON=false
# The lockfile and package.json's allowScripts are written by npm 11.
RUN npm install -g npm@11
COPY package.json package-lock.json ./
RUN npm ci

FROM deps AS build
COPY tsconfig.base.json ./
COPY libs ./libs
COPY services ./services
COPY tools/dev-stack ./tools/dev-stack
COPY deploy/docker/compile-ts.js ./deploy/docker/compile-ts.js
RUN node deploy/docker/compile-ts.js dist

FROM deps AS production-deps
RUN npm prune --omit=dev

FROM ${NODE_IMAGE} AS runtime
ENV NODE_ENV=production
WORKDIR /app
COPY --from=production-deps /app/package.json ./package.json
COPY --from=production-deps /app/node_modules ./node_modules
COPY --from=build /app/dist ./dist
COPY deploy/docker/start-service.js ./deploy/docker/start-service.js
USER node
EXPOSE 8080 8081 8082 8083 8084 8085 8086
# node is PID 1 and handles SIGTERM itself (readiness 503, consumers stop, HTTP drains, DB closes).
ENTRYPOINT ["node", "deploy/docker/start-service.js"]

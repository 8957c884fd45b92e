# syntax=docker/dockerfile:1
# Paydesk in a container (issue 14 point 4). Two stages on the official Node.js LTS image: the build stage
# runs the same `npm ci` and `npm run build` as CI, then assembles the runtime tree (production
# dependencies only); the runtime stage runs it as the unprivileged `node` user. Every RUN is a script in
# deploy/ that .ci/run or e2e/container.test.ts also runs (this machine cannot pull base images).
#
#   docker build -t paydesk .
#   docker run --env-file paydesk.env -p 3000:3000 -v paydesk-data:/app/data --stop-timeout 40 paydesk
ARG NODE_IMAGE=node:24-bookworm-slim

FROM ${NODE_IMAGE} AS build
WORKDIR /src
COPY deploy/ deploy/
RUN deploy/system-packages.sh
COPY package.json package-lock.json ./
COPY packages/antom/package.json packages/antom/
COPY packages/api/package.json packages/api/
COPY packages/testkit/package.json packages/testkit/
COPY apps/sandbox/package.json apps/sandbox/
COPY apps/server/package.json apps/server/
COPY apps/cashier/package.json apps/cashier/
RUN deploy/install.sh
COPY . .
RUN deploy/build.sh
RUN deploy/runtime.sh /runtime

FROM ${NODE_IMAGE}
ENV NODE_ENV=production \
    PORT=3000
WORKDIR /app
# The code belongs to root and is read-only to the server; only the data folder (SQLite database, when
# DATABASE_URL is not PostgreSQL) is the node user's.
COPY --from=build /runtime /app
COPY --from=build --chown=node:node /runtime/data /app/data
USER node
VOLUME ["/app/data"]
EXPOSE 3000
HEALTHCHECK --interval=10s --timeout=3s --start-period=20s --retries=3 CMD ["node", "deploy/healthcheck.mjs"]
# SIGTERM drains: no new connections, in-flight requests and the sweeper's step finish, event streams
# end with a retry hint; give it SHUTDOWN_TIMEOUT_MS (30 s) plus a margin: --stop-timeout 40.
STOPSIGNAL SIGTERM
CMD ["node", "--conditions=paydesk-dist", "--max-semi-space-size=2", "dist/serve.js"]

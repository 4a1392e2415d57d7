# One image for the four Hallmark services. The TypeScript sources run through
# @swc-node/register (no build step); the command picks the service:
#
#   docker build -t hallmark:local .
#   docker run ... hallmark:local node -r @swc-node/register apps/audit-projector/src/main.ts
#
# Ports: offer-service 8081, authorization-server 8082, credential-service 8083,
# audit-projector 8084 (PORT overrides). Configuration comes from the environment
# (libs/platform/src/config.ts); see docker-compose.yml and deploy/.
FROM node:24-slim

ENV NODE_ENV=production \
    npm_config_update_notifier=false \
    npm_config_fund=false \
    npm_config_audit=false

WORKDIR /app

# Dependencies first, so source changes do not invalidate this layer. @swc-node/register,
# @swc/core and typescript (a peer of @swc-node/register, not flagged dev in the lockfile)
# are runtime dependencies and stay in with --omit=dev.
COPY package.json package-lock.json ./
RUN npm ci --omit=dev && npm cache clean --force

# tsconfig.json/tsconfig.base.json carry the @hallmark/* path aliases the register hook resolves.
COPY tsconfig.json tsconfig.base.json ./
COPY config ./config
COPY libs ./libs
COPY apps ./apps

# HALLMARK_KEYS_DIR in docker-compose.yml and deploy/k8s. It exists in the image, owned by uid 1000,
# so a new named volume mounted there is writable (Docker copies the ownership into it).
RUN mkdir -p /var/lib/hallmark/keys && chown -R 1000:1000 /var/lib/hallmark && chmod 0700 /var/lib/hallmark/keys

# The image's `node` user (uid/gid 1000). Numeric, so Kubernetes' runAsNonRoot can verify it.
# The swc transform cache goes to /tmp (mount an emptyDir there with a read-only root filesystem).
USER 1000:1000

EXPOSE 8081 8082 8083 8084

# Override per service (docker-compose `command`, Kubernetes `command`).
CMD ["node", "-r", "@swc-node/register", "apps/offer-service/src/main.ts"]

# agentnet: one image for the coordinator and the nodes (docker-compose.yml picks the entry point).
FROM node:20-slim

WORKDIR /app

# Manifests first, so the dependency layer is rebuilt only when they change. Every workspace's
# package.json must be there for `npm ci` to link @agentnet/* into node_modules.
COPY package.json package-lock.json ./
COPY packages/protocol/package.json packages/protocol/
COPY packages/node/package.json packages/node/
COPY packages/coordinator/package.json packages/coordinator/
# tsx (a devDependency) runs the TypeScript sources, so the dev dependencies are installed too.
RUN npm ci --no-audit --no-fund && npm cache clean --force

COPY tsconfig.base.json tsconfig.json ./
COPY packages/ packages/

# The coordinator's control port and a node's peer port (as used in docker-compose.yml).
EXPOSE 7000 7001

# Default: a coordinator listening on all interfaces; docker-compose.yml sets each service's command.
CMD ["node", "--import", "tsx", "packages/coordinator/src/main.ts", "--host", "0.0.0.0", "--port", "7000"]

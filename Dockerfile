# regx, the command-line face of Registry Explorer, for pipelines: one bundled file on Node.js, run as a non-root user.
#   docker build -t regx .
#   docker run --rm -v "$PWD:/work" -e REGX_USERNAME -e REGX_PASSWORD regx apply --policy registry-retention.yaml --dry-run
# Credentials: REGX_USERNAME/REGX_PASSWORD, GITHUB_TOKEN/GH_TOKEN (ghcr.io), CI_JOB_TOKEN (GitLab CI), or a docker
# config mounted at /home/node/.docker/config.json (static auths only: no credential helpers are installed here).
# The undo journal is kept in $XDG_STATE_HOME/regx/journal: mount a volume there to keep it between runs.

FROM node:20-alpine AS build
WORKDIR /src
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund --ignore-scripts
COPY tsconfig.json ./
COPY scripts/build.mjs ./scripts/
COPY src ./src
RUN node scripts/build.mjs --production

FROM node:20-alpine
COPY --from=build /src/dist/cli.js /opt/regx/cli.js
USER node
ENV HOME=/home/node XDG_STATE_HOME=/home/node/.local/state NODE_ENV=production
WORKDIR /work
ENTRYPOINT ["node", "/opt/regx/cli.js"]
CMD ["--help"]

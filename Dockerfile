# The app image: API, designer, event dispatcher and (unless RUN_WORKER=false) a Temporal worker.
FROM node:20-bookworm-slim
# Campaign simulation runs Temporal's time-skipping test server, a Java program from Maven Central.
RUN apt-get update && apt-get install -y --no-install-recommends default-jre-headless maven && rm -rf /var/lib/apt/lists/*
WORKDIR /app
COPY package.json package-lock.json ./
# npm ci's postinstall patches the postgres driver (tools/patch-postgres-driver.mjs, docs/hardening.md).
COPY tools/patch-postgres-driver.mjs tools/
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:designer \
 && npm run build:workflows -- dist/workflow-bundle.js \
 && npx tsx -e "import('./server/time-skipping-server.ts').then((m) => m.timeSkippingServerExecutable())"
ENV NODE_ENV=production PORT=3000 SEED_DEMO=false WORKFLOW_BUNDLE=dist/workflow-bundle.js
EXPOSE 3000
CMD ["node", "--import", "tsx", "server/main.ts"]

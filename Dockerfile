# The app image: API, designer, event dispatcher and (unless RUN_WORKER=false) a Temporal worker.
FROM node:20-bookworm-slim
WORKDIR /app
COPY package.json package-lock.json ./
RUN npm ci --no-audit --no-fund
COPY . .
RUN npm run build:designer
ENV NODE_ENV=production PORT=3000 SEED_DEMO=false
EXPOSE 3000
CMD ["npx", "tsx", "server/main.ts"]

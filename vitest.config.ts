import { defineConfig } from 'vitest/config'

// Two projects: unit tests need nothing running; integration tests talk to a real Temporal dev server
// (started once for the run by the global setup), a real Postgres (DATABASE_URL, or embedded PGlite)
// and a real SMTP server over TCP.
export default defineConfig({
  test: {
    // Two cores: more files at once only makes each slower and the Temporal server busier.
    maxWorkers: 2,
    projects: [
      {
        extends: true,
        test: { name: 'unit', include: ['test/unit/**/*.test.ts', 'designer/src/**/*.test.ts'], environment: 'node' },
      },
      {
        extends: true,
        test: {
          name: 'integration',
          include: ['test/integration/**/*.integration.test.ts'],
          globalSetup: ['test/helpers/temporal-global-setup.ts'],
          setupFiles: ['test/helpers/integration-setup.ts'],
          testTimeout: 120_000,
          hookTimeout: 120_000,
        },
      },
    ],
  },
})

import { randomUUID } from 'node:crypto'
import postgres from 'postgres'
import { startEmbeddedPostgres } from '../../server/embedded-postgres'

export interface TestDatabase {
  url: string
  drop(): Promise<void>
}

/**
 * A throwaway database for one test file: a fresh database on the server DATABASE_URL names (CI runs
 * Debian's postgresql), or, without it, an in-memory PGlite served over the wire protocol.
 */
export async function createTestDatabase(): Promise<TestDatabase> {
  const serverUrl = process.env.DATABASE_URL
  if (!serverUrl) {
    const embedded = await startEmbeddedPostgres({ port: 0 })
    return { url: embedded.url, drop: embedded.stop }
  }
  const name = `test_${randomUUID().replace(/-/g, '')}`
  const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
  await admin.unsafe(`create database ${name}`)
  await admin.end()
  const url = new URL(serverUrl)
  url.pathname = `/${name}`
  return {
    url: url.toString(),
    drop: async () => {
      const admin = postgres(serverUrl, { max: 1, onnotice: () => {} })
      await admin.unsafe(`drop database if exists ${name} with (force)`)
      await admin.end()
    },
  }
}

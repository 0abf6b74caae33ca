import { mkdir } from 'node:fs/promises'
import { PGlite } from '@electric-sql/pglite'
import { PGLiteSocketServer } from '@electric-sql/pglite-socket'
import { SessionQueue } from './embedded-postgres-queue'

export interface EmbeddedPostgres {
  url: string
  stop(): Promise<void>
}

/**
 * Postgres without installing Postgres: PGlite (Postgres compiled to WASM) served over the wire protocol,
 * so the app talks to it with the same `postgres` driver and SQL as to a real server. PGlite is one session:
 * its connections take turns, each keeping it for a whole extended-protocol batch or transaction
 * (server/embedded-postgres-queue.ts). Code must never wait on a second connection from inside a transaction.
 */
export async function startEmbeddedPostgres(options: { dataDir?: string; port: number; maxConnections?: number }): Promise<EmbeddedPostgres> {
  if (options.dataDir) await mkdir(options.dataDir, { recursive: true })
  const db = await PGlite.create(options.dataDir ?? 'memory://')
  const server = new PGLiteSocketServer({ db, host: '127.0.0.1', port: options.port, maxConnections: options.maxConnections ?? 16 })
  // Connection handlers take the queue from the server as they connect, so it is swapped before start.
  ;(server as unknown as { queryQueue: SessionQueue }).queryQueue = new SessionQueue(db)
  await server.start()
  const address = (server as unknown as { server: { address(): { port: number } } }).server.address()
  return {
    url: `postgres://postgres@127.0.0.1:${address.port}/postgres`,
    stop: async () => {
      await server.stop()
      await db.close()
    },
  }
}

import postgres from 'postgres'
import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startEmbeddedPostgres, type EmbeddedPostgres } from '../../server/embedded-postgres'

// `npm start` without DATABASE_URL serves one PGlite session to a pool of connections. Each connection's
// queries must run as if the session were its own: one connection's Parse/Bind/Execute must never land
// between another's (postgres.js sends a first-time statement as Parse/Describe/Flush, then
// Bind/Execute/Sync), or queries fail with `portal "" does not exist` or read another query's rows.
let embedded: EmbeddedPostgres
beforeAll(async () => {
  embedded = await startEmbeddedPostgres({ port: 0 })
})
afterAll(() => embedded?.stop())

describe('embedded Postgres with a pool of connections', () => {
  it('answers hundreds of concurrent parameterised queries from 8 connections each with its own rows', async () => {
    const sql = postgres(embedded.url, { max: 8, onnotice: () => {} })
    try {
      await sql`create table steps (id int primary key, note text, payload jsonb)`
      // 40 statement shapes, so that connections keep preparing statements (the two-round-trip path)
      // while others execute theirs.
      const runs = Array.from({ length: 800 }, async (_, i) => {
        const shape = i % 40
        const [row] = await sql.unsafe(`insert into steps (id, note, payload) values ($1, $2, $3) returning id, note, payload->>'shape' as shape, ${shape} as variant`, [
          i,
          `step ${i}`,
          { shape: String(shape), filler: 'x'.repeat(i % 7 === 0 ? 4000 : 10) } as never,
        ])
        return row
      })
      const settled = await Promise.allSettled(runs)
      const failures = settled.filter((r) => r.status === 'rejected').map((r) => String((r as PromiseRejectedResult).reason))
      expect(failures).toEqual([])
      const rows = settled.map((r) => (r as PromiseFulfilledResult<Record<string, unknown>>).value)
      expect(rows.filter((row, i) => row.id !== i || row.note !== `step ${i}` || row.shape !== String(i % 40) || row.variant !== i % 40)).toEqual([])
      expect((await sql`select count(*)::int as n from steps`)[0]!.n).toBe(800)
    } finally {
      await sql.end()
    }
  })

  it('keeps a transaction to its connection: others wait, and a rollback takes back only its own rows', async () => {
    const sql = postgres(embedded.url, { max: 4, onnotice: () => {} })
    try {
      await sql`create table handovers_seen (id int primary key, who text)`
      const rolledBack = sql
        .begin(async (tx) => {
          await tx`insert into handovers_seen values (1, 'transaction')`
          // Others' queries queue behind this transaction rather than running inside it.
          await new Promise((resolve) => setTimeout(resolve, 50))
          await tx`insert into handovers_seen values (2, 'transaction')`
          throw new Error('changed my mind')
        })
        .catch((error: Error) => error.message)
      const others = Array.from({ length: 20 }, (_, i) => sql`insert into handovers_seen values (${100 + i}, 'other') returning id`)
      expect(await rolledBack).toBe('changed my mind')
      expect((await Promise.all(others)).map(([row]) => row!.id)).toEqual(Array.from({ length: 20 }, (_, i) => 100 + i))
      const rows = await sql<{ who: string; n: number }[]>`select who, count(*)::int as n from handovers_seen group by who`
      expect(rows).toEqual([{ who: 'other', n: 20 }])
    } finally {
      await sql.end()
    }
  })
})

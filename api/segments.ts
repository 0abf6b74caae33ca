import { Router } from 'express'
import type { Sql } from 'postgres'
import { countSegmentMatches, refreshSegmentMembers } from '../db/segments'
import { segmentFilterIssues, type SegmentFilter } from '../engine/segment-filter'
import { route } from './contract/mount'
import { segments } from './contract/segments'
import { notFound, type ApiError } from './errors'
import { campaignsStartedBySegment } from '../db/campaign-versions'

interface SegmentRecord {
  id: string
  name: string
  filter: SegmentFilter
  created_by: string
  created_at: Date
  updated_at: Date
  refreshed_at: Date | null
}

const view = (row: SegmentRecord) => ({
  id: row.id,
  name: row.name,
  filter: row.filter,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
})

function filterProblem(filter: SegmentFilter): ApiError | null {
  const issues = segmentFilterIssues(filter)
  if (!issues.length) return null
  return { status: 400, code: 'invalid_input', field: issues[0]!.field, message: issues.map((issue) => `${issue.field}: ${issue.message}`).join('; '), issues }
}

const nameTaken = (name: string): ApiError => ({ status: 409, code: 'conflict', field: 'name', message: `name: a segment called "${name}" exists already` })
/** Names are unique per account (segments_account_name): a clash is the caller's to fix, anything else is not. */
const unlessNameTaken = (error: unknown): null => {
  if ((error as { code?: string }).code === '23505') return null
  throw error
}

/** Saved segments and how many contacts each matches (contract: api/contract/segments.ts). Scoped to the caller's account. */
export function segmentRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  const load = async (accountId: string, id: string): Promise<SegmentRecord | null> =>
    (await sql<SegmentRecord[]>`select * from segments where id = ${id} and account_id = ${accountId}`)[0] ?? null

  route(router, segments.list, async ({ who }) => {
    const rows = await sql<SegmentRecord[]>`select * from segments where account_id = ${who.acc} order by lower(name)`
    return { status: 200, body: { segments: rows.map(view) } }
  })

  route(router, segments.get, async ({ params, who }) => {
    const segment = await load(who.acc, params.id)
    return segment ? { status: 200, body: view(segment) } : notFound('segment')
  })

  // Counted live, among the contacts the caller may see: a subsidiary marketer learns about theirs only.
  route(router, segments.count, async ({ params, who }) => {
    const segment = await load(who.acc, params.id)
    if (!segment) return notFound('segment')
    return { status: 200, body: { count: await countSegmentMatches(sql, who.acc, segment.filter, who.subs) } }
  })

  route(router, segments.create, async ({ body, who }) => {
    const problem = filterProblem(body.filter)
    if (problem) return problem
    const created = await sql<SegmentRecord[]>`
      insert into segments (account_id, name, filter, created_by)
      values (${who.acc}, ${body.name}, ${sql.json(body.filter as never)}, ${who.sub})
      returning *`.then(([row]) => row!, unlessNameTaken)
    if (!created) return nameTaken(body.name)
    // The first snapshot: whoever matches now was in the segment from the start and never "enters" it.
    await refreshSegmentMembers(sql, created.id)
    return { status: 201, body: view(created) }
  })

  // A changed filter takes effect at the next scan: contacts it lets in then count as entering the segment.
  route(router, segments.update, async ({ params, body, who }) => {
    const segment = await load(who.acc, params.id)
    if (!segment) return notFound('segment')
    const problem = body.filter && filterProblem(body.filter)
    if (problem) return problem
    const name = body.name ?? segment.name
    const filter = body.filter ?? segment.filter
    const updated = await sql<SegmentRecord[]>`
      update segments set name = ${name}, filter = ${sql.json(filter as never)}, updated_at = now()
      where id = ${segment.id} returning *`.then(([row]) => row!, unlessNameTaken)
    if (!updated) return nameTaken(name)
    return { status: 200, body: view(updated) }
  })

  route(router, segments.delete, async ({ params, who }) => {
    const segment = await load(who.acc, params.id)
    if (!segment) return notFound('segment')
    const users = await campaignsStartedBySegment(sql, who.acc, segment.id)
    if (users.length) {
      return { status: 409, code: 'conflict', message: `the segment starts ${users.map((u) => `"${u.name}"`).join(', ')}; stop those campaigns or change their trigger first` }
    }
    // A mailing keeps the segment it was addressed to (its audience, and the proof of who got it).
    const mailings = await sql<{ name: string }[]>`select name from mailings where segment_id = ${segment.id} order by name limit 5`
    if (mailings.length) {
      return { status: 409, code: 'conflict', message: `the segment is the audience of mailing ${mailings.map((m) => `"${m.name}"`).join(', ')}; it stays while they exist` }
    }
    await sql`delete from segments where id = ${segment.id}`
    return { status: 204, body: undefined }
  })

  return router
}

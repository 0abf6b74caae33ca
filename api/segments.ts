import { Router, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { countSegmentMatches, refreshSegmentMembers } from '../db/segments'
import { segmentFilterIssues, segmentFilterSchema, segmentNameSchema, type SegmentFilter } from '../engine/segment-filter'
import { authorsCampaigns, caller } from './auth'
import { invalidInput, notFound, send, type ApiError } from './errors'

const segmentId = z.uuid()
const newSegment = z.strictObject({ name: segmentNameSchema, filter: segmentFilterSchema })
const segmentChange = z.strictObject({ name: segmentNameSchema.optional(), filter: segmentFilterSchema.optional() })

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

// Segments drive campaigns (segment triggers), so changing them is campaign authoring: HQ marketers only.
const mayAuthor = (req: Request, res: Response): boolean => {
  if (authorsCampaigns(caller(req))) return true
  send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers create, change and delete segments' })
  return false
}

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

/** Saved segments (filters over contacts) and how many contacts each matches. Scoped to the caller's account. */
export function segmentRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  async function load(req: Request): Promise<SegmentRecord | null> {
    const id = segmentId.safeParse(req.params.id)
    if (!id.success) return null
    const [row] = await sql<SegmentRecord[]>`select * from segments where id = ${id.data} and account_id = ${caller(req).acc}`
    return row ?? null
  }

  router.get('/segments', async (req, res) => {
    const rows = await sql<SegmentRecord[]>`select * from segments where account_id = ${caller(req).acc} order by lower(name)`
    res.json({ segments: rows.map(view) })
  })

  router.get('/segments/:id', async (req, res) => {
    const segment = await load(req)
    if (!segment) return send(res, notFound('segment'))
    res.json(view(segment))
  })

  // Counted live, among the contacts the caller may see: a subsidiary marketer learns about theirs only.
  router.get('/segments/:id/count', async (req, res) => {
    const segment = await load(req)
    if (!segment) return send(res, notFound('segment'))
    const who = caller(req)
    res.json({ count: await countSegmentMatches(sql, who.acc, segment.filter, who.subs) })
  })

  router.post('/segments', async (req, res) => {
    if (!mayAuthor(req, res)) return
    const parsed = newSegment.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const problem = filterProblem(parsed.data.filter)
    if (problem) return send(res, problem)
    const who = caller(req)
    const created = await sql<SegmentRecord[]>`
      insert into segments (account_id, name, filter, created_by)
      values (${who.acc}, ${parsed.data.name}, ${sql.json(parsed.data.filter as never)}, ${who.sub})
      returning *`.then(([row]) => row!, unlessNameTaken)
    if (!created) return send(res, nameTaken(parsed.data.name))
    // The first snapshot: whoever matches now was in the segment from the start and never "enters" it.
    await refreshSegmentMembers(sql, created.id)
    res.status(201).json(view(created))
  })

  // A changed filter takes effect at the next scan: contacts it lets in then count as entering the segment.
  router.put('/segments/:id', async (req, res) => {
    if (!mayAuthor(req, res)) return
    const segment = await load(req)
    if (!segment) return send(res, notFound('segment'))
    const parsed = segmentChange.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const problem = parsed.data.filter && filterProblem(parsed.data.filter)
    if (problem) return send(res, problem)
    const name = parsed.data.name ?? segment.name
    const filter = parsed.data.filter ?? segment.filter
    const updated = await sql<SegmentRecord[]>`
      update segments set name = ${name}, filter = ${sql.json(filter as never)}, updated_at = now()
      where id = ${segment.id} returning *`.then(([row]) => row!, unlessNameTaken)
    if (!updated) return send(res, nameTaken(name))
    res.json(view(updated))
  })

  router.delete('/segments/:id', async (req, res) => {
    if (!mayAuthor(req, res)) return
    const segment = await load(req)
    if (!segment) return send(res, notFound('segment'))
    const users = await sql<{ name: string }[]>`
      select c.name from campaigns c join campaign_versions v on v.id = c.live_version_id
      where c.account_id = ${caller(req).acc} and c.status in ('live', 'paused')
        and v.graph @> ${sql.json({ nodes: [{ type: 'trigger', config: { kind: 'segment', segmentId: segment.id } }] })}`
    if (users.length) {
      return send(res, { status: 409, code: 'conflict', message: `the segment starts ${users.map((u) => `"${u.name}"`).join(', ')}; stop those campaigns or change their trigger first` })
    }
    await sql`delete from segments where id = ${segment.id}`
    res.status(204).end()
  })

  return router
}

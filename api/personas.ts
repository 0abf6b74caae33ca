import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { scopeCondition } from '../db/segments'
import { personaInputSchema, personaSlugSchema } from '../engine/personas'
import { startRescoreJob } from '../engine/scoring/jobs-client'
import { currentScoringModel } from '../engine/scoring/model-store'
import { authorsCampaigns, caller } from './auth'
import { invalidInput, notFound, send } from './errors'

/** Personas: list (with how many of the caller's contacts match), create and change (HQ marketers; contacts are rescored). */
export function personaRoutes(deps: { sql: Sql; client: Client; taskQueue: string }): Router {
  const { sql } = deps
  const router = Router()

  router.get('/personas', async (req, res) => {
    const who = caller(req)
    const rows = await sql<{ id: string; slug: string; name: string; criteria: unknown; threshold: number; updated_at: Date; matching: number }[]>`
      select p.id, p.slug, p.name, p.criteria, p.threshold, p.updated_at,
        (select count(*)::int from contact_personas cp join contacts c on c.id = cp.contact_id
         where cp.persona_id = p.id and cp.match_percent >= p.threshold and ${scopeCondition(sql, who.subs)}) as matching
      from personas p where p.account_id = ${who.acc} order by p.slug`
    res.json({ personas: rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, criteria: r.criteria, threshold: r.threshold, updatedAt: r.updated_at, matchingContacts: r.matching })) })
  })

  const rescore = async (accountId: string) => {
    const { version } = await currentScoringModel(sql, accountId)
    return startRescoreJob(sql, deps.client, deps.taskQueue, { accountId, modelVersion: version })
  }

  router.post('/personas', async (req, res) => {
    const who = caller(req)
    if (!authorsCampaigns(who)) return send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers create and change personas' })
    const parsed = personaInputSchema.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const p = parsed.data
    const [row] = await sql<{ id: string }[]>`
      insert into personas (account_id, slug, name, criteria, threshold) values (${who.acc}, ${p.slug}, ${p.name}, ${sql.json(p.criteria as never)}, ${p.threshold})
      on conflict (account_id, slug) do nothing returning id`
    if (!row) return send(res, { status: 409, code: 'conflict', field: 'slug', message: `slug: a persona "${p.slug}" exists already; change it with PUT /api/personas/${p.slug}` })
    const job = await rescore(who.acc)
    res.status(201).json({ persona: { id: row.id, ...p }, job: { id: job.id, total: job.total } })
  })

  router.put('/personas/:slug', async (req, res) => {
    const who = caller(req)
    if (!authorsCampaigns(who)) return send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers create and change personas' })
    const slug = personaSlugSchema.safeParse(req.params.slug)
    if (!slug.success) return send(res, { status: 400, code: 'invalid_input', field: 'slug', message: `slug: ${slug.error.issues[0]!.message}` })
    const parsed = personaInputSchema.omit({ slug: true }).safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const p = parsed.data
    const [row] = await sql<{ id: string }[]>`
      update personas set name = ${p.name}, criteria = ${sql.json(p.criteria as never)}, threshold = ${p.threshold}, updated_at = now()
      where account_id = ${who.acc} and slug = ${slug.data} returning id`
    if (!row) return send(res, notFound(`persona "${slug.data}"`))
    const job = await rescore(who.acc)
    res.json({ persona: { id: row.id, slug: slug.data, ...p }, job: { id: job.id, total: job.total } })
  })

  return router
}

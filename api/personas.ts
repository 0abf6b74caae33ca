import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { personasWithMatches } from '../db/personas'
import { scopeCondition } from '../db/segments'
import { startRescoreJob } from '../engine/scoring/jobs-client'
import { currentScoringModel } from '../engine/scoring/model-store'
import { route } from './contract/mount'
import { personas } from './contract/personas'
import { notFound } from './errors'

/** Personas: list, create and change (contract: api/contract/personas.ts; HQ marketers change them, contacts are rescored). */
export function personaRoutes(deps: { sql: Sql; client: Client; taskQueue: string }): Router {
  const { sql } = deps
  const router = Router()

  route(router, personas.list, async ({ who }) => {
    const rows = await personasWithMatches(sql, who.acc, scopeCondition(sql, who.subs))
    return { status: 200, body: { personas: rows.map((r) => ({ id: r.id, slug: r.slug, name: r.name, criteria: r.criteria, threshold: r.threshold, updatedAt: r.updated_at, matchingContacts: r.matching })) } }
  })

  const rescore = async (accountId: string) => {
    const { version } = await currentScoringModel(sql, accountId)
    return startRescoreJob(sql, deps.client, deps.taskQueue, { accountId, modelVersion: version })
  }

  route(router, personas.create, async ({ body: p, who }) => {
    const [row] = await sql<{ id: string }[]>`
      insert into personas (account_id, slug, name, criteria, threshold) values (${who.acc}, ${p.slug}, ${p.name}, ${sql.json(p.criteria as never)}, ${p.threshold})
      on conflict (account_id, slug) do nothing returning id`
    if (!row) return { status: 409, code: 'conflict', field: 'slug', message: `slug: a persona "${p.slug}" exists already; change it with PUT /api/personas/${p.slug}` }
    const job = await rescore(who.acc)
    return { status: 201, body: { persona: { id: row.id, ...p }, job: { id: job.id, total: job.total } } }
  })

  route(router, personas.update, async ({ params, body: p, who }) => {
    const [row] = await sql<{ id: string }[]>`
      update personas set name = ${p.name}, criteria = ${sql.json(p.criteria as never)}, threshold = ${p.threshold}, updated_at = now()
      where account_id = ${who.acc} and slug = ${params.slug} returning id`
    if (!row) return notFound(`persona "${params.slug}"`)
    const job = await rescore(who.acc)
    return { status: 200, body: { persona: { id: row.id, slug: params.slug, ...p }, job: { id: job.id, total: job.total } } }
  })

  return router
}

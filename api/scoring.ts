import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { startRescoreJob } from '../engine/scoring/jobs-client'
import { accountPersonas, currentScoringModel } from '../engine/scoring/model-store'
import { route } from './contract/mount'
import { scoring } from './contract/scoring'
import { notFound } from './errors'

export interface ScoringRouteDeps {
  sql: Sql
  client: Client
  taskQueue: string
}

/** The account's scoring model and the progress of rescore jobs (contract: api/contract/scoring.ts). */
export function scoringRoutes(deps: ScoringRouteDeps): Router {
  const { sql } = deps
  const router = Router()

  route(router, scoring.model, async ({ who }) => {
    const { version, model } = await currentScoringModel(sql, who.acc)
    const [row] = await sql<{ created_at: Date; created_by: string }[]>`select created_at, created_by from scoring_models where account_id = ${who.acc} and version = ${version}`
    return { status: 200, body: { version, model, updatedAt: row?.created_at ?? null, updatedBy: row?.created_by ?? null } }
  })

  route(router, scoring.saveModel, async ({ body: model, who }) => {
    const known = new Set((await accountPersonas(sql, who.acc)).map((p) => p.slug))
    const unknown = model.profile.criteria.findIndex((c) => c.kind === 'persona' && !known.has(c.persona))
    if (unknown >= 0) {
      const field = `profile.criteria.${unknown}.persona`
      return { status: 400, code: 'invalid_input', field, message: `${field}: no persona "${(model.profile.criteria[unknown] as { persona: string }).persona}" in this account` }
    }
    const { A, B, C } = model.profile.grades
    if (!(A >= B && B >= C)) return { status: 400, code: 'invalid_input', field: 'profile.grades', message: 'profile.grades: A must be at least B, and B at least C' }
    const levels = model.activity.levels
    if (!(levels[1] >= levels[2] && levels[2] >= levels[3])) return { status: 400, code: 'invalid_input', field: 'activity.levels', message: 'activity.levels: level 1 needs the most points, then 2, then 3' }
    const [saved] = await sql<{ version: number }[]>`
      insert into scoring_models (account_id, version, model, created_by)
      select ${who.acc}, coalesce(max(version), 0) + 1, ${sql.json(model as never)}, ${who.sub} from scoring_models where account_id = ${who.acc}
      on conflict (account_id, version) do nothing
      returning version`
    // Two changes at the same moment: the second would silently overwrite what the first one's author saw.
    if (!saved) return { status: 409, code: 'conflict', message: 'the scoring model was changed at the same moment; load it again and repeat the change' }
    // Existing contacts are rescored in the background; GET /api/scoring/jobs/:id shows how far.
    const job = await startRescoreJob(sql, deps.client, deps.taskQueue, { accountId: who.acc, modelVersion: saved.version })
    return { status: 202, body: { version: saved.version, model, job: { id: job.id, total: job.total, done: 0, status: 'running' as const } } }
  })

  route(router, scoring.job, async ({ params, who }) => {
    const [job] = await sql<{ id: string; kind: 'model_change' | 'decay' | 'initial'; model_version: number; status: 'running' | 'done' | 'failed'; total: number; done: number; created_at: Date; finished_at: Date | null }[]>`
      select id, kind, model_version, status, total, done, created_at, finished_at from scoring_jobs where id = ${params.id} and account_id = ${who.acc}`
    if (!job) return notFound('scoring job')
    return { status: 200, body: { id: job.id, kind: job.kind, modelVersion: job.model_version, status: job.status, total: job.total, done: Math.min(job.done, job.total), createdAt: job.created_at, finishedAt: job.finished_at } }
  })

  return router
}

import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { startRescoreJob } from '../engine/scoring/jobs-client'
import { scoringModelSchema } from '../engine/scoring/model'
import { accountPersonas, currentScoringModel } from '../engine/scoring/model-store'
import { authorsCampaigns, caller } from './auth'
import { invalidInput, notFound, send } from './errors'

export interface ScoringRouteDeps {
  sql: Sql
  client: Client
  taskQueue: string
}

/** The account's scoring model (read by everyone, changed by HQ marketers) and the progress of rescore jobs. */
export function scoringRoutes(deps: ScoringRouteDeps): Router {
  const { sql } = deps
  const router = Router()

  router.get('/scoring/model', async (req, res) => {
    const { version, model } = await currentScoringModel(sql, caller(req).acc)
    const [row] = await sql<{ created_at: Date; created_by: string }[]>`select created_at, created_by from scoring_models where account_id = ${caller(req).acc} and version = ${version}`
    res.json({ version, model, updatedAt: row?.created_at ?? null, updatedBy: row?.created_by ?? null })
  })

  router.put('/scoring/model', async (req, res) => {
    const who = caller(req)
    if (!authorsCampaigns(who)) return send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers change the scoring model' })
    const parsed = scoringModelSchema.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const model = parsed.data
    const known = new Set((await accountPersonas(sql, who.acc)).map((p) => p.slug))
    const unknown = model.profile.criteria.findIndex((c) => c.kind === 'persona' && !known.has(c.persona))
    if (unknown >= 0) {
      const field = `profile.criteria.${unknown}.persona`
      return send(res, { status: 400, code: 'invalid_input', field, message: `${field}: no persona "${(model.profile.criteria[unknown] as { persona: string }).persona}" in this account` })
    }
    const { A, B, C } = model.profile.grades
    if (!(A >= B && B >= C)) return send(res, { status: 400, code: 'invalid_input', field: 'profile.grades', message: 'profile.grades: A must be at least B, and B at least C' })
    const levels = model.activity.levels
    if (!(levels[1] >= levels[2] && levels[2] >= levels[3])) return send(res, { status: 400, code: 'invalid_input', field: 'activity.levels', message: 'activity.levels: level 1 needs the most points, then 2, then 3' })
    const [saved] = await sql<{ version: number }[]>`
      insert into scoring_models (account_id, version, model, created_by)
      select ${who.acc}, coalesce(max(version), 0) + 1, ${sql.json(model as never)}, ${who.sub} from scoring_models where account_id = ${who.acc}
      on conflict (account_id, version) do nothing
      returning version`
    // Two changes at the same moment: the second would silently overwrite what the first one's author saw.
    if (!saved) return send(res, { status: 409, code: 'conflict', message: 'the scoring model was changed at the same moment; load it again and repeat the change' })
    // Existing contacts are rescored in the background; GET /api/scoring/jobs/:id shows how far.
    const job = await startRescoreJob(sql, deps.client, deps.taskQueue, { accountId: who.acc, modelVersion: saved.version })
    res.status(202).json({ version: saved.version, model, job: { id: job.id, total: job.total, done: 0, status: 'running' } })
  })

  router.get('/scoring/jobs/:id', async (req, res) => {
    const id = z.uuid().safeParse(req.params.id)
    if (!id.success) return send(res, { status: 400, code: 'invalid_input', field: 'id', message: 'id: not a job id' })
    const [job] = await sql<{ id: string; kind: string; model_version: number; status: string; total: number; done: number; created_at: Date; finished_at: Date | null }[]>`
      select id, kind, model_version, status, total, done, created_at, finished_at from scoring_jobs where id = ${id.data} and account_id = ${caller(req).acc}`
    if (!job) return send(res, notFound('scoring job'))
    res.json({ id: job.id, kind: job.kind, modelVersion: job.model_version, status: job.status, total: job.total, done: Math.min(job.done, job.total), createdAt: job.created_at, finishedAt: job.finished_at })
  })

  return router
}

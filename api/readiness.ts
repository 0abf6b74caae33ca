import { Router } from 'express'
import type { Sql } from 'postgres'
import { databaseAnswers, RETRY_AFTER_SECONDS } from '../db/availability'

/**
 * GET /api/ready (public, no permission): 200 when the database answers, 503 with Retry-After while it
 * does not, for load balancers and container health checks. /api/health stays "the process is up".
 */
export function readinessRoutes(deps: { sql: Sql }): Router {
  const router = Router()
  router.get('/api/ready', async (_req, res) => {
    if (await databaseAnswers(deps.sql)) return void res.json({ ready: true, database: 'up' })
    res.status(503).set('Retry-After', String(RETRY_AFTER_SECONDS)).json({ ready: false, database: 'unreachable' })
  })
  return router
}

import { Router } from 'express'
import type { Sql } from 'postgres'
import { databaseAnswers } from '../db/availability'
import { route } from './contract/mount'
import { system } from './contract/system'
import { databaseUnavailable } from './errors'

/**
 * GET /api/ready (public): 200 when the database answers, 503 with Retry-After while it does not, for load
 * balancers and container health checks. /api/health stays "the process is up". Mounted below /api.
 */
export function readinessRoutes(deps: { sql: Sql }): Router {
  const router = Router()
  route(router, system.ready, async ({ res }) => {
    if (await databaseAnswers(deps.sql)) return { status: 200, body: { ready: true, database: 'up' } } as const
    databaseUnavailable(res)
    return undefined
  })
  return router
}

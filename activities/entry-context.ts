import { Context } from '@temporalio/activity'
import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { EnrolDeps } from '../engine/enrol'

/** What entry activities need: Postgres, and (from the worker, or given by tests) Temporal to start enrolments. */
export interface EntryActivityDeps {
  sql: Sql
  /** Tests that call the activities directly pass these; inside a worker they come from the activity context. */
  temporal?: { client: Client; taskQueue: string }
}

/** Enrolments start on the worker's own task queue, through the worker's own client. */
export function enrolDeps(deps: EntryActivityDeps): EnrolDeps {
  if (deps.temporal) return { sql: deps.sql, ...deps.temporal }
  const context = Context.current()
  return { sql: deps.sql, client: context.client, taskQueue: context.info.taskQueue }
}

import { Router } from 'express'
import type { Sql } from 'postgres'
import { segmentById, segmentCondition } from '../db/segments'
import { withContactScope } from '../db/workspaces'
import { searchPool } from '../db/contact-pool'
import { contactEditRoutes, poolFilter, scopeOf } from './contact-edits'
import { contacts } from './contract/contacts'
import { route } from './contract/mount'
import { notFound } from './errors'

// A contacts lookup for pickers (the designer's simulation panel picks a sample contact from it): search
// by e-mail, name or company, only among the contacts of the caller's pool.

/** GET /contacts?search=&limit=: contacts matching the search (case-insensitive substring), by e-mail. */
export function contactRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  route(router, contacts.search, async ({ query, who }) => {
    const { search, limit } = query
    const segment = query.segment ? await segmentById(sql, who.acc, query.segment) : null
    if (query.segment && !segment) return notFound('segment')
    // LIKE wildcards typed by the user are matched literally.
    const pattern = `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
    // In a workspace, its pool alias decides (not the contact's subsidiary); Postgres' row-level security
    // (withContactScope) holds the same line if this filter were ever dropped.
    const rows = await withContactScope(sql, scopeOf(who), (sql) =>
      searchPool(sql, who.acc, poolFilter(sql, who), {
        pattern: search ? pattern : null, subsidiary: query.subsidiary, consent: query.consent, lifecycle: query.lifecycle, tag: query.tag,
        segment: segment ? segmentCondition(sql, segment.filter) : undefined, limit,
      }),
    )
    return {
      status: 200,
      body: {
        contacts: rows.map((row) => ({
          id: row.id,
          email: row.email,
          name: [row.first_name, row.last_name].filter(Boolean).join(' ') || null,
          company: row.company,
          subsidiary: row.subsidiary,
          tags: row.tags,
          consent: row.consent_status,
          lifecycleStage: row.lifecycle_stage,
        })),
      },
    }
  })
  contactEditRoutes(router, sql)
  return router
}

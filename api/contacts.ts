import { Router } from 'express'
import type { Sql } from 'postgres'
import { segmentById, segmentCondition } from '../db/segments'
import { withContactScope } from '../db/workspaces'
import { contactEditRoutes, poolFilter, scopeOf } from './contact-edits'
import { contacts } from './contract/contacts'
import { route } from './contract/mount'
import { notFound } from './errors'

// A contacts lookup for pickers (the designer's simulation panel picks a sample contact from it): search
// by e-mail, name or company, only among the contacts of the caller's pool.

interface ContactRow {
  id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  subsidiary: string
  tags: string[]
  consent_status: 'none' | 'pending' | 'granted' | 'revoked'
  lifecycle_stage: 'lead' | 'nurture' | 'mql' | 'sal' | 'sql' | 'opportunity' | 'won' | 'lost'
}

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
    const rows = await withContactScope(sql, scopeOf(who), (sql) => sql<ContactRow[]>`
      select c.id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, c.tags, c.consent_status, c.lifecycle_stage
      from contacts c join subsidiaries s on s.id = c.subsidiary_id
      where c.account_id = ${who.acc} and ${poolFilter(sql, who)}
        ${search ? sql`and (c.email ilike ${pattern} or c.company ilike ${pattern} or concat_ws(' ', c.first_name, c.last_name) ilike ${pattern})` : sql``}
        ${query.subsidiary ? sql`and s.code = ${query.subsidiary}` : sql``}
        ${query.consent ? sql`and c.consent_status = ${query.consent}` : sql``}
        ${query.lifecycle ? sql`and c.lifecycle_stage = ${query.lifecycle}` : sql``}
        ${query.tag ? sql`and ${query.tag} = any(c.tags)` : sql``}
        ${segment ? sql`and (${segmentCondition(sql, segment.filter)})` : sql``}
      order by lower(c.email)
      limit ${limit}`)
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

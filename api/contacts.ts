import { Router } from 'express'
import type { Sql } from 'postgres'
import { withContactScope } from '../db/workspaces'
import { contactEditRoutes, poolFilter, scopeOf } from './contact-edits'
import { contacts } from './contract/contacts'
import { route } from './contract/mount'

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
}

/** GET /contacts?search=&limit=: contacts matching the search (case-insensitive substring), by e-mail. */
export function contactRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  route(router, contacts.search, async ({ query, who }) => {
    const { search, limit } = query
    // LIKE wildcards typed by the user are matched literally.
    const pattern = `%${search.replace(/[\\%_]/g, (char) => `\\${char}`)}%`
    // In a workspace, its pool alias decides (not the contact's subsidiary); Postgres' row-level security
    // (withContactScope) holds the same line if this filter were ever dropped.
    const rows = await withContactScope(sql, scopeOf(who), (sql) => sql<ContactRow[]>`
      select c.id, c.email, c.first_name, c.last_name, c.company, s.code as subsidiary, c.tags
      from contacts c join subsidiaries s on s.id = c.subsidiary_id
      where c.account_id = ${who.acc} and ${poolFilter(sql, who)}
        ${search ? sql`and (c.email ilike ${pattern} or c.company ilike ${pattern} or concat_ws(' ', c.first_name, c.last_name) ilike ${pattern})` : sql``}
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
        })),
      },
    }
  })
  contactEditRoutes(router, sql)
  return router
}

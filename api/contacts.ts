import { Router } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { withContactScope } from '../db/workspaces'
import { caller } from './auth'
import { contactEditRoutes, poolFilter, scopeOf } from './contact-edits'
import { invalidInput, send } from './errors'

// A contacts lookup for pickers (the designer's simulation panel picks a sample contact from it): search
// by e-mail, name or company, only among the subsidiaries the caller may see.

const query = z.strictObject({
  search: z.string().trim().max(200, 'at most 200 characters').default(''),
  limit: z.coerce.number('a whole number from 1 to 100').int('a whole number from 1 to 100').min(1, 'at least 1').max(100, 'at most 100').default(20),
})

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

  router.get('/contacts', async (req, res) => {
    // Repeated parameters (?limit=1&limit=2) arrive as arrays: refused by the schema, named by field.
    const parsed = query.safeParse(req.query)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const { search, limit } = parsed.data
    const who = caller(req)
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
    res.json({
      contacts: rows.map((row) => ({
        id: row.id,
        email: row.email,
        name: [row.first_name, row.last_name].filter(Boolean).join(' ') || null,
        company: row.company,
        subsidiary: row.subsidiary,
        tags: row.tags,
      })),
    })
  })
  contactEditRoutes(router, sql)
  return router
}

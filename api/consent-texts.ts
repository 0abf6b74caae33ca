import { Router } from 'express'
import type { Sql } from 'postgres'
import { consent } from './contract/consent'
import { route } from './contract/mount'

/**
 * Consent texts, behind the API token. Each version is immutable: a changed wording is posted as a new
 * version (with all its languages), forms showing "the newest" switch to it, and every proof of an
 * earlier consent keeps naming the version the person saw. Marketers list them; HQ marketers and
 * admins add versions.
 */
export function consentTextRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  route(router, consent.texts, async ({ query, who }) => {
    const purpose = query.purpose ?? null
    const rows = await sql<{ purpose: string; version: number; locale: string; text: string; created_at: Date; created_by: string | null }[]>`
      select purpose, version, locale, text, created_at, created_by from consent_texts
      where account_id = ${who.acc} ${purpose ? sql`and purpose = ${purpose}` : sql``}
      order by purpose, version desc, locale`
    const versions = new Map<string, { purpose: string; version: number; createdAt: Date; createdBy: string | null; texts: Record<string, string> }>()
    for (const row of rows) {
      const key = `${row.purpose}/${row.version}`
      const entry = versions.get(key) ?? { purpose: row.purpose, version: row.version, createdAt: row.created_at, createdBy: row.created_by, texts: {} }
      entry.texts[row.locale] = row.text
      versions.set(key, entry)
    }
    return { status: 200, body: { versions: [...versions.values()] } }
  })

  route(router, consent.addText, async ({ body, who }) => {
    const { purpose, texts } = body
    const version = await sql.begin(async (sql) => {
      // Two marketers saving at once get versions n+1 and n+2, not a clash.
      await sql`select pg_advisory_xact_lock(hashtext(${`consent-text:${who.acc}:${purpose}`}))`
      const [row] = await sql<{ next: number }[]>`select coalesce(max(version), 0) + 1 as next from consent_texts where account_id = ${who.acc} and purpose = ${purpose}`
      const next = row!.next
      await sql`insert into consent_texts ${sql(Object.entries(texts).map(([locale, text]) => ({ account_id: who.acc, purpose, version: next, locale, text: text!, created_by: who.sub })))}`
      return next
    })
    return { status: 201, body: { purpose, version, texts: texts as Record<string, string>, createdBy: who.sub } }
  })

  // Changing a used wording would falsify the proofs that name it.
  for (const guard of [consent.changeTextVersion, consent.patchTextVersion, consent.deleteTextVersion]) {
    route(router, guard, async () => ({ status: 409, code: 'immutable', field: 'version', message: 'version: consent texts never change; post the new wording to /api/consent-texts as a new version' }))
  }

  return router
}

import { Router } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { caller, type Caller } from './auth'
import { editsForms } from './form-admin'
import { invalidInput, send } from './errors'
import { LOCALES } from './events'

const newVersion = z.strictObject({
  purpose: z.string().regex(/^[a-z][a-z0-9_-]{1,49}$/, 'a purpose such as "marketing"').default('marketing'),
  texts: z
    .partialRecord(z.enum(LOCALES, `one of ${LOCALES.join(', ')}`), z.string().trim().min(20, 'at least 20 characters of wording').max(5000))
    .refine((texts) => Object.keys(texts).length > 0, 'at least one language, e.g. {"de": "Ja, ich möchte …"}'),
})

// Texts are shared by every subsidiary's forms, so only someone who sees them all writes a new version.
const writesConsentTexts = (who: Caller) => editsForms(who) && who.subs === '*'

/**
 * Consent texts, behind the API token. Each version is immutable: a changed wording is posted as a new
 * version (with all its languages), forms showing "the newest" switch to it, and every proof of an
 * earlier consent keeps naming the version the person saw. Marketers list them; HQ marketers and
 * admins add versions.
 */
export function consentTextRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  router.get('/consent-texts', async (req, res) => {
    const who = caller(req)
    if (!editsForms(who)) return send(res, { status: 403, code: 'forbidden', message: 'only marketers and admins manage consent texts' })
    const purpose = typeof req.query.purpose === 'string' ? req.query.purpose : null
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
    res.json({ versions: [...versions.values()] })
  })

  router.post('/consent-texts', async (req, res) => {
    const who = caller(req)
    if (!writesConsentTexts(who)) return send(res, { status: 403, code: 'forbidden', message: 'only HQ marketers and admins add consent text versions (every subsidiary\'s forms show them)' })
    const parsed = newVersion.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const { purpose, texts } = parsed.data
    const version = await sql.begin(async (sql) => {
      // Two marketers saving at once get versions n+1 and n+2, not a clash.
      await sql`select pg_advisory_xact_lock(hashtext(${`consent-text:${who.acc}:${purpose}`}))`
      const [row] = await sql<{ next: number }[]>`select coalesce(max(version), 0) + 1 as next from consent_texts where account_id = ${who.acc} and purpose = ${purpose}`
      const next = row!.next
      await sql`insert into consent_texts ${sql(Object.entries(texts).map(([locale, text]) => ({ account_id: who.acc, purpose, version: next, locale, text: text!, created_by: who.sub })))}`
      return next
    })
    res.status(201).json({ purpose, version, texts, createdBy: who.sub })
  })

  // Changing a used wording would falsify the proofs that name it.
  const immutable = (_req: unknown, res: Parameters<typeof send>[0]) =>
    send(res, { status: 409, code: 'immutable', field: 'version', message: 'version: consent texts never change; post the new wording to /api/consent-texts as a new version' })
  router.all('/consent-texts/*rest', immutable)
  router.put('/consent-texts', immutable)
  router.patch('/consent-texts', immutable)
  router.delete('/consent-texts', immutable)

  return router
}

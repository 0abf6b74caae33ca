import { Router, text, type NextFunction, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import type { TokenSigner } from '../tracking/tokens'
import type { EventDispatcher } from '../engine/dispatcher'
import type { TrackingConfig } from '../server/config'
import { SNIPPET_JS } from '../tracking/snippet'
import { identifyVisitor, knownContact, newVisitorId, setCookie, VISITOR_COOKIE, visitorIdFrom } from '../tracking/visitors'
import { invalidInput, send } from './errors'
import { rejectUnstorableBody, unstorableText } from './input-guard'
import { cookieOptions } from './tracking'

const visitInput = z.object({
  account: z.string().min(1, 'the account slug (data-account on the snippet tag)').max(100),
  url: z.url({ protocol: /^https?$/, error: 'must be an http(s) URL' }).max(2000),
  title: z.string().max(500).nullish(),
  referrer: z.string().max(2000).nullish(),
  visitorId: z.string().max(64).nullish(),
})

/** Lets the company website (another origin on the same site) call the public endpoints with cookies. */
export function publicCors(req: Request, res: Response, next: NextFunction) {
  const origin = req.header('origin')
  if (origin) {
    res.set('Access-Control-Allow-Origin', origin)
    res.set('Access-Control-Allow-Credentials', 'true')
    res.set('Vary', 'Origin')
  }
  if (req.method === 'OPTIONS') {
    res.set('Access-Control-Allow-Methods', 'GET, POST')
    res.set('Access-Control-Allow-Headers', 'content-type, idempotency-key')
    return void res.status(204).end()
  }
  next()
}

/**
 * The website snippet and the page views it reports. Public: a visit names only the account (by slug);
 * who the visitor is comes from the signed contact cookie or the visitor id linked at identification.
 */
export function visitRoutes(deps: { sql: Sql; tokens: TokenSigner; dispatcher: EventDispatcher; log: (message: string) => void; tracking?: TrackingConfig; publicUrl?: string }): Router {
  const { sql, tokens } = deps
  const router = Router()
  const accounts = new Map<string, string>()

  router.get('/t/snippet.js', (_req, res) => {
    res.set('Cache-Control', 'public, max-age=3600').type('application/javascript').send(SNIPPET_JS)
  })

  router.use('/t/v', publicCors)
  router.post('/t/v', text({ type: ['text/plain', 'application/json'], limit: '16kb' }), rejectUnstorableBody, async (req, res) => {
    let body: unknown
    try {
      body = JSON.parse(typeof req.body === 'string' ? req.body : '')
    } catch {
      return send(res, { status: 400, code: 'invalid_json', field: 'body', message: 'body: not valid JSON' })
    }
    // The snippet posts JSON as text/plain (no CORS preflight), so the text is checked once parsed.
    const unstorable = unstorableText(body, 'body')
    if (unstorable) return send(res, { status: 400, code: 'invalid_input', ...unstorable })
    const parsed = visitInput.safeParse(body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const visit = parsed.data
    let accountId = accounts.get(visit.account)
    if (!accountId) {
      const [row] = await sql<{ id: string }[]>`select id from accounts where slug = ${visit.account}`
      if (!row) return send(res, { status: 404, code: 'not_found', field: 'account', message: `account: no account "${visit.account}"` })
      accountId = row.id
      accounts.set(visit.account, accountId)
    }

    let visitorId = visitorIdFrom(req, visit.visitorId) ?? newVisitorId()
    const [visitor] = await sql<{ account_id: string; contact_id: string | null }[]>`
      insert into web_visitors (id, account_id) values (${visitorId}, ${accountId})
      on conflict (id) do update set last_seen_at = now()
      returning account_id, contact_id`
    if (visitor!.account_id !== accountId) {
      // A visitor id from another account's website: start afresh rather than mix the two.
      visitorId = newVisitorId()
      await sql`insert into web_visitors (id, account_id) values (${visitorId}, ${accountId})`
      visitor!.contact_id = null
    }
    setCookie(res, VISITOR_COOKIE, visitorId, cookieOptions(deps))
    await sql`
      insert into web_visits (account_id, visitor_id, url, path, title, referrer)
      values (${accountId}, ${visitorId}, ${visit.url}, ${new URL(visit.url).pathname}, ${visit.title ?? null}, ${visit.referrer ?? null})`

    // Known by the signed cookie (a tracked click) or because this browser identified earlier (a form).
    const cookieContact = knownContact(req, tokens, accountId)
    const contactId = cookieContact?.c ?? visitor!.contact_id
    if (contactId) {
      await identifyVisitor(sql, { a: accountId, c: contactId }, visitorId)
      deps.dispatcher.kick()
    }
    res.json({ visitorId, known: Boolean(contactId) })
  })

  return router
}

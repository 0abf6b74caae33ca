import { randomUUID } from 'node:crypto'
import type { Request, Response } from 'express'
import type { Sql, TransactionSql } from 'postgres'
import type { TokenSigner } from './tokens'

// Two first-party cookies on the tracking host: mt_v, a random visitor id every browser the snippet
// sees gets, and mt_c, the signed contact id a tracked click or a form sets. mt_c is signed with the
// app's token signer (purpose "contact"), so a visitor cannot make their visits someone else's.
export const VISITOR_COOKIE = 'mt_v'
export const CONTACT_COOKIE = 'mt_c'
const YEAR_S = 365 * 86_400
const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/i

export interface ContactCookie {
  a: string // account
  c: string // contact
}

export interface CookieOptions {
  domain?: string
  secure: boolean
}

export function readCookies(req: Request): Record<string, string> {
  const cookies: Record<string, string> = {}
  for (const part of (req.header('cookie') ?? '').split(';')) {
    const at = part.indexOf('=')
    if (at < 1) continue
    try {
      cookies[part.slice(0, at).trim()] = decodeURIComponent(part.slice(at + 1).trim())
    } catch {}
  }
  return cookies
}

export function setCookie(res: Response, name: string, value: string, options: CookieOptions): void {
  // Lax: sent with the website's own requests to the tracking host (same site), never to other sites.
  const attributes = [`${name}=${encodeURIComponent(value)}`, 'Path=/', `Max-Age=${YEAR_S}`, 'SameSite=Lax', 'HttpOnly']
  if (options.domain) attributes.push(`Domain=${options.domain}`)
  if (options.secure) attributes.push('Secure')
  res.append('Set-Cookie', attributes.join('; '))
}

/** The contact the signed cookie names, or null (no cookie, forged, or another account's). */
export function knownContact(req: Request, tokens: TokenSigner, accountId?: string): ContactCookie | null {
  const token = readCookies(req)[CONTACT_COOKIE]
  const payload = token ? tokens.verify<ContactCookie>('contact', token) : null
  if (!payload?.a || !payload.c || (accountId && payload.a !== accountId)) return null
  return payload
}

export function visitorIdFrom(req: Request, fallback?: unknown): string | null {
  const fromCookie = readCookies(req)[VISITOR_COOKIE]
  if (fromCookie && UUID.test(fromCookie)) return fromCookie.toLowerCase()
  return typeof fallback === 'string' && UUID.test(fallback) ? fallback.toLowerCase() : null
}

export const newVisitorId = () => randomUUID()

/** Sets the cookie that identifies the contact on later visits. */
export function rememberContact(res: Response, tokens: TokenSigner, who: ContactCookie, options: CookieOptions): void {
  setCookie(res, CONTACT_COOKIE, tokens.sign('contact', { a: who.a, c: who.c } satisfies ContactCookie), options)
}

/**
 * Links an anonymous visitor to the contact who just identified, and makes their earlier visits the
 * contact's: each becomes a `visit` event with its original time. A visitor already linked to another
 * contact (a shared computer) keeps its past; only visits from now on count for the new contact.
 * Returns how many earlier visits were attributed.
 */
export async function identifyVisitor(sql: Sql, who: ContactCookie, visitorId: string): Promise<number> {
  return sql.begin(async (sql) => {
    await sql`
      insert into web_visitors (id, account_id, contact_id, identified_at) values (${visitorId}, ${who.a}, ${who.c}, now())
      on conflict (id) do nothing`
    const [visitor] = await sql<{ account_id: string; contact_id: string | null }[]>`select account_id, contact_id from web_visitors where id = ${visitorId} for update`
    if (!visitor || visitor.account_id !== who.a) return 0
    if (visitor.contact_id !== who.c) await sql`update web_visitors set contact_id = ${who.c}, identified_at = now() where id = ${visitorId}`
    const earlier = await sql<{ id: string; url: string; path: string; title: string | null; referrer: string | null; occurred_at: Date }[]>`
      select id, url, path, title, referrer, occurred_at from web_visits where visitor_id = ${visitorId} and event_id is null order by occurred_at`
    for (const visit of earlier) {
      const eventId = await insertVisitEvent(sql, who, visitorId, visit)
      await sql`update web_visits set event_id = ${eventId} where id = ${visit.id}`
    }
    return earlier.length
  })
}

export interface VisitFacts {
  url: string
  path: string
  title: string | null
  referrer: string | null
  occurred_at: Date
}

export async function insertVisitEvent(sql: Sql | TransactionSql, who: ContactCookie, visitorId: string, visit: VisitFacts): Promise<string> {
  const [event] = await sql<{ id: string }[]>`
    insert into events (account_id, contact_id, type, properties, occurred_at, source)
    values (${who.a}, ${who.c}, 'visit',
            ${sql.json({ url: visit.url, path: visit.path, title: visit.title, referrer: visit.referrer, visitorId, pageKind: pageKind(visit.path) })},
            ${visit.occurred_at}, 'snippet')
    returning id`
  return event!.id
}

// Pricing pages weigh more in scoring; recognised by path in the four subsidiaries' languages.
const PRICING_PATH = /(^|\/)(pricing|prices?|preise|preisliste|prix|tarifs?|prezzi|listino|precios|tarifas)(\/|\.|$)/i

export function pageKind(path: string): 'pricing' | 'page' {
  return PRICING_PATH.test(path) ? 'pricing' : 'page'
}

import { Router, urlencoded, type Request } from 'express'
import type { Sql, TransactionSql } from 'postgres'
import type { TrackingPayload, UnsubscribePayload } from '../activities/send-campaign-email'
import type { TokenSigner } from '../tracking/tokens'
import { withdrawConsent } from '../db/contact-consent'
import type { EventDispatcher } from '../engine/dispatcher'
import type { TrackingConfig } from '../server/config'
import { rejectUnstorableBody } from './input-guard'
import { downloadAsset, judgeTrackingRequest, type MachineVerdict } from '../tracking/machine'
import { identifyVisitor, rememberContact, visitorIdFrom, type CookieOptions } from '../tracking/visitors'

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

/** Production defaults, for callers that do not pass a config (benchmarks). */
export const DEFAULT_TRACKING: TrackingConfig = { machineClickAfterDeliveryMs: 5_000, machineClickBurstMs: 2_000, doubleOptInValidForMs: 7 * 86_400_000 }

export interface TrackingDeps {
  sql: Sql
  tokens: TokenSigner
  dispatcher: EventDispatcher
  log: (message: string) => void
  tracking?: TrackingConfig
  /** The app's public URL: https means the tracking cookies are Secure. */
  publicUrl?: string
}

export const cookieOptions = (deps: Pick<TrackingDeps, 'tracking' | 'publicUrl'>): CookieOptions => ({
  domain: deps.tracking?.cookieDomain,
  secure: deps.publicUrl?.startsWith('https:') ?? false,
})

/**
 * Public routes reached from mail: tracked link redirects, the open pixel and unsubscribe. They need no
 * login; the signed token is the proof, and a tampered token gets 400 instead of a redirect anywhere.
 * Opens and clicks by privacy proxies and link scanners are stored flagged (tracking/machine.ts).
 */
export function trackingRoutes(deps: TrackingDeps): Router {
  const { sql, tokens, dispatcher } = deps
  const rules = deps.tracking ?? DEFAULT_TRACKING
  const router = Router()

  // A mailing's mail has no campaign step: its tokens name the mailing (l) instead.
  const mailFacts = (payload: TrackingPayload & { l?: string }) =>
    payload.l ? { mailingId: payload.l, messageId: payload.m } : { campaignId: payload.p, enrolmentId: payload.e, nodeId: payload.n, messageId: payload.m }

  async function recordOpen(req: Request, payload: TrackingPayload) {
    const verdict = judgeTrackingRequest(
      { kind: 'open', method: req.method, userAgent: req.header('user-agent'), ip: req.ip, sinceDeliveryMs: null, otherLinksClickedInBurst: 0 },
      { clickAfterDeliveryMs: rules.machineClickAfterDeliveryMs, clickBurstMs: rules.machineClickBurstMs },
    )
    await insertEvent('open', payload, mailFacts(payload), verdict)
    dispatcher.kick()
  }

  async function insertEvent(type: string, payload: TrackingPayload, properties: Record<string, unknown>, verdict: MachineVerdict, db: Sql | TransactionSql = sql) {
    const [stored] = await db<{ id: string; properties: Record<string, unknown>; occurred_at: Date }[]>`
      insert into events (account_id, contact_id, type, properties, source, suspected_machine)
      values (${payload.a}, ${payload.c}, ${type},
              ${db.json({ ...properties, ...(verdict.machine ? { machineReason: verdict.reason } : {}) } as never)}, 'tracking', ${verdict.machine})
      returning id, properties, occurred_at`
    return { ...stored!, contact_id: payload.c, type }
  }

  async function recordClick(req: Request, payload: TrackingPayload, url: string) {
    // A mail still marked "sending" is being delivered right now: the scanner was faster than our bookkeeping.
    const [timing] = await sql<{ since_ms: number | null }[]>`
      select (extract(epoch from now() - coalesce(sent_at, now())) * 1000)::float8 as since_ms from messages where message_id = ${payload.m}`
    // Other links of this mail clicked just now: people click one link, scanners follow all of them.
    const burst = rules.machineClickBurstMs > 0
      ? await sql<{ id: string; url: string }[]>`
          select id, properties->>'url' as url from events
          where contact_id = ${payload.c} and type in ('click', 'download') and properties->>'messageId' = ${payload.m}
            and occurred_at > now() - ${rules.machineClickBurstMs} * interval '1 millisecond'`
      : []
    const others = burst.filter((row) => row.url !== url)
    const verdict = judgeTrackingRequest(
      { kind: 'click', method: req.method, userAgent: req.header('user-agent'), ip: req.ip, sinceDeliveryMs: timing?.since_ms ?? null, otherLinksClickedInBurst: new Set(others.map((row) => row.url)).size },
      { clickAfterDeliveryMs: rules.machineClickAfterDeliveryMs, clickBurstMs: rules.machineClickBurstMs },
    )
    const properties = { ...mailFacts(payload), url, ...(payload.g ? { tag: payload.g } : {}) }
    const asset = downloadAsset(url, payload.g)
    const click = await sql.begin(async (sql) => {
      const click = await insertEvent('click', payload, properties, verdict, sql)
      if (asset) await insertEvent('download', payload, { ...properties, asset }, verdict, sql)
      // The burst shows the earlier clicks were the scanner's too; scoring reads the flag from here on.
      if (verdict.machine && verdict.reason === 'clicked_many_links_at_once') {
        await sql`
          update events set suspected_machine = true, properties = properties || ${sql.json({ machineReason: verdict.reason })}
          where id = any(${others.map((row) => row.id)}) and not suspected_machine`
      }
      return click
    })
    // Committed: a waiting enrolment gets the click now (its branch's mail follows in one signal, not after
    // the dispatcher's round); the round still dispatches the event (entries, scoring), and is what
    // guarantees it. It is kicked once the signal is in and recorded on the event, so it signals only the
    // enrolments this signal did not reach (all of them if it failed).
    if (verdict.machine) return void dispatcher.kick()
    void dispatcher
      .signalNow(click)
      .catch((error) => deps.log(`click ${click.id} not signalled at once (the dispatcher will): ${error}`))
      .finally(() => dispatcher.kick())
  }

  router.get('/t/c/:token', async (req, res) => {
    const payload = tokens.verify<TrackingPayload>('click', req.params.token)
    if (!payload?.u || !/^https?:\/\//.test(payload.u)) {
      res.status(400).type('text/plain').send('This link is invalid or has been altered.')
      return
    }
    // The reader gets to the page even if recording fails; the click is logged, not lost silently.
    await recordClick(req, payload, payload.u).catch((error) => deps.log(`click not recorded: ${error}`))
    // Later visits of the website (tracking snippet) are this contact's; an anonymous visitor becomes them.
    const who = { a: payload.a, c: payload.c }
    rememberContact(res, tokens, who, cookieOptions(deps))
    const visitorId = visitorIdFrom(req)
    if (visitorId) await identifyVisitor(sql, who, visitorId).catch((error) => deps.log(`visitor not identified: ${error}`))
    res.redirect(302, payload.u)
  })

  router.get('/t/o/:token', async (req, res) => {
    const payload = tokens.verify<TrackingPayload>('open', req.params.token)
    if (payload) await recordOpen(req, payload).catch((error) => deps.log(`open not recorded: ${error}`))
    res.set('Cache-Control', 'no-store').type('image/gif').send(PIXEL)
  })

  const unsubscribe = async (token: string): Promise<boolean> => {
    const payload = tokens.verify<UnsubscribePayload>('unsubscribe', token)
    if (!payload) return false
    await sql.begin(async (sql) => {
      await withdrawConsent(sql, { accountId: payload.a, contactId: payload.c, source: 'unsubscribe link' })
      await sql`insert into events (account_id, contact_id, type, properties, source) values (${payload.a}, ${payload.c}, 'unsubscribe', ${sql.json({ messageId: payload.m })}, 'tracking')`
    })
    dispatcher.kick()
    return true
  }

  // GET only shows a button: mail scanners follow links, and must not unsubscribe anyone by doing so.
  router.get('/u/:token', (req, res) => {
    if (!tokens.verify('unsubscribe', req.params.token)) return void res.status(400).type('text/plain').send('This link is invalid or has been altered.')
    res.type('html').send(`<!doctype html><meta charset="utf-8"><title>Unsubscribe</title>
<body style="font-family:system-ui;max-width:32rem;margin:4rem auto"><h1>Unsubscribe</h1>
<p>You will no longer receive marketing mail from us.</p>
<form method="post"><button type="submit">Unsubscribe</button></form></body>`)
  })
  // RFC 8058 one-click: mail clients POST "List-Unsubscribe=One-Click" to the same URL.
  router.post('/u/:token', urlencoded({ extended: false }), rejectUnstorableBody, async (req, res) => {
    if (!(await unsubscribe(req.params.token))) return void res.status(400).type('text/plain').send('This link is invalid or has been altered.')
    res.type('html').send('<!doctype html><meta charset="utf-8"><title>Unsubscribed</title><p style="font-family:system-ui">You have been unsubscribed.</p>')
  })

  return router
}

import { Router, urlencoded } from 'express'
import type { Sql } from 'postgres'
import type { TrackingPayload, UnsubscribePayload } from '../activities/send-campaign-email'
import type { TokenSigner } from '../activities/tokens'
import type { EventDispatcher } from '../engine/dispatcher'

const PIXEL = Buffer.from('R0lGODlhAQABAIAAAAAAAP///yH5BAEAAAAALAAAAAABAAEAAAIBRAA7', 'base64')

/**
 * Public routes reached from mail: tracked link redirects, the open pixel and unsubscribe. They need no
 * login; the signed token is the proof, and a tampered token gets 400 instead of a redirect anywhere.
 */
export function trackingRoutes(deps: { sql: Sql; tokens: TokenSigner; dispatcher: EventDispatcher; log: (message: string) => void }): Router {
  const { sql, tokens, dispatcher } = deps
  const router = Router()

  async function record(type: 'click' | 'open', payload: TrackingPayload, extra: Record<string, string>) {
    await sql`
      insert into events (account_id, contact_id, type, properties, source)
      values (${payload.a}, ${payload.c}, ${type},
              ${sql.json({ campaignId: payload.p, enrolmentId: payload.e, nodeId: payload.n, messageId: payload.m, ...extra })}, 'tracking')`
    dispatcher.kick()
  }

  router.get('/t/c/:token', async (req, res) => {
    const payload = tokens.verify<TrackingPayload>('click', req.params.token)
    if (!payload?.u || !/^https?:\/\//.test(payload.u)) {
      res.status(400).type('text/plain').send('This link is invalid or has been altered.')
      return
    }
    // The reader gets to the page even if recording fails; the click is logged, not lost silently.
    await record('click', payload, { url: payload.u, ...(payload.g ? { tag: payload.g } : {}) }).catch((error) => deps.log(`click not recorded: ${error}`))
    res.redirect(302, payload.u)
  })

  router.get('/t/o/:token', async (req, res) => {
    const payload = tokens.verify<TrackingPayload>('open', req.params.token)
    if (payload) await record('open', payload, {}).catch((error) => deps.log(`open not recorded: ${error}`))
    res.set('Cache-Control', 'no-store').type('image/gif').send(PIXEL)
  })

  const unsubscribe = async (token: string): Promise<boolean> => {
    const payload = tokens.verify<UnsubscribePayload>('unsubscribe', token)
    if (!payload) return false
    await sql.begin(async (sql) => {
      await sql`update contacts set consent_status = 'revoked', consent_source = 'unsubscribe link', consent_at = now(), updated_at = now() where id = ${payload.c} and account_id = ${payload.a}`
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
  router.post('/u/:token', urlencoded({ extended: false }), async (req, res) => {
    if (!(await unsubscribe(req.params.token))) return void res.status(400).type('text/plain').send('This link is invalid or has been altered.')
    res.type('html').send('<!doctype html><meta charset="utf-8"><title>Unsubscribed</title><p style="font-family:system-ui">You have been unsubscribed.</p>')
  })

  return router
}

import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import { capturedContactIds, visitorProfiles } from '../db/fair-captures'
import { appointmentsOn, findFair, listFairs, type FairRow } from '../db/fairs'
import type { EventDispatcher } from '../engine/dispatcher'
import { syncCapture } from '../fairs/sync'
import { bookingTokenExpiry, signFairToken } from '../fairs/tokens'
import type { AttributionRefresher } from '../reporting/attribution-refresher'
import type { TrackingConfig } from '../server/config'
import type { Caller } from './auth'
import { fairs } from './contract/fairs'
import { route } from './contract/mount'
import { notFound } from './errors'
import { DEFAULT_TRACKING } from './tracking'

export interface FairDeps {
  sql: Sql
  client: Client
  taskQueue: string
  tokens: TokenSigner
  dispatcher: EventDispatcher
  tracking?: TrackingConfig
  publicUrl?: string
  attribution?: AttributionRefresher
}

const fairBody = (f: FairRow) => ({ id: f.id, name: f.name, place: f.place, stand: f.stand, subsidiary: f.subsidiary, campaignId: f.campaign_id, startsOn: f.starts_on, endsOn: f.ends_on, timeZone: f.time_zone })

/** Today in the fair's time zone (YYYY-MM-DD). */
const localDay = (timeZone: string, at = new Date()) => new Intl.DateTimeFormat('en-CA', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' }).format(at)

/** Sales reps work only at the fairs they are on duty at; everyone else at the fairs of their subsidiaries. */
async function visibleFair(sql: Sql, who: Caller, id: string): Promise<FairRow | null> {
  const fair = await findFair(sql, who.acc, id, who.subs)
  if (!fair || who.role !== 'sales_rep') return fair
  const [onDuty] = await sql`select 1 from fair_reps r join users u on u.id = r.user_id where r.fair_id = ${id} and lower(u.email) = lower(${who.sub})`
  return onDuty ? fair : null
}

/** Contract: api/contract/fairs.ts. The public booking page and the booth app's files are api/fair-booking.ts. */
export function fairRoutes(deps: FairDeps): Router {
  const { sql } = deps
  const router = Router()

  route(router, fairs.list, async ({ who }) => {
    const rows = await listFairs(sql, who.acc, who.subs, who.role === 'sales_rep' ? who.userId : null)
    return { status: 200, body: { fairs: rows.map((f) => ({ ...fairBody(f), reps: f.reps, meetings: f.meetings })) } }
  })

  route(router, fairs.day, async ({ params, query, who }) => {
    const fair = await visibleFair(sql, who, params.id)
    if (!fair) return notFound('fair')
    const day = query.day ?? localDay(fair.time_zone)
    const appointments = await appointmentsOn(sql, fair, day)
    const ids = [...new Set([...appointments.map((a) => a.contact_id), ...(await capturedContactIds(sql, fair.id))])]
    const profiles = await visitorProfiles(sql, fair.account_id, fair.id, ids)
    const texts = await sql<{ version: number; locale: string; text: string }[]>`
      select version, locale, text from consent_texts where account_id = ${fair.account_id} and purpose = 'marketing'
        and version = (select max(version) from consent_texts where account_id = ${fair.account_id} and purpose = 'marketing')`
    return {
      status: 200,
      body: {
        fair: fairBody(fair),
        day,
        rep: { email: who.sub, name: who.name },
        appointments: appointments.map((a) => ({ meetingId: a.meeting_id, contactId: a.contact_id, repName: a.rep_name, repEmail: a.rep_email, startsAt: a.starts_at, endsAt: a.ends_at, heldAt: a.held_at })),
        profiles: profiles.map((p) => ({
          contactId: p.contact_id,
          email: p.email,
          firstName: p.first_name,
          lastName: p.last_name,
          company: p.company,
          subsidiary: p.subsidiary,
          consent: p.consent_status,
          customer: p.tags.includes('customer') || typeof p.attributes.customer_tier === 'string',
          score: p.grade ? { grade: p.grade, level: p.level! } : null,
          tags: p.tags,
          products: typeof p.attributes.model === 'string' ? [p.attributes.model] : [],
          recentActivity: p.recent,
          openHandovers: p.handovers,
          captured: p.captured ?? {},
        })),
        consentText: texts.length ? { purpose: 'marketing', version: texts[0]!.version, texts: Object.fromEntries(texts.map((t) => [t.locale, t.text])) } : null,
      },
    }
  })

  route(router, fairs.sync, async ({ params, body, who }) => {
    const fair = await visibleFair(sql, who, params.id)
    if (!fair) return notFound('fair')
    const doubleOptInValidForMs = (deps.tracking ?? DEFAULT_TRACKING).doubleOptInValidForMs
    const results = []
    // One at a time: captures of one device arrive in the order they were made.
    for (const capture of body.captures) results.push(await syncCapture({ ...deps, doubleOptInValidForMs }, who, fair, capture))
    return { status: 200, body: { results } }
  })

  route(router, fairs.bookingLink, async ({ params, body, who, req }) => {
    const fair = await findFair(sql, who.acc, params.id, who.subs)
    if (!fair) return notFound('fair')
    const [contact] = await sql`select id from contacts where id = ${body.contactId} and account_id = ${who.acc}`
    if (!contact) return { status: 400, code: 'invalid_input', field: 'contactId', message: 'contactId: no such contact' }
    const expiresAt = bookingTokenExpiry(fair.ends_on)
    const token = signFairToken(deps.tokens, 'fair_booking', body.contactId, fair.id, expiresAt)
    return { status: 200, body: { url: `${deps.publicUrl ?? `${req.protocol}://${req.get('host')}`}/fair/book/${token}`, expiresAt } }
  })

  route(router, fairs.figures, async ({ params, who }) => {
    const fair = await findFair(sql, who.acc, params.id, who.subs)
    if (!fair) return notFound('fair')
    const [f] = await sql<{ visitors: number; leads: number; booked: number; held: number; consents: number; handovers: number }[]>`
      select (select count(*)::int from fair_captures where fair_id = ${fair.id}) as visitors,
             (select count(*)::int from fair_captures where fair_id = ${fair.id} and source = 'form') as leads,
             (select count(*)::int from fair_meetings where fair_id = ${fair.id}) as booked,
             (select count(*)::int from fair_meetings where fair_id = ${fair.id} and held_at is not null) as held,
             (select count(*)::int from fair_captures where fair_id = ${fair.id} and consent is not null) as consents,
             (select count(*)::int from fair_captures where fair_id = ${fair.id} and handover_id is not null) as handovers`
    // Deals with the fair's visitors since the fair began; won revenue as reporting attributes it to the fair's campaign.
    const [o] = await sql<{ opportunities: number; pipeline: string }[]>`
      select count(*)::int as opportunities, coalesce(sum(o.amount_net) filter (where o.stage = 'open'), 0) as pipeline
      from opportunities o where o.account_id = ${fair.account_id} and o.created_on >= ${fair.starts_on}::date
        and o.contact_id in (select contact_id from fair_captures where fair_id = ${fair.id})`
    const [credited] = await sql<{ cents: string }[]>`
      select coalesce(sum(revenue_cents), 0) as cents from attribution_credits where campaign_id = ${fair.campaign_id} and model = 'linear'`
    const [cost] = await sql<{ amount: string }[]>`select coalesce(sum(amount), 0) as amount from campaign_costs where campaign_id = ${fair.campaign_id}`
    const costs = Number(cost!.amount)
    const wonRevenue = Number(credited!.cents) / 100
    return {
      status: 200,
      body: {
        fairId: fair.id, campaignId: fair.campaign_id, visitors: f!.visitors, leadsCaptured: f!.leads, meetingsBooked: f!.booked, meetingsHeld: f!.held,
        consentsCollected: f!.consents, handovers: f!.handovers, opportunities: o!.opportunities, wonRevenue, pipelineValue: Number(o!.pipeline), costs,
        roi: costs > 0 ? (wonRevenue - costs) / costs : null,
      },
    }
  })

  return router
}

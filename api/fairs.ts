import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import type { TokenSigner } from '../tracking/tokens'
import { capturedContactIds, currentConsentTexts, visitorProfiles } from '../db/fair-captures'
import { fairFigures } from '../db/fair-figures'
import { fairInvitee } from '../db/contacts'
import { appointmentsOn, findFair, isOnDuty, linkFairCampaign, listFairs, type FairRow } from '../db/fairs'
import type { EventDispatcher } from '../engine/dispatcher'
import { localDate } from '../engine/nodes/zoned-time'
import { rejectedCapture, syncCapture, type SubmitConsent } from '../fairs/sync'
import { bookingTokenExpiry, signFairToken } from '../fairs/tokens'
import type { AttributionRefresher } from '../reporting/attribution-refresher'
import type { TrackingConfig } from '../server/config'
import type { Caller } from './auth'
import { captureSchema, fairs } from './contract/fairs'
import { route } from './contract/mount'
import { invalidInput, notFound } from './errors'
import { storeSubmission } from './form-submission'
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


/** Sales reps work only at the fairs they are on duty at; everyone else at the fairs of their subsidiaries. */
async function visibleFair(sql: Sql, who: Caller, id: string): Promise<FairRow | null> {
  const fair = await findFair(sql, who.acc, id, who.subs)
  if (!fair || who.role !== 'sales_rep') return fair
  return (await isOnDuty(sql, id, who.sub)) ? fair : null
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
    const day = query.day ?? localDate(Date.now(), fair.time_zone)
    const appointments = await appointmentsOn(sql, fair, day)
    const ids = [...new Set([...appointments.map((a) => a.contact_id), ...(await capturedContactIds(sql, fair.id))])]
    const profiles = await visitorProfiles(sql, fair.account_id, fair.id, ids)
    const texts = await currentConsentTexts(sql, fair.account_id)
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
    const syncDeps = { ...deps, doubleOptInValidForMs: (deps.tracking ?? DEFAULT_TRACKING).doubleOptInValidForMs, submitConsent: ((...args) => storeSubmission(sql, ...args)) satisfies SubmitConsent }
    const results = []
    // One at a time: captures of one device arrive in the order they were made. A bad one is answered on its own.
    for (const raw of body.captures) {
      const parsed = captureSchema.safeParse(raw)
      if (parsed.success) results.push(await syncCapture(syncDeps, who, fair, parsed.data))
      else {
        const error = invalidInput(parsed.error)
        const id = typeof (raw as { id?: unknown })?.id === 'string' ? (raw as { id: string }).id : '00000000-0000-0000-0000-000000000000'
        results.push(rejectedCapture(id, error.field ?? 'body', error.message))
      }
    }
    return { status: 200, body: { results } }
  })

  route(router, fairs.bookingLink, async ({ params, body, who, req }) => {
    const fair = await findFair(sql, who.acc, params.id, who.subs)
    if (!fair) return notFound('fair')
    if (!(await fairInvitee(sql, who.acc, body.contactId))) return { status: 400, code: 'invalid_input', field: 'contactId', message: 'contactId: no such contact' }
    const expiresAt = bookingTokenExpiry(fair.ends_on)
    const token = signFairToken(deps.tokens, 'fair_booking', body.contactId, fair.id, expiresAt)
    return { status: 200, body: { url: `${deps.publicUrl ?? `${req.protocol}://${req.get('host')}`}/fair/book/${token}`, expiresAt } }
  })

  route(router, fairs.figures, async ({ params, who }) => {
    const fair = await findFair(sql, who.acc, params.id, who.subs)
    if (!fair) return notFound('fair')
    const f = await fairFigures(sql, fair)
    return {
      status: 200,
      body: {
        fairId: fair.id, campaignId: fair.campaign_id, visitors: f.visitors, leadsCaptured: f.leads, meetingsBooked: f.booked, meetingsHeld: f.held,
        consentsCollected: f.consents, handovers: f.handovers, opportunities: f.opportunities, wonRevenue: f.wonRevenue, pipelineValue: f.pipeline, costs: f.costs,
        roi: f.costs > 0 ? (f.wonRevenue - f.costs) / f.costs : null,
      },
    }
  })

  route(router, fairs.linkCampaign, async ({ params, body, who }) => {
    const fair = await findFair(sql, who.acc, params.id, who.subs)
    if (!fair) return notFound('fair')
    const linked = await linkFairCampaign(sql, { accountId: who.acc, fairId: fair.id, campaignId: body.campaignId, by: who.sub })
    if (!linked) return { status: 400, code: 'invalid_input', field: 'campaignId', message: 'campaignId: no such campaign' }
    return { status: 200, body: { fairId: fair.id, campaignId: body.campaignId } }
  })

  return router
}

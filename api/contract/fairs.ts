import { z } from 'zod'
import { RATINGS } from './fairs-ratings'
import { defineRoute, idParams, timestamp } from './route'

// Trade fairs (api/fairs.ts): the fairs a rep is on duty at, the day's appointments with their visitors'
// profiles (the booth app prefetches them at sign-in), the idempotent sync of what reps capture at the
// stand, signed booking links for invitations, and the fair's figures. The booth app (fair-app/) takes
// its types from here.

export { RATINGS }

export const fairSchema = z.object({
  id: z.uuid(),
  name: z.string(),
  place: z.string(),
  stand: z.string(),
  subsidiary: z.string(),
  campaignId: z.uuid(),
  startsOn: z.iso.date(),
  endsOn: z.iso.date(),
  timeZone: z.string(),
})

const field = <V extends z.ZodType>(value: V) => z.strictObject({ value, at: timestamp })

/** What a rep may capture about a visitor, each field with the moment it was changed on the device. */
export const capturedFieldsSchema = z.strictObject({
  firstName: field(z.string().trim().max(100)).optional(),
  lastName: field(z.string().trim().max(100)).optional(),
  company: field(z.string().trim().max(200)).optional(),
  phone: field(z.string().trim().max(50)).optional(),
  notes: field(z.string().max(4000)).optional(),
  tags: field(z.array(z.string().trim().min(1).max(64)).max(30)).optional(),
  rating: field(z.enum(RATINGS)).optional(),
})

export const captureSchema = z
  .strictObject({
    /** Made on the device when the capture is first stored there: syncing it again stores nothing twice. */
    id: z.uuid('id: a UUID made on the device'),
    source: z.enum(['scan', 'form']),
    /** The QR code's content (scan): a signed token naming the contact and the fair. */
    token: z.string().max(2000).optional(),
    /** The visitor's e-mail (form): matched against the pool on sync. */
    email: z.email('email: an e-mail address').max(254).optional(),
    /** Which device captured it (the app's install id and user agent), for the consent proof. */
    device: z.string().trim().min(1).max(300),
    capturedAt: timestamp,
    fields: capturedFieldsSchema.default({}),
    /** "Start double opt-in": the consent text shown on the device, and when the visitor agreed. */
    consent: z.strictObject({ textVersion: z.number().int().min(1), locale: z.enum(['de', 'en', 'fr', 'it', 'es']), collectedAt: timestamp }).optional(),
  })
  .refine((c) => (c.source === 'scan' ? !!c.token : !!c.email), { message: 'a scan needs the QR token, a form capture the e-mail', path: ['token'] })

const syncResultSchema = z.object({
  id: z.uuid(),
  outcome: z.enum(['stored', 'merged', 'replayed', 'rejected']),
  captureId: z.uuid().nullable(),
  contactId: z.uuid().nullable(),
  /** A new visitor whose name and company look like a contact of the pool: a duplicate suggestion was filed. */
  duplicateSuggested: z.boolean(),
  handoverId: z.uuid().nullable(),
  doubleOptIn: z.enum(['confirmation_sent', 'already_granted', 'not_requested']),
  error: z.object({ field: z.string(), message: z.string() }).nullable(),
})

export const visitorProfileSchema = z.object({
  contactId: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  subsidiary: z.string(),
  consent: z.enum(['none', 'pending', 'granted', 'revoked']),
  customer: z.boolean(),
  score: z.object({ grade: z.string(), level: z.number().int() }).nullable(),
  tags: z.array(z.string()),
  products: z.array(z.string()),
  recentActivity: z.array(z.object({ type: z.string(), at: timestamp })),
  openHandovers: z.array(z.object({ id: z.uuid(), createdAt: timestamp, repEmail: z.string().nullable() })),
  /** What the stand captured so far (per field, with its time). */
  captured: z.record(z.string(), z.object({ value: z.unknown(), at: z.string(), by: z.string().optional() })),
})

export const fairDaySchema = z.object({
  fair: fairSchema,
  day: z.iso.date(),
  rep: z.object({ email: z.string(), name: z.string().nullable() }),
  appointments: z.array(z.object({ meetingId: z.uuid(), contactId: z.uuid(), repName: z.string(), repEmail: z.string(), startsAt: timestamp, endsAt: timestamp, heldAt: timestamp.nullable() })),
  profiles: z.array(visitorProfileSchema),
  consentText: z.object({ purpose: z.string(), version: z.number().int(), texts: z.record(z.string(), z.string()) }).nullable(),
})

export const fairFiguresSchema = z.object({
  fairId: z.uuid(),
  campaignId: z.uuid(),
  visitors: z.number().int(),
  leadsCaptured: z.number().int(),
  meetingsBooked: z.number().int(),
  meetingsHeld: z.number().int(),
  consentsCollected: z.number().int(),
  handovers: z.number().int(),
  opportunities: z.number().int(),
  wonRevenue: z.number(),
  pipelineValue: z.number(),
  costs: z.number(),
  /** (won revenue − costs) / costs; null without costs. */
  roi: z.number().nullable(),
})

export const fairs = {
  list: defineRoute({
    method: 'get',
    path: '/fairs',
    summary: 'Fairs of your subsidiaries (sales reps: those they are on duty at)',
    permission: 'fairs.read',
    responses: { 200: z.object({ fairs: z.array(fairSchema.extend({ reps: z.number().int(), meetings: z.number().int() })) }) },
  }),
  day: defineRoute({
    method: 'get',
    path: '/fairs/:id/day',
    summary: 'A day at the stand: appointments, the visitors’ profiles and the consent text (what the booth app prefetches)',
    permission: 'fairs.read',
    params: idParams,
    notFound: 'fair',
    query: z.strictObject({ day: z.iso.date('day: a date such as 2026-05-05').optional() }),
    responses: { 200: fairDaySchema },
  }),
  sync: defineRoute({
    method: 'post',
    path: '/fairs/:id/captures',
    summary: 'Sync captures from the stand: idempotent per capture id, merged per field by time, matched against the pool',
    description: 'Each capture is answered on its own (a bad one does not hold back the others). A hot rating hands the lead to sales with the usual SLA; consent collected at the stand starts the double opt-in mail.',
    permission: 'fairs.capture',
    params: idParams,
    notFound: 'fair',
    body: z.strictObject({ captures: z.array(z.unknown()).min(1, 'captures: at least one').max(100, 'captures: at most 100 at a time') }),
    responses: { 200: z.object({ results: z.array(syncResultSchema) }) },
  }),
  bookingLink: defineRoute({
    method: 'post',
    path: '/fairs/:id/booking-links',
    summary: 'A signed, expiring link to the booking page for one contact (what the invitation mail carries)',
    permission: 'fairs.invite',
    params: idParams,
    notFound: 'fair',
    body: z.strictObject({ contactId: z.uuid('contactId: a contact id') }),
    responses: { 200: z.object({ url: z.string(), expiresAt: timestamp }) },
  }),
  linkCampaign: defineRoute({
    method: 'post',
    path: '/fairs/:id/campaigns',
    summary: 'Link a campaign to the fair it invites to: its mails’ {{ fair.* }} and booking links name this fair',
    description: 'A campaign invites to one fair; linking it to another moves it. The fair’s own campaign names it without a link.',
    permission: 'fairs.invite',
    params: idParams,
    notFound: 'fair',
    body: z.strictObject({ campaignId: z.uuid('campaignId: a campaign id') }),
    responses: { 200: z.object({ fairId: z.uuid(), campaignId: z.uuid() }) },
  }),
  figures: defineRoute({
    method: 'get',
    path: '/fairs/:id/figures',
    summary: 'What the fair brought: leads captured, meetings held, opportunities and revenue from its visitors, its costs and ROI',
    permission: 'reports.read',
    params: idParams,
    notFound: 'fair',
    responses: { 200: fairFiguresSchema },
  }),
}

export type Capture = z.output<typeof captureSchema>
export type CaptureInput = z.input<typeof captureSchema>
export type FairDay = z.output<typeof fairDaySchema>
export type VisitorProfile = z.output<typeof visitorProfileSchema>
export type SyncResult = z.output<typeof syncResultSchema>
export type FairFigures = z.output<typeof fairFiguresSchema>

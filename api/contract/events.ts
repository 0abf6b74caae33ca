import { z } from 'zod'
import { CATALOGUED_EVENT_TYPES, EVENT_CATALOGUE } from '../../engine/events/catalogue'
import { eventTypeSchema } from '../../engine/nodes/property-filter'
import { defineRoute } from './route'
import { emailAddress } from '../input-schemas'

// The events API (api/events.ts): one event, a batch of up to 500, or Segment's track, identify and batch
// payloads as Segment and RudderStack sources send them (api/segment.ts translates them).

export const LOCALES = ['de', 'fr', 'it', 'es', 'en'] as const
export const MAX_BATCH = 500

export const contactInputSchema = z.strictObject({
  email: emailAddress(),
  firstName: z.string().trim().max(100).optional(),
  lastName: z.string().trim().max(100).optional(),
  salutation: z.enum(['mr', 'ms', 'none']).optional(),
  company: z.string().trim().max(200).optional(),
  locale: z.enum(LOCALES).optional(),
  subsidiary: z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as DE or FR').optional(),
  attributes: z.record(z.string().min(1).max(100), z.unknown()).optional(),
})

/**
 * An event's type: one of the event catalogue's (engine/events/catalogue.ts), whose meaning campaigns,
 * scoring and reporting know, or any other name your sources send (Segment's "Order Completed" arrives as
 * order_completed), which campaigns can trigger on and wait for.
 */
export const eventTypeInputSchema = eventTypeSchema.meta({
  description: `The event type. Catalogued: ${CATALOGUED_EVENT_TYPES.map((type) => `\`${type}\` (${EVENT_CATALOGUE[type].meaning.en})`).join('; ')}. Any other lower-case name is stored as your own event type.`,
  examples: [...CATALOGUED_EVENT_TYPES],
})

export const eventInputSchema = z.strictObject({
  /** The client's own id for the event; sending it again answers the stored event instead of storing a second. */
  id: z.string().trim().min(1, 'must not be empty').max(200, 'at most 200 characters').optional(),
  type: eventTypeInputSchema,
  contact: contactInputSchema,
  properties: z.record(z.string().min(1).max(100), z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).default({}),
  occurredAt: z.iso.datetime({ offset: true }).optional(),
})

/** Segment's common fields (segment.com/docs/connections/spec/common): the contact is found by traits.email or an e-mail userId. */
const segmentCommon = {
  messageId: z.string().optional(),
  userId: z.string().nullable().optional(),
  anonymousId: z.string().nullable().optional(),
  timestamp: z.string().optional(),
  context: z.looseObject({ traits: z.record(z.string(), z.unknown()).optional() }).optional(),
}
export const segmentTrackSchema = z.looseObject({ type: z.literal('track'), event: z.string().min(1), properties: z.record(z.string(), z.unknown()).optional(), ...segmentCommon })
export const segmentIdentifySchema = z.looseObject({ type: z.literal('identify'), traits: z.record(z.string(), z.unknown()).optional(), ...segmentCommon })
export const segmentBatchSchema = z.looseObject({ batch: z.array(z.union([segmentTrackSchema, segmentIdentifySchema])).min(1).max(MAX_BATCH), context: z.record(z.string(), z.unknown()).optional() })

const storedEvent = z.object({ eventId: z.uuid(), contactId: z.uuid(), contactCreated: z.boolean(), duplicate: z.boolean() })
const batchAnswer = z.object({
  accepted: z.array(storedEvent.extend({ index: z.number().int() })),
  rejected: z.array(z.object({ index: z.number().int(), status: z.number().int(), code: z.string(), field: z.string(), message: z.string() })),
})

const idempotencyKey = { 'Idempotency-Key': { description: 'Identifies a single event like its `id`: sent again, the stored event is answered', schema: z.string().min(1).max(200) } }
const responses = { 200: storedEvent, 202: z.union([storedEvent, batchAnswer]), 207: batchAnswer, 400: batchAnswer }
const errors = { 403: ['forbidden'], 404: ['not_found'], 409: ['conflict'], 413: ['too_large'] } as const

export const events = {
  send: defineRoute({
    method: 'post',
    path: '/events',
    summary: 'Store one event (202), a batch {"events": [...]} of up to 500 (202, 207 when some were rejected), or a Segment payload',
    description:
      'Each event is stored with its contact in its own transaction, then acknowledged. An event with an `id` (or a single one with an Idempotency-Key) seen before is answered from the store (`duplicate`, 200 for a single one). Segment `track`, `identify` and `batch` payloads are taken as they are.',
    permission: 'events.send',
    headers: idempotencyKey,
    body: z.union([eventInputSchema, z.strictObject({ events: z.array(eventInputSchema).min(1).max(MAX_BATCH) }), segmentTrackSchema, segmentIdentifySchema, segmentBatchSchema]),
    bodyCheckedBy: 'handler',
    responses,
    errors,
  }),
  segmentTrack: defineRoute({
    method: 'post',
    path: '/segment/v1/track',
    summary: 'Segment-compatible track: the event name becomes the event type ("Order Completed" → order_completed)',
    permission: 'events.send',
    body: segmentTrackSchema,
    bodyCheckedBy: 'handler',
    responses,
    errors,
  }),
  segmentIdentify: defineRoute({
    method: 'post',
    path: '/segment/v1/identify',
    summary: 'Segment-compatible identify: updates the contact from its traits (stored as an identify event)',
    permission: 'events.send',
    body: segmentIdentifySchema,
    bodyCheckedBy: 'handler',
    responses,
    errors,
  }),
  segmentBatch: defineRoute({
    method: 'post',
    path: '/segment/v1/batch',
    summary: 'Segment-compatible batch of track and identify calls',
    permission: 'events.send',
    body: segmentBatchSchema,
    bodyCheckedBy: 'handler',
    responses,
    // A batch answers a contact outside your subsidiaries or a reused id per item, inside its 207 or 400
    // (rejected[]): never as the whole answer's status.
    errors: { 413: ['too_large'] },
  }),
}

import { z } from 'zod'
import { formatDuration, parseDuration } from '../campaign/duration'
import { defineNodeType } from './node-type'
import { durationSchema } from './wait'

const MAX_TIMEOUT_MS = 60_000

const config = z.strictObject({
  url: z.url({ protocol: /^https?$/, error: 'an http:// or https:// address' }).max(2000),
  method: z.enum(['POST', 'PUT', 'PATCH']).default('POST'),
  // How long one call may take before it counts as unanswered (and is tried again).
  timeout: durationSchema.refine((text) => parseDuration(text)! <= MAX_TIMEOUT_MS, 'a call may take at most 60 seconds').default('10s'),
  // Calls that get no answer, a 5xx, 408 or 429 are tried again with growing pauses (1 s, 2 s, 4 s …
  // up to 5 minutes); after this many the contact takes the "failed" branch. 8 tries span about 4 minutes.
  attempts: z.number().int().min(1).max(20).default(8),
  // Fixed fields the receiver needs, e.g. {"list": "hydrostat-owners"}, sent as the body's "data".
  data: z.record(z.string().min(1).max(100), z.union([z.string().max(2000), z.number(), z.boolean()])).default({}),
})

export type WebhookConfig = z.output<typeof config>

function shortUrl(url: string): string {
  // The query may carry a receiver's token: the canvas shows host and path only.
  try {
    const parsed = new URL(url)
    return parsed.host + (parsed.pathname === '/' ? '' : parsed.pathname)
  } catch {
    return url
  }
}

/**
 * Tells another system about the contact (CRM, ERP, a sales tool): a signed JSON call. The campaign
 * goes on either way: "ok" when the receiver accepted it, "failed" when it refused (4xx) or never
 * answered in all attempts, so marketers decide what a failed call means for the contact.
 */
export const webhook = defineNodeType({
  type: 'webhook',
  label: 'Webhook',
  description: 'Calls another system (CRM, ERP …) with the contact and the campaign, signed, and branches on whether it accepted.',
  category: 'flow',
  configSchema: config,
  defaults: { url: 'https://', method: 'POST', timeout: '10s', attempts: 8, data: {} },
  hasInput: true,
  waits: false,
  outputs: () => [
    { id: 'ok', label: 'accepted' },
    { id: 'failed', label: 'failed' },
  ],
  summary: (c) => `${c.method} ${shortUrl(c.url)}, up to ${formatDuration(c.timeout)} per call`,
  step: async (c, context) => {
    const { enrolment, nodeId, visit } = context
    const result = await context.activities.callWebhook({
      ...enrolment,
      nodeId,
      visit,
      url: c.url,
      method: c.method,
      timeoutMs: parseDuration(c.timeout)!,
      attempts: c.attempts,
      data: c.data,
    })
    return { next: result.outcome === 'delivered' ? 'ok' : 'failed' }
  },
})

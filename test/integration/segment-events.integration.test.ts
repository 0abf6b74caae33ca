import { afterAll, beforeAll, describe, expect, it } from 'vitest'
import { startTestSystem, type TestSystem } from '../helpers/system'

// An existing Segment or RudderStack source sends here unchanged: its write key is the API token (Basic
// user name), its track / identify / batch payloads become events of the contact named by e-mail.
let system: TestSystem
beforeAll(async () => {
  system = await startTestSystem({ runWorker: false })
})
afterAll(() => system?.stop())

const segment = async (path: string, body: unknown) => {
  const response = await fetch(`${system.baseUrl}${path}`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', authorization: `Basic ${Buffer.from(`${await system.token()}:`).toString('base64')}` },
    body: JSON.stringify(body),
  })
  return { status: response.status, body: (await response.json()) as any }
}

describe('Segment-shaped events', () => {
  it('stores a track call as an event of the contact in its traits, with its properties', async () => {
    const track = {
      type: 'track',
      event: 'Order Completed',
      userId: 'u-1001',
      messageId: 'segment-msg-1',
      timestamp: '2026-11-30T10:00:00.000Z',
      context: { traits: { email: 'segment.buyer@example.com', firstName: 'Sina', company: 'Seg GmbH' }, library: { name: 'analytics-node' } },
      properties: { product: 'HydroStat 2000', revenue: 1290, items: [{ sku: 'HS2000' }] },
    }
    const response = await segment('/api/segment/v1/track', track)
    expect(response.status).toBe(202)
    const [event] = await system.sql`select e.type, e.properties, e.occurred_at, c.first_name, c.company from events e join contacts c on c.id = e.contact_id where e.id = ${response.body.eventId}`
    expect(event).toMatchObject({ type: 'order_completed', properties: { product: 'HydroStat 2000', revenue: 1290, items: '[{"sku":"HS2000"}]' }, first_name: 'Sina', company: 'Seg GmbH' })
    expect(new Date(event!.occurred_at).toISOString()).toBe('2026-11-30T10:00:00.000Z')
    // Segment retries with the same messageId: nothing is stored twice.
    expect(await segment('/api/events', track)).toMatchObject({ status: 200, body: { duplicate: true, eventId: response.body.eventId } })
  })

  it('updates the contact from an identify call, and answers a batch item by item naming the one without an e-mail', async () => {
    const identify = { type: 'identify', userId: 'segment.buyer@example.com', traits: { lastName: 'Seger', industry: 'pumps' } }
    expect((await segment('/api/segment/v1/identify', identify)).status).toBe(202)
    const [contact] = await system.sql`select last_name, attributes from contacts where email = 'segment.buyer@example.com'`
    expect(contact).toMatchObject({ last_name: 'Seger', attributes: { industry: 'pumps' } })

    const batch = await segment('/api/segment/v1/batch', {
      batch: [
        { type: 'track', event: 'Webinar Attended', context: { traits: { email: 'segment.buyer@example.com' } } },
        { type: 'track', event: 'Webinar Attended', anonymousId: 'anon-7' },
      ],
    })
    expect(batch.status).toBe(207)
    expect(batch.body.accepted.map((event: { index: number }) => event.index)).toEqual([0])
    expect(batch.body.rejected).toMatchObject([{ index: 1, field: 'events.1.contact.email' }])
  })
})

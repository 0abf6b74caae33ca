import { createHmac } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { webhookSignature } from '../../activities/signed-post'
import { webhookIdempotencyKey } from '../../activities/webhook'
import { webhook } from '../../engine/nodes/webhook'

describe('webhook signature', () => {
  it('is sha256= and the hex HMAC-SHA256 of the raw body under the secret (RFC 4231 test case 2)', () => {
    expect(webhookSignature('Jefe', 'what do ya want for nothing?')).toBe('sha256=5bdcc146bf60754e6a042426089575c75a003f089d2739839dec58b964ec3843')
  })

  it('changes with every byte of the body and with the secret, and reads the body as UTF-8', () => {
    const body = JSON.stringify({ contact: { firstName: 'Élodie' } })
    expect(webhookSignature('s3cret', body)).toBe(`sha256=${createHmac('sha256', 's3cret').update(Buffer.from(body, 'utf8')).digest('hex')}`)
    expect(webhookSignature('s3cret', body)).not.toBe(webhookSignature('s3cret', `${body} `))
    expect(webhookSignature('s3cret', body)).not.toBe(webhookSignature('other', body))
  })

  it('keys every attempt of one call alike: enrolment, step and pass', () => {
    expect(webhookIdempotencyKey({ enrolmentId: 'e1', nodeId: 'notify-crm', visit: 2 })).toBe('e1.notify-crm.2')
  })

  it('accepts http(s) addresses only and calls of at most a minute', () => {
    expect(webhook.configSchema.safeParse({ url: 'https://crm.example/hooks/kessler' }).success).toBe(true)
    expect(webhook.configSchema.safeParse({ url: 'ftp://crm.example/' }).success).toBe(false)
    expect(webhook.configSchema.safeParse({ url: 'https://crm.example/', timeout: '2m' }).success).toBe(false)
    expect(webhook.summary(webhook.configSchema.parse({ url: 'https://crm.example/hooks?token=abc' }))).toBe('POST crm.example/hooks, up to 10 seconds per call')
  })
})

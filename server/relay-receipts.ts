import type { RelayReceipts } from '../db/messages'
import { SETTLE_INTERRUPTED_SEND_MS } from './mail-transport'

/**
 * The relay's record of accepted mail over HTTP (SMTP_RECEIPTS_URL): `GET <url>?messageId=<Message-ID>`
 * answers `{"accepted": true|false}`. The built-in SMTP sink serves it (server/smtp-sink.ts); for a
 * production relay, a small adapter over its log or its provider's message API answers the same. Any
 * other answer, or none within 10 s, is an error: the send is then settled on a later retry.
 */
export function httpRelayReceipts(url: string): RelayReceipts {
  return {
    async lookup(messageId) {
      const target = new URL(url)
      target.searchParams.set('messageId', messageId)
      const response = await fetch(target, { signal: AbortSignal.timeout(10_000) })
      if (!response.ok) throw new Error(`relay receipts: ${target.origin}${target.pathname} answered ${response.status} for ${messageId}`)
      const body = (await response.json()) as { accepted?: unknown }
      if (typeof body.accepted !== 'boolean') throw new Error(`relay receipts: no "accepted" true/false in the answer for ${messageId}`)
      return { accepted: body.accepted }
    },
  }
}

/**
 * What the send activity gets to settle interrupted sends: the built-in sink's record when it is the
 * relay (npm start), else SMTP_RECEIPTS_URL's, else none (such sends stay unknown, listed by the API).
 */
export function relaySettlement(options: { receiptsUrl?: string; sink?: { accepted(messageId: string): boolean } | null }): { receipts?: RelayReceipts; settleMs: number } {
  const receipts: RelayReceipts | undefined = options.sink
    ? { lookup: async (messageId) => ({ accepted: options.sink!.accepted(messageId) }) }
    : options.receiptsUrl
      ? httpRelayReceipts(options.receiptsUrl)
      : undefined
  return { receipts, settleMs: SETTLE_INTERRUPTED_SEND_MS }
}

import { createHmac } from 'node:crypto'

// One signed JSON POST, as campaign webhooks (activities/webhook.ts) and the CRM push of a handover
// (activities/crm-push.ts) send it. Receivers verify X-Signature over the raw bytes and drop repeats by
// Idempotency-Key; what to do with the answer (retry, branch, record) is the caller's.

/** `sha256=<hex HMAC-SHA256 of the raw body>`: receivers recompute it over the bytes they got. */
export function webhookSignature(secret: string, rawBody: string): string {
  return `sha256=${createHmac('sha256', secret).update(rawBody, 'utf8').digest('hex')}`
}

export interface SignedPost {
  url: string
  method?: 'POST' | 'PUT' | 'PATCH'
  /** The JSON text sent, byte for byte what is signed. */
  rawBody: string
  secret: string
  idempotencyKey: string
  userAgent: string
  timeoutMs: number
  /** Aborts the request when the activity is cancelled. */
  cancelled?: AbortSignal
}

export type SignedPostAnswer =
  | { kind: 'delivered'; status: number }
  /** An HTTP answer other than 2xx; `worthRetrying` for 5xx, 408 and 429 (down, overloaded or slow). */
  | { kind: 'refused'; status: number; reason: string; worthRetrying: boolean }
  | { kind: 'no_answer'; reason: string }

export async function postSignedJson(post: SignedPost): Promise<SignedPostAnswer> {
  const timeout = AbortSignal.timeout(post.timeoutMs)
  let response: Response
  try {
    response = await fetch(post.url, {
      method: post.method ?? 'POST',
      headers: {
        'content-type': 'application/json',
        'user-agent': post.userAgent,
        'x-signature': webhookSignature(post.secret, post.rawBody),
        'idempotency-key': post.idempotencyKey,
      },
      body: post.rawBody,
      // A redirect would turn a signed POST into an unsigned GET elsewhere: it counts as a refusal.
      redirect: 'manual',
      signal: post.cancelled ? AbortSignal.any([timeout, post.cancelled]) : timeout,
    })
  } catch (error) {
    if (post.cancelled?.aborted) throw error
    return { kind: 'no_answer', reason: timeout.aborted ? `no answer within ${post.timeoutMs} ms` : `no answer: ${(error as Error).cause ?? (error as Error).message}` }
  }
  if (response.ok) {
    await response.body?.cancel()
    return { kind: 'delivered', status: response.status }
  }
  const excerpt = (await response.text().catch(() => '')).slice(0, 200).trim()
  const status = response.status
  return { kind: 'refused', status, reason: `${status} ${response.statusText}${excerpt ? `: ${excerpt}` : ''}`, worthRetrying: status >= 500 || status === 408 || status === 429 }
}

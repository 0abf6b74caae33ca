import { createHmac, timingSafeEqual } from 'node:crypto'

// Signed tokens for everything that leaves the system in a URL or header: tracked links, the open
// pixel, unsubscribe links and API access. A token is base64url(JSON) + "." + HMAC-SHA256 over it, with
// the purpose mixed into the key so a click token can never pass as an API token.
// 'contact' is the tracking cookie that names a known visitor; 'confirm' the double opt-in link;
// 'web_version' a mailing's link to the mail as sent;
// 'fair_booking' the booking page of a fair invitation, 'fair_visitor' the QR code of a booked meeting.
export type TokenPurpose = 'click' | 'open' | 'unsubscribe' | 'api' | 'contact' | 'confirm' | 'invitation' | 'password_reset' | 'web_version' | 'fair_booking' | 'fair_visitor'

export interface TokenSigner {
  sign(purpose: TokenPurpose, payload: object): string
  /** The payload, or null when the token was tampered with, is malformed or was signed for another purpose. */
  verify<T>(purpose: TokenPurpose, token: string): T | null
}

/** A secret for another purpose (e.g. webhook signatures) derived from the app secret, so one secret is enough to run. */
export function deriveSecret(appSecret: string, purpose: string): string {
  return createHmac('sha256', appSecret).update(`derived:${purpose}`).digest('base64url')
}

export function createTokenSigner(secret: string): TokenSigner {
  const mac = (purpose: TokenPurpose, body: string) => createHmac('sha256', `${purpose}:${secret}`).update(body).digest()
  return {
    sign(purpose, payload) {
      const body = Buffer.from(JSON.stringify(payload)).toString('base64url')
      return `${body}.${mac(purpose, body).toString('base64url')}`
    },
    verify<T>(purpose: TokenPurpose, token: string): T | null {
      const [body, signature, ...rest] = token.split('.')
      if (!body || !signature || rest.length) return null
      const expected = mac(purpose, body)
      const given = Buffer.from(signature, 'base64url')
      if (given.length !== expected.length || !timingSafeEqual(given, expected)) return null
      try {
        return JSON.parse(Buffer.from(body, 'base64url').toString('utf8')) as T
      } catch {
        return null
      }
    },
  }
}

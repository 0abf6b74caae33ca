import type { TokenSigner } from '../tracking/tokens'

// What a fair's signed links carry: the contact, the fair and when the token stops working (epoch
// seconds). The booking link goes out in the invitation; the visitor token is the QR code of a booked
// meeting, scanned at the stand. Both are HMAC-signed (tracking/tokens.ts), each for its own purpose.

export interface FairTokenPayload {
  c: string
  f: string
  x: number
}

export type FairTokenCheck = { ok: true; contactId: string; fairId: string; expiresAt: Date } | { ok: false; reason: 'invalid' | 'expired' }

const DAY_MS = 86_400_000

/** The QR token is good until a day after the fair ends; the booking link until the fair begins. */
export function signFairToken(tokens: TokenSigner, purpose: 'fair_booking' | 'fair_visitor', contactId: string, fairId: string, expiresAt: Date): string {
  return tokens.sign(purpose, { c: contactId, f: fairId, x: Math.floor(expiresAt.getTime() / 1000) } satisfies FairTokenPayload)
}

export function checkFairToken(tokens: TokenSigner, purpose: 'fair_booking' | 'fair_visitor', token: string, now = Date.now()): FairTokenCheck {
  const payload = tokens.verify<FairTokenPayload>(purpose, token)
  if (!payload || typeof payload.c !== 'string' || typeof payload.f !== 'string' || typeof payload.x !== 'number') return { ok: false, reason: 'invalid' }
  if (payload.x * 1000 < now) return { ok: false, reason: 'expired' }
  return { ok: true, contactId: payload.c, fairId: payload.f, expiresAt: new Date(payload.x * 1000) }
}

/** The end of the fair's last day plus one, when its QR codes stop working. */
export const visitorTokenExpiry = (endsOn: string) => new Date(Date.parse(`${endsOn}T00:00:00Z`) + 2 * DAY_MS)
/** Booking stays open until the fair's last day. */
export const bookingTokenExpiry = (endsOn: string) => new Date(Date.parse(`${endsOn}T00:00:00Z`) + DAY_MS)

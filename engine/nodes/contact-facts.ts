import { DEFAULT_TIME_ZONE, isTimeZone } from './zoned-time'

export const CONSENT_STATUSES = ['none', 'pending', 'granted', 'revoked'] as const
export type ConsentStatus = (typeof CONSENT_STATUSES)[number]

/**
 * What steps may know about a contact when they branch or time something: read fresh by the
 * loadContactFacts activity each time a step needs it, so a tag set a minute ago counts. Later facts
 * (score, persona, segment membership) are added here when their issues come.
 */
export interface ContactFacts {
  attributes: Record<string, unknown>
  tags: string[]
  consent: ConsentStatus
  /** The subsidiary's code: DE, FR, IT, ES. */
  subsidiary: string
  /** The zone of the contact's clock: their own, else their subsidiary's, else the headquarters'. */
  timeZone: string
  /** Slugs of the personas the contact matches (match at or above the persona's threshold). */
  personas?: string[]
  /** The contact's cell of the scoring matrix (A1 … D4), null before their first score. */
  cell?: string | null
}

/** The first of the candidates that is a real IANA zone; a typo in a contact's zone falls back rather than failing. */
export function resolveTimeZone(...candidates: (string | null | undefined)[]): string {
  return candidates.find(isTimeZone) ?? DEFAULT_TIME_ZONE
}

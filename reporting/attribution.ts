// Attribution models as pure functions: which share of a won deal's revenue each campaign earned, from the
// contact's touch log. No database, no clock: the refresher (attribution-refresher.ts) feeds them, the
// property test (test/unit/attribution.test.ts) checks that every model hands out exactly the deal's cents.

export const ATTRIBUTION_MODELS = ['first', 'last', 'linear', 'u_shaped', 'w_shaped', 'time_decay'] as const
export type AttributionModel = (typeof ATTRIBUTION_MODELS)[number]

export interface CreditableTouch {
  campaignId: string
  /** Milliseconds since the epoch. */
  at: number
  kind: string
  machine: boolean
  /** Tie-break for touches at the same instant (the touch log's id), so the order is always the same. */
  seq: number
}

export interface AttributionSettings {
  lookbackDays: number
  halfLifeDays: number
}

export interface CampaignCredit {
  campaignId: string
  /** This campaign's share of the deal (shares of one deal add up to 1). */
  share: number
  cents: number
}

const DAY_MS = 86_400_000

/** The touches a model may credit: human ones, within the lookback window before the close, in time order. */
export function creditableTouches(touches: readonly CreditableTouch[], closedAt: number, settings: AttributionSettings): CreditableTouch[] {
  const from = closedAt - settings.lookbackDays * DAY_MS
  return touches
    .filter((touch) => !touch.machine && touch.at <= closedAt && touch.at >= from)
    .sort((a, b) => a.at - b.at || a.seq - b.seq)
}

/** Each touch's weight under a model (touches in time order; weights add up to 1; empty for no touches). */
export function touchWeights(model: AttributionModel, touches: readonly CreditableTouch[], closedAt: number, settings: AttributionSettings): number[] {
  const n = touches.length
  if (n === 0) return []
  if (n === 1) return [1]
  const weights = new Array<number>(n).fill(0)
  switch (model) {
    case 'first':
      weights[0] = 1
      return weights
    case 'last':
      weights[n - 1] = 1
      return weights
    case 'linear':
      return weights.fill(1 / n)
    case 'u_shaped': {
      if (n === 2) return [0.5, 0.5]
      weights[0] = 0.4
      weights[n - 1] = 0.4
      for (let i = 1; i < n - 1; i++) weights[i] = 0.2 / (n - 2)
      return weights
    }
    case 'w_shaped': {
      if (n <= 3) return weights.fill(1 / n)
      // The three key touches: first, the lead's conversion (its last handover touch before the close, else
      // the middle touch) and last; 30 % each, the other 10 % spread over the touches between.
      let middle = -1
      for (let i = n - 2; i > 0; i--) if (touches[i]!.kind === 'handover') { middle = i; break }
      if (middle < 0) middle = Math.floor((n - 1) / 2)
      const key = new Set([0, middle, n - 1])
      for (let i = 0; i < n; i++) weights[i] = key.has(i) ? 0.3 : 0.1 / (n - 3)
      return weights
    }
    case 'time_decay': {
      const halfLifeMs = settings.halfLifeDays * DAY_MS
      const raw = touches.map((touch) => 2 ** (-(closedAt - touch.at) / halfLifeMs))
      const sum = raw.reduce((a, b) => a + b, 0)
      return raw.map((w) => w / sum)
    }
  }
}

/**
 * Splits `cents` over campaigns by their share, exactly: every campaign gets the whole cents below its
 * share, and the cents left over go one each to the largest fractions (ties: campaign id ascending), so the
 * parts always add up to `cents` and the same input always gives the same split.
 */
export function splitCents(cents: number, shares: ReadonlyMap<string, number>): Map<string, number> {
  const ids = [...shares.keys()].sort()
  const total = ids.reduce((sum, id) => sum + shares.get(id)!, 0)
  const result = new Map<string, number>()
  if (ids.length === 0 || total <= 0) return result
  const exact = ids.map((id) => ({ id, value: (cents * shares.get(id)!) / total }))
  const parts = exact.map((e) => ({ id: e.id, cents: Math.floor(e.value), fraction: e.value - Math.floor(e.value) }))
  let rest = cents - parts.reduce((sum, p) => sum + p.cents, 0)
  const byFraction = [...parts].sort((a, b) => b.fraction - a.fraction || (a.id < b.id ? -1 : 1))
  // rest is 0…n in exact arithmetic; floating point may leave it one off either way.
  for (let i = 0; rest > 0; i = (i + 1) % byFraction.length, rest--) byFraction[i]!.cents++
  for (let i = byFraction.length - 1; rest < 0; i = (i - 1 + byFraction.length) % byFraction.length) {
    if (byFraction[i]!.cents > 0) {
      byFraction[i]!.cents--
      rest++
    }
  }
  for (const part of parts) result.set(part.id, part.cents)
  return result
}

/** One deal under one model: each campaign's share and cents; empty when no touch may be credited (unattributed). */
export function attributeDeal(
  model: AttributionModel,
  touches: readonly CreditableTouch[],
  closedAt: number,
  cents: number,
  settings: AttributionSettings,
): CampaignCredit[] {
  const credited = creditableTouches(touches, closedAt, settings)
  const weights = touchWeights(model, credited, closedAt, settings)
  const shares = new Map<string, number>()
  credited.forEach((touch, i) => shares.set(touch.campaignId, (shares.get(touch.campaignId) ?? 0) + weights[i]!))
  const split = splitCents(cents, shares)
  return [...split.entries()].map(([campaignId, part]) => ({ campaignId, share: shares.get(campaignId)!, cents: part }))
}

/** Splits a second figure (production cost) in the same proportions as the deal's shares. */
export function splitLike(credits: readonly CampaignCredit[], cents: number): Map<string, number> {
  return splitCents(cents, new Map(credits.map((credit) => [credit.campaignId, credit.share])))
}

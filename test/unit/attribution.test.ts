import fc from 'fast-check'
import { describe, expect, it } from 'vitest'
import { ATTRIBUTION_MODELS, attributeDeal, splitCents, splitLike, touchWeights, type CreditableTouch } from '../../reporting/attribution'

const DAY = 86_400_000
const CLOSED = Date.UTC(2026, 5, 30)
const settings = { lookbackDays: 90, halfLifeDays: 7 }

const touchLog = fc.array(
  fc.record({
    campaignId: fc.constantFrom('c-alpha', 'c-beta', 'c-gamma', 'c-delta', 'c-epsilon'),
    // Some before the lookback window, some after the close: those must never be credited.
    at: fc.integer({ min: CLOSED - 120 * DAY, max: CLOSED + 5 * DAY }),
    kind: fc.constantFrom('enrolment', 'delivered', 'open', 'click', 'form', 'handover'),
    machine: fc.boolean(),
    seq: fc.nat(),
  }),
  { maxLength: 40 },
)

const creditable = (touches: CreditableTouch[]) => touches.filter((t) => !t.machine && t.at <= CLOSED && t.at >= CLOSED - settings.lookbackDays * DAY)

describe('attribution models', () => {
  it('every model hands out exactly the won cents of a touched deal, none of an untouched one, never to a machine or out-of-window touch', () => {
    fc.assert(
      fc.property(touchLog, fc.integer({ min: 0, max: 5_000_000_000 }), fc.constantFrom(...ATTRIBUTION_MODELS), (touches, cents, model) => {
        const credits = attributeDeal(model, touches, CLOSED, cents, settings)
        const eligible = creditable(touches)
        if (eligible.length === 0) return credits.length === 0
        const sum = credits.reduce((s, c) => s + c.cents, 0)
        const shares = credits.reduce((s, c) => s + c.share, 0)
        const campaigns = new Set(eligible.map((t) => t.campaignId))
        return sum === cents && Math.abs(shares - 1) < 1e-9 && credits.every((c) => c.cents >= 0 && campaigns.has(c.campaignId))
      }),
      { numRuns: 3000 },
    )
  })

  it('the same touches in any order give the same split (remainder cents go by a fixed rule)', () => {
    fc.assert(
      fc.property(touchLog, fc.integer({ min: 0, max: 1_000_000 }), fc.constantFrom(...ATTRIBUTION_MODELS), (touches, cents, model) => {
        const a = attributeDeal(model, touches, CLOSED, cents, settings)
        const b = attributeDeal(model, [...touches].reverse(), CLOSED, cents, settings)
        const key = (credits: typeof a) => JSON.stringify([...credits].sort((x, y) => (x.campaignId < y.campaignId ? -1 : 1)).map((c) => [c.campaignId, c.cents]))
        // Touches at the same instant with the same seq are interchangeable only when they credit the same campaign.
        const ambiguous = touches.some((t, i) => touches.some((u, j) => i !== j && t.at === u.at && t.seq === u.seq && t.campaignId !== u.campaignId))
        return ambiguous || key(a) === key(b)
      }),
      { numRuns: 1000 },
    )
  })

  it('production cost is split in the revenue shares, also to the cent', () => {
    fc.assert(
      fc.property(touchLog, fc.integer({ min: 0, max: 10_000_000 }), fc.integer({ min: 0, max: 10_000_000 }), (touches, cents, production) => {
        const credits = attributeDeal('w_shaped', touches, CLOSED, cents, settings)
        const split = splitLike(credits, production)
        return credits.length === 0 || [...split.values()].reduce((a, b) => a + b, 0) === production
      }),
    )
  })

  const t = (campaignId: string, daysBefore: number, kind = 'click', seq = daysBefore): CreditableTouch => ({ campaignId, at: CLOSED - daysBefore * DAY, kind, machine: false, seq: 100 - seq })

  it('weights follow each model: first, last, linear, U 40/20/40, W 30/30/30 + 10, time decay by half-life', () => {
    const touches = [t('a', 40), t('b', 30), t('c', 20, 'handover'), t('d', 14), t('e', 7)]
    expect(touchWeights('first', touches, CLOSED, settings)).toEqual([1, 0, 0, 0, 0])
    expect(touchWeights('last', touches, CLOSED, settings)).toEqual([0, 0, 0, 0, 1])
    expect(touchWeights('linear', touches, CLOSED, settings)).toEqual([0.2, 0.2, 0.2, 0.2, 0.2])
    expect(touchWeights('u_shaped', touches, CLOSED, settings).map((w) => +w.toFixed(4))).toEqual([0.4, 0.0667, 0.0667, 0.0667, 0.4])
    // The handover is the W's middle key touch; the two others share the 10 %.
    expect(touchWeights('w_shaped', touches, CLOSED, settings).map((w) => +w.toFixed(4))).toEqual([0.3, 0.05, 0.3, 0.05, 0.3])
    const decay = touchWeights('time_decay', [t('a', 14), t('b', 7)], CLOSED, settings)
    expect(decay[1]! / decay[0]!).toBeCloseTo(2, 10) // a week nearer the close with a 7-day half-life: twice the weight
  })

  it('a third of a cent goes to one campaign by a fixed rule, not lost', () => {
    expect([...splitCents(100, new Map([['b', 1], ['a', 1], ['c', 1]])).entries()]).toEqual([['a', 34], ['b', 33], ['c', 33]])
  })
})

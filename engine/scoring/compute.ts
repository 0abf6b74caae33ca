import { ruleHolds } from '../nodes/contact-rules'
import type { ContactFacts } from '../nodes/contact-facts'
import { parseDuration } from '../campaign/duration'
import type { Cell, Grade, ScoringModel } from './model'

// The arithmetic of lead scoring, pure so that it can be checked by hand (test/unit/scoring.test.ts).
//
// Profile: points = Σ weight × (persona match / 100 | 1 when a rule holds | 0), as a share of Σ weight
// in percent; grade A from model.profile.grades.A, B from .B, C from .C, else D.
// Activity: points(now) = Σ weight(event) × 2^(−age / halfLife); level 1 from levels[1], 2 from [2],
// 3 from [3], else 4. Decay is exponential, so the sum can be re-read at any time without replaying.

export interface ScoredEvent {
  type: string
  properties: Record<string, unknown>
  occurredAt: Date
}

/** The weight key of an event: a visit of a pricing page is its own, heavier kind. */
export function eventKind(model: ScoringModel, event: Pick<ScoredEvent, 'type' | 'properties'>): string {
  if (event.type !== 'visit') return event.type
  const where = `${event.properties.path ?? ''} ${event.properties.url ?? ''}`.toLowerCase()
  return model.activity.pricingPaths.some((path) => where.includes(path.toLowerCase())) ? 'pricing_visit' : 'visit'
}

/** 2^(−age/halfLife): 1 now, ½ after one half-life, ¼ after two. Events "from the future" (clock skew) count fully. */
export function decayFactor(ageMs: number, halfLifeMs: number): number {
  return Math.pow(2, -Math.max(0, ageMs) / halfLifeMs)
}

export function activityPoints(model: ScoringModel, events: ScoredEvent[], now: Date): number {
  const halfLife = parseDuration(model.activity.halfLife)!
  let points = 0
  for (const event of events) {
    const weight = model.activity.weights[eventKind(model, event)] ?? 0
    points += weight * decayFactor(now.getTime() - event.occurredAt.getTime(), halfLife)
  }
  return Math.round(points * 100) / 100
}

export function activityLevel(model: ScoringModel, points: number): 1 | 2 | 3 | 4 {
  const { levels } = model.activity
  return points >= levels[1] ? 1 : points >= levels[2] ? 2 : points >= levels[3] ? 3 : 4
}

/** Events older than this add less than 1/1024 of their weight: not worth reading. */
export function activityHorizonMs(model: ScoringModel): number {
  return parseDuration(model.activity.halfLife)! * 10
}

/** The profile in percent of the reachable points (0 when the model has no criteria). */
export function profilePoints(model: ScoringModel, facts: ContactFacts, personaMatches: Record<string, number>): number {
  const { criteria } = model.profile
  const total = criteria.reduce((sum, c) => sum + c.weight, 0)
  if (total <= 0) return 0
  let reached = 0
  for (const criterion of criteria) {
    if (criterion.kind === 'persona') reached += (criterion.weight * (personaMatches[criterion.persona] ?? 0)) / 100
    else if (ruleHolds(criterion.rule, facts)) reached += criterion.weight
  }
  return Math.round((reached / total) * 10_000) / 100
}

export function profileGrade(model: ScoringModel, points: number): Grade {
  const { grades } = model.profile
  return points >= grades.A ? 'A' : points >= grades.B ? 'B' : points >= grades.C ? 'C' : 'D'
}

export const cellOf = (grade: Grade, level: number) => `${grade}${level}` as Cell

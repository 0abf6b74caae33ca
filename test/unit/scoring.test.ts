import { describe, expect, it } from 'vitest'
import { postalCodeInRange, territoryRep } from '../../activities/handover-routing'
import type { ContactFacts } from '../../engine/nodes/contact-facts'
import { ruleHolds } from '../../engine/nodes/contact-rules'
import { PETER_PRODUZENT, personaMatch } from '../../engine/personas'
import { activityLevel, activityPoints, decayFactor, eventKind, profileGrade, profilePoints } from '../../engine/scoring/compute'
import { DEFAULT_SCORING_MODEL, scoringModelSchema } from '../../engine/scoring/model'

const DAY = 86_400_000
const now = new Date('2026-11-23T12:00:00Z')
const daysAgo = (days: number) => new Date(now.getTime() - days * DAY)

describe('persona match', () => {
  // Peter Produzent: position 30, industry 25, employees 50–500 20, interests 25 (total 100); threshold 70.
  it('weighs the criteria that hold: position + industry + interests = 30 + 25 + 25 = 80 %', () => {
    const attributes = { position: 'Production Manager', industry: 'Machine tools', employees: 800, interests: ['Hydraulic components', 'service'] }
    expect(personaMatch(PETER_PRODUZENT.criteria, attributes)).toBe(80)
  })
  it('position + size = 30 + 20 = 50 %, below the threshold of 70', () => {
    expect(personaMatch(PETER_PRODUZENT.criteria, { position: 'Leiter Produktion Werk 2', employees: '120', industry: 'Automotive' })).toBe(50)
  })
  it('all four: 100 %; nothing known: 0 %; a comma-separated interest list counts as a list', () => {
    expect(personaMatch(PETER_PRODUZENT.criteria, { position: 'Produktionsleiter', industry: 'werkzeugmaschinen', employees: 50, interests: 'Hydraulics, Pneumatics' })).toBe(100)
    expect(personaMatch(PETER_PRODUZENT.criteria, {})).toBe(0)
  })
  it('rounds to whole percent: weights 1 and 2, the first holds → 1/3 = 33 %', () => {
    const criteria = [
      { kind: 'one_of' as const, attribute: 'industry', values: ['x'], weight: 1 },
      { kind: 'one_of' as const, attribute: 'country', values: ['DE'], weight: 2 },
    ]
    expect(personaMatch(criteria, { industry: 'X', country: 'FR' })).toBe(33)
  })
  it('is a condition rule: the contact matches when the persona is among their matched personas', () => {
    const facts: ContactFacts = { attributes: {}, tags: [], consent: 'granted', subsidiary: 'DE', timeZone: 'Europe/Berlin', personas: ['peter-produzent'] }
    expect(ruleHolds({ kind: 'persona', operator: 'matches', persona: 'peter-produzent' }, facts)).toBe(true)
    expect(ruleHolds({ kind: 'persona', operator: 'not_matches', persona: 'peter-produzent' }, facts)).toBe(false)
    expect(ruleHolds({ kind: 'persona', operator: 'matches', persona: 'einkaeufer-erwin' }, facts)).toBe(false)
  })
  it('a score rule holds for the cells named; a contact never scored is in none', () => {
    const facts: ContactFacts = { attributes: {}, tags: [], consent: 'granted', subsidiary: 'DE', timeZone: 'Europe/Berlin', cell: 'A2' }
    expect(ruleHolds({ kind: 'score', operator: 'in', cells: ['A1', 'A2'] }, facts)).toBe(true)
    expect(ruleHolds({ kind: 'score', operator: 'not_in', cells: ['A1', 'A2'] }, facts)).toBe(false)
    expect(ruleHolds({ kind: 'score', operator: 'in', cells: ['A1'] }, { ...facts, cell: null })).toBe(false)
  })
})

describe('activity decay (half-life 30 days)', () => {
  const model = DEFAULT_SCORING_MODEL
  it('halves per half-life: 2^(-30/30) = 0.5, 2^(-60/30) = 0.25, 2^(-15/30) = 0.7071', () => {
    expect(decayFactor(30 * DAY, 30 * DAY)).toBe(0.5)
    expect(decayFactor(60 * DAY, 30 * DAY)).toBe(0.25)
    expect(decayFactor(15 * DAY, 30 * DAY)).toBeCloseTo(0.7071, 4)
    expect(decayFactor(-DAY, 30 * DAY)).toBe(1)
  })
  it('sums decayed weights: download today 8 + click 30 days ago 3 × 0.5 + pricing visit 60 days ago 10 × 0.25 = 12', () => {
    const events = [
      { type: 'download', properties: {}, occurredAt: now },
      { type: 'click', properties: {}, occurredAt: daysAgo(30) },
      { type: 'visit', properties: { path: '/de/preise' }, occurredAt: daysAgo(60) },
    ]
    expect(activityPoints(model, events, now)).toBe(12)
    // 12 ≥ 10 (level 3) and < 25 (level 2): level 3.
    expect(activityLevel(model, 12)).toBe(3)
    // Thirty days later every term halves: 4 + 1.5 × … = 6 → level 4.
    expect(activityPoints(model, events, new Date(now.getTime() + 30 * DAY))).toBe(6)
    expect(activityLevel(model, 6)).toBe(4)
  })
  it('a visit of a pricing page weighs 10, any other page 2', () => {
    expect(eventKind(model, { type: 'visit', properties: { url: 'https://kessler.example/fr/prix' } })).toBe('pricing_visit')
    expect(eventKind(model, { type: 'visit', properties: { path: '/blog' } })).toBe('visit')
    expect(activityPoints(model, [{ type: 'visit', properties: { path: '/pricing' }, occurredAt: now }, { type: 'visit', properties: { path: '/blog' }, occurredAt: now }], now)).toBe(12)
  })
  it('levels: 50 → 1, 49.99 → 2, 25 → 2, 10 → 3, 9.99 → 4', () => {
    expect([50, 49.99, 25, 10, 9.99].map((points) => activityLevel(model, points))).toEqual([1, 2, 2, 3, 4])
  })
})

describe('profile grade', () => {
  // Default criteria: persona Peter 70 (scaled by the match), consent granted 15, position known 15.
  const facts = (consent: ContactFacts['consent'], attributes: Record<string, unknown>): ContactFacts => ({ attributes, tags: [], consent, subsidiary: 'DE', timeZone: 'Europe/Berlin' })
  it('80 % match, consent, position: 70 × 0.8 + 15 + 15 = 86 % → A', () => {
    const points = profilePoints(DEFAULT_SCORING_MODEL, facts('granted', { position: 'x' }), { 'peter-produzent': 80 })
    expect(points).toBe(86)
    expect(profileGrade(DEFAULT_SCORING_MODEL, points)).toBe('A')
  })
  it('50 % match, no consent, position: 35 + 0 + 15 = 50 % → B; without position 35 % → C; nothing 0 → D', () => {
    expect(profilePoints(DEFAULT_SCORING_MODEL, facts('none', { position: 'x' }), { 'peter-produzent': 50 })).toBe(50)
    expect(profileGrade(DEFAULT_SCORING_MODEL, 50)).toBe('B')
    expect(profileGrade(DEFAULT_SCORING_MODEL, profilePoints(DEFAULT_SCORING_MODEL, facts('none', {}), { 'peter-produzent': 50 }))).toBe('C')
    expect(profileGrade(DEFAULT_SCORING_MODEL, profilePoints(DEFAULT_SCORING_MODEL, facts('none', {}), {}))).toBe('D')
  })
  it('the model has defaults for every part: A1 and B1 hand over, SLA 48 h', () => {
    const model = scoringModelSchema.parse({ activity: { halfLife: '14d' } })
    expect(model.handover).toEqual({ cells: ['A1', 'B1'], sla: '48h' })
    expect(model.profile.criteria.length).toBe(3)
    expect(scoringModelSchema.safeParse({ activity: { halfLife: 'soon' } }).error?.issues[0]?.path).toEqual(['activity', 'halfLife'])
  })
})

describe('territory routing', () => {
  const rules = [
    { country: 'DE', postal_from: '00000', postal_to: '49999', rep_id: 'north' },
    { country: 'DE', postal_from: '50000', postal_to: '99999', rep_id: 'south' },
    { country: 'FR', postal_from: '75000', postal_to: '75999', rep_id: 'paris' },
  ]
  it('picks the rep whose range holds the postal code, per country', () => {
    expect(territoryRep(rules, 'DE', '70173')).toBe('south')
    expect(territoryRep(rules, 'DE', '10115')).toBe('north')
    expect(territoryRep(rules, 'FR', '75 008')).toBe('paris')
  })
  it('no match (other country, other length, no code) leaves it to round robin', () => {
    expect(territoryRep(rules, 'FR', '69002')).toBeNull()
    expect(territoryRep(rules, 'AT', '1010')).toBeNull()
    expect(postalCodeInRange('7017', '00000', '99999')).toBe(false)
    expect(territoryRep(rules, 'DE', null)).toBeNull()
  })
})

import { z } from 'zod'
import { CONSENT_STATUSES, type ContactFacts } from './contact-facts'
import { words, type UiLanguage, type Words } from './ui'

// Rules a condition step checks against a contact's facts. Each kind is one schema in the union; kinds
// that later issues bring (persona, score, segment) already have their place, so stored drafts keep
// them, but publishing refuses them until they are implemented (plannedRuleIssues).

export const attributeNameSchema = z.string().trim().min(1, 'name the attribute').max(100)
export const tagSchema = z.string().trim().min(1, 'a tag cannot be empty').max(64, 'a tag has at most 64 characters')

export const ATTRIBUTE_OPERATORS = ['equals', 'not_equals', 'exists', 'not_exists', 'greater_than', 'less_than', 'contains'] as const

const attributeRule = z.strictObject({
  kind: z.literal('attribute'),
  attribute: attributeNameSchema,
  operator: z.enum(ATTRIBUTE_OPERATORS),
  value: z.union([z.string(), z.number(), z.boolean()]).optional(),
})
const tagRule = z.strictObject({ kind: z.literal('tag'), operator: z.enum(['has', 'has_not']).default('has'), tag: tagSchema })
const consentRule = z.strictObject({ kind: z.literal('consent'), operator: z.enum(['is', 'is_not']).default('is'), status: z.enum(CONSENT_STATUSES) })
const subsidiaryRule = z.strictObject({
  kind: z.literal('subsidiary'),
  operator: z.enum(['is', 'is_not']).default('is'),
  codes: z.array(z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as DE or FR')).min(1, 'name at least one subsidiary'),
})

// The contact matches the persona (their match reaches the persona's threshold; personas, engine/personas.ts).
const personaRule = z.strictObject({
  kind: z.literal('persona'),
  operator: z.enum(['matches', 'not_matches']).default('matches'),
  persona: z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a persona slug such as peter-produzent'),
})

// The contact stands in one of these cells of the scoring matrix (profile A–D × activity 1–4), e.g. ["A1", "A2", "B1"].
const scoreRule = z.strictObject({
  kind: z.literal('score'),
  operator: z.enum(['in', 'not_in']).default('in'),
  cells: z.array(z.string().regex(/^[A-D][1-4]$/, 'a cell from A1 to D4')).min(1, 'name at least one cell').max(16),
})

/** Rule kinds a later issue implements. Their settings are not known yet, so anything is kept as it is. */
export const PLANNED_RULE_KINDS = ['segment'] as const
const plannedRule = z.looseObject({ kind: z.enum(PLANNED_RULE_KINDS) })

export const contactRuleSchema = z.discriminatedUnion('kind', [attributeRule, tagRule, consentRule, subsidiaryRule, personaRule, scoreRule, plannedRule])
export type ContactRule = z.output<typeof contactRuleSchema>
export type PlannedRule = z.output<typeof plannedRule>

/** A set of rules that holds when all (or any) of them hold. */
export const ruleSetShape = {
  match: z.enum(['all', 'any']).default('all'),
  rules: z.array(contactRuleSchema).min(1, 'add at least one rule').max(50),
}
export type RuleSet = { match: 'all' | 'any'; rules: ContactRule[] }

const isPlanned = (rule: ContactRule): rule is PlannedRule => (PLANNED_RULE_KINDS as readonly string[]).includes(rule.kind)

const present = (value: unknown) => value !== undefined && value !== null && value !== ''

// Attribute values come from ERP imports and web forms: "250" and 250 are the same number there.
function asNumber(value: unknown): number | null {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return null
}

// Equality compares the text form, like event filters: a rule typed as "true" matches a stored true.
function sameValue(actual: unknown, expected: string | number | boolean): boolean {
  if (!present(actual)) return false
  if (typeof expected === 'number') return asNumber(actual) === expected
  return String(actual) === String(expected)
}

// "contains" is a search: it ignores case, and on a list attribute it looks for an element.
function containsValue(actual: unknown, expected: string): boolean {
  const needle = expected.toLowerCase()
  if (typeof actual === 'string') return actual.toLowerCase().includes(needle)
  if (Array.isArray(actual)) return actual.some((element) => present(element) && String(element).toLowerCase() === needle)
  return false
}

export function ruleHolds(rule: ContactRule, facts: ContactFacts): boolean {
  if (isPlanned(rule)) throw new Error(`${rule.kind} rules are not implemented; publishing refuses them`)
  switch (rule.kind) {
    case 'attribute': {
      const actual = facts.attributes[rule.attribute]
      const { value } = rule
      switch (rule.operator) {
        case 'exists':
          return present(actual)
        case 'not_exists':
          return !present(actual)
        case 'equals':
          return value !== undefined && sameValue(actual, value)
        case 'not_equals':
          return value !== undefined && !sameValue(actual, value)
        case 'greater_than':
        case 'less_than': {
          const number = asNumber(actual)
          if (number === null || typeof value !== 'number') return false
          return rule.operator === 'greater_than' ? number > value : number < value
        }
        case 'contains':
          return typeof value === 'string' && containsValue(actual, value)
      }
      return false
    }
    case 'tag':
      return facts.tags.includes(rule.tag) === (rule.operator === 'has')
    case 'consent':
      return (facts.consent === rule.status) === (rule.operator === 'is')
    case 'subsidiary':
      return rule.codes.includes(facts.subsidiary) === (rule.operator === 'is')
    case 'persona':
      return (facts.personas ?? []).includes(rule.persona) === (rule.operator === 'matches')
    case 'score':
      // Never scored: in no cell.
      return (facts.cell !== undefined && facts.cell !== null && rule.cells.includes(facts.cell)) === (rule.operator === 'in')
  }
}

export function ruleSetHolds(set: RuleSet, facts: ContactFacts): boolean {
  return set.match === 'all' ? set.rules.every((rule) => ruleHolds(rule, facts)) : set.rules.some((rule) => ruleHolds(rule, facts))
}

// A rule as marketers say it, in the designer's language: the attribute names, values, tags, codes and
// personas stay as written; only the words around them are translated.
const RULE_WORDS = {
  is_set: words('is set', 'ist gesetzt', 'est renseigné', 'è impostato', 'está definido'),
  is_not_set: words('is not set', 'ist nicht gesetzt', 'n’est pas renseigné', 'non è impostato', 'no está definido'),
  contains: words('contains', 'enthält', 'contient', 'contiene', 'contiene'),
  not: words('not', 'nicht', 'pas', 'non', 'no'),
  tagged: words('tagged', 'markiert', 'étiqueté', 'etichettato', 'etiquetado'),
  consent: words('consent', 'Einwilligung', 'consentement', 'consenso', 'consentimiento'),
  subsidiary: words('subsidiary', 'Niederlassung', 'filiale', 'filiale', 'filial'),
  persona: words('persona', 'Persona', 'persona', 'persona', 'persona'),
  score: words('score', 'Score', 'score', 'punteggio', 'puntuación'),
  in: words('in', 'in', 'dans', 'in', 'en'),
  or: words('or', 'oder', 'ou', 'o', 'o'),
  and: words('and', 'und', 'et', 'e', 'y'),
  planned: words('not available yet', 'noch nicht verfügbar', 'pas encore disponible', 'non ancora disponibile', 'aún no disponible'),
}

const OPERATOR_WORDS: Record<(typeof ATTRIBUTE_OPERATORS)[number], Words> = {
  equals: words('=', '=', '=', '=', '='),
  not_equals: words('≠', '≠', '≠', '≠', '≠'),
  exists: RULE_WORDS.is_set,
  not_exists: RULE_WORDS.is_not_set,
  greater_than: words('>', '>', '>', '>', '>'),
  less_than: words('<', '<', '<', '<', '<'),
  contains: RULE_WORDS.contains,
}

/** One rule as marketers would say it: `industry = automotive`, `tagged vip`, `subsidiary FR or IT` (or in German, …). */
export function describeRule(rule: ContactRule, language: UiLanguage = 'en'): string {
  const say = (key: keyof typeof RULE_WORDS) => RULE_WORDS[key][language]
  const not = (negated: boolean) => (negated ? `${say('not')} ` : '')
  if (isPlanned(rule)) return `${rule.kind} (${say('planned')})`
  switch (rule.kind) {
    case 'attribute':
      return [rule.attribute, OPERATOR_WORDS[rule.operator][language], rule.operator.endsWith('exists') ? undefined : rule.value].filter((part) => part !== undefined).join(' ')
    case 'tag':
      return `${not(rule.operator !== 'has')}${say('tagged')} ${rule.tag}`
    case 'consent':
      return `${say('consent')} ${not(rule.operator !== 'is')}${rule.status}`
    case 'subsidiary':
      return `${say('subsidiary')} ${not(rule.operator !== 'is')}${rule.codes.join(` ${say('or')} `)}`
    case 'persona':
      return `${not(rule.operator !== 'matches')}${say('persona')} ${rule.persona}`
    case 'score':
      return `${say('score')} ${not(rule.operator !== 'in')}${say('in')} ${rule.cells.join(', ')}`
  }
}

export function describeRuleSet(set: RuleSet, language: UiLanguage = 'en'): string {
  return set.rules.map((rule) => describeRule(rule, language)).join(` ${RULE_WORDS[set.match === 'all' ? 'and' : 'or'][language]} `)
}

export interface RuleIssue {
  field: string
  message: string
}

/** What keeps a rule set from running, with fields relative to `prefix` (e.g. "branches.1"). */
export function ruleSetIssues(set: RuleSet, prefix: string): RuleIssue[] {
  const issues: RuleIssue[] = []
  set.rules.forEach((rule, i) => {
    const at = `${prefix ? `${prefix}.` : ''}rules.${i}`
    if (isPlanned(rule)) {
      issues.push({ field: `${at}.kind`, message: `rule ${i + 1}: ${rule.kind} conditions are not available yet; remove this rule` })
      return
    }
    if (rule.kind !== 'attribute') return
    const { operator, value } = rule
    if ((operator === 'equals' || operator === 'not_equals') && value === undefined) {
      issues.push({ field: `${at}.value`, message: `rule ${i + 1}: give the value ${rule.attribute} is compared with` })
    }
    if ((operator === 'greater_than' || operator === 'less_than') && typeof value !== 'number') {
      issues.push({ field: `${at}.value`, message: `rule ${i + 1}: "${OPERATOR_WORDS[operator]}" compares numbers; give a number` })
    }
    if (operator === 'contains' && (typeof value !== 'string' || value === '')) {
      issues.push({ field: `${at}.value`, message: `rule ${i + 1}: give the text ${rule.attribute} should contain` })
    }
  })
  return issues
}

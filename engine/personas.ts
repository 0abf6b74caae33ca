import { z } from 'zod'
import { attributeNameSchema } from './nodes/contact-rules'

// A persona is who marketing writes for ("Peter Produzent": production manager in the machine-tool
// industry, 50–500 employees, interested in hydraulic components). Each criterion looks at one contact
// attribute and carries a weight; a contact's match is the share of the weights whose criterion holds,
// in whole percent, and the contact "is" the persona from the persona's threshold on.

const text = z.string().trim().min(1).max(200)

export const personaCriterionSchema = z.discriminatedUnion('kind', [
  // The attribute (text) equals one of the values, ignoring case: industry, country.
  z.strictObject({ kind: z.literal('one_of'), attribute: attributeNameSchema, values: z.array(text).min(1).max(50), weight: z.number().positive().max(1000) }),
  // The attribute (text) contains one of the words, ignoring case: "Production Manager", "Leiter Produktion".
  z.strictObject({ kind: z.literal('contains_any'), attribute: attributeNameSchema, values: z.array(text).min(1).max(50), weight: z.number().positive().max(1000) }),
  // The attribute is a number within min…max (inclusive): company size in employees.
  z.strictObject({
    kind: z.literal('range'),
    attribute: attributeNameSchema,
    min: z.number().optional(),
    max: z.number().optional(),
    weight: z.number().positive().max(1000),
  }),
  // The attribute is a list (or a comma-separated text) with at least one of the values: interests.
  z.strictObject({ kind: z.literal('has_any'), attribute: attributeNameSchema, values: z.array(text).min(1).max(50), weight: z.number().positive().max(1000) }),
])
export type PersonaCriterion = z.output<typeof personaCriterionSchema>

export const personaSlugSchema = z.string().regex(/^[a-z0-9][a-z0-9-]{0,63}$/, 'a slug of lower-case letters, digits and "-", e.g. peter-produzent')

export const personaInputSchema = z.strictObject({
  slug: personaSlugSchema,
  name: z.string().trim().min(1).max(200),
  criteria: z.array(personaCriterionSchema).min(1, 'add at least one criterion').max(30),
  threshold: z.number().int().min(0).max(100),
})
export type PersonaInput = z.output<typeof personaInputSchema>

export interface Persona extends PersonaInput {
  id: string
}

const lower = (value: unknown) => String(value).trim().toLowerCase()

function listOf(value: unknown): string[] {
  if (Array.isArray(value)) return value.filter((v) => v !== null && v !== undefined).map(lower)
  if (typeof value === 'string') return value.split(/[,;]/).map(lower).filter(Boolean)
  return []
}

function asNumber(value: unknown): number | null {
  if (typeof value === 'number' && Number.isFinite(value)) return value
  if (typeof value === 'string' && /^\s*-?\d+(\.\d+)?\s*$/.test(value)) return Number(value)
  return null
}

export function criterionHolds(criterion: PersonaCriterion, attributes: Record<string, unknown>): boolean {
  const actual = attributes[criterion.attribute]
  if (actual === undefined || actual === null || actual === '') return false
  switch (criterion.kind) {
    case 'one_of':
      return criterion.values.some((value) => lower(value) === lower(actual))
    case 'contains_any':
      return criterion.values.some((value) => lower(actual).includes(lower(value)))
    case 'range': {
      const number = asNumber(actual)
      if (number === null) return false
      return (criterion.min === undefined || number >= criterion.min) && (criterion.max === undefined || number <= criterion.max)
    }
    case 'has_any': {
      const have = listOf(actual)
      return criterion.values.some((value) => have.includes(lower(value)))
    }
  }
}

/** The contact's match with the persona in whole percent: weights of the criteria that hold over all weights. */
export function personaMatch(criteria: PersonaCriterion[], attributes: Record<string, unknown>): number {
  const total = criteria.reduce((sum, c) => sum + c.weight, 0)
  if (total <= 0) return 0
  const held = criteria.reduce((sum, c) => sum + (criterionHolds(c, attributes) ? c.weight : 0), 0)
  return Math.round((held / total) * 100)
}

export const matchesPersona = (persona: Pick<PersonaInput, 'threshold'>, matchPercent: number) => matchPercent >= persona.threshold

/** The demo's persona, as the brief describes it. */
export const PETER_PRODUZENT: PersonaInput = {
  slug: 'peter-produzent',
  name: 'Peter Produzent',
  threshold: 70,
  criteria: [
    { kind: 'contains_any', attribute: 'position', values: ['production manager', 'produktionsleiter', 'leiter produktion', 'directeur de production', 'responsabile produzione', 'jefe de producción'], weight: 30 },
    { kind: 'one_of', attribute: 'industry', values: ['machine tools', 'werkzeugmaschinen', 'machine-outil', 'macchine utensili', 'máquina herramienta'], weight: 25 },
    { kind: 'range', attribute: 'employees', min: 50, max: 500, weight: 20 },
    { kind: 'has_any', attribute: 'interests', values: ['hydraulic components', 'hydraulik-komponenten', 'hydraulics'], weight: 25 },
  ],
}

import { z } from 'zod'

/**
 * Field mapping between a contact and its CRM record: per field a direction and, when both sides write it,
 * the policy that settles a difference. Pure functions; the sync applies what `settle` decides.
 */
export const DIRECTIONS = ['to_crm', 'from_crm', 'both'] as const
export const POLICIES = ['latest', 'prefer_crm', 'prefer_product'] as const

/** Person fields both sides know; the product keeps name, e-mail and company as columns, the rest as attributes. */
export const PERSON_FIELDS = ['email', 'firstName', 'lastName', 'company', 'title', 'phone', 'postalCode', 'city', 'country'] as const
export type PersonField = (typeof PERSON_FIELDS)[number]

/** What campaigns learn, written onto the CRM record as custom fields. */
export const ENRICHMENT_FIELDS = ['profileGrade', 'activityLevel', 'scoreCell', 'personas', 'lifecycleStage', 'campaigns', 'contentClicked'] as const
export type EnrichmentField = (typeof ENRICHMENT_FIELDS)[number]

export const fieldMappingSchema = z.object({
  direction: z.enum(DIRECTIONS),
  policy: z.enum(POLICIES).default('prefer_crm'),
})
export type FieldMapping = z.infer<typeof fieldMappingSchema>

export const fieldMappingsSchema = z
  .record(z.string(), fieldMappingSchema)
  .superRefine((mappings, ctx) => {
    for (const [field, mapping] of Object.entries(mappings)) {
      const known = (PERSON_FIELDS as readonly string[]).includes(field) || (ENRICHMENT_FIELDS as readonly string[]).includes(field)
      if (!known) ctx.addIssue({ code: 'custom', path: [field], message: `unknown field; one of ${[...PERSON_FIELDS, ...ENRICHMENT_FIELDS].join(', ')}` })
      else if ((ENRICHMENT_FIELDS as readonly string[]).includes(field) && mapping.direction !== 'to_crm') {
        ctx.addIssue({ code: 'custom', path: [field, 'direction'], message: 'what campaigns learn only flows to the CRM (to_crm)' })
      }
    }
  })
export type FieldMappings = Record<string, FieldMapping>

export const DEFAULT_MAPPINGS: FieldMappings = {
  email: { direction: 'both', policy: 'latest' },
  firstName: { direction: 'both', policy: 'prefer_crm' },
  lastName: { direction: 'both', policy: 'prefer_crm' },
  company: { direction: 'both', policy: 'prefer_crm' },
  title: { direction: 'both', policy: 'prefer_crm' },
  phone: { direction: 'from_crm', policy: 'prefer_crm' },
  postalCode: { direction: 'both', policy: 'prefer_crm' },
  city: { direction: 'from_crm', policy: 'prefer_crm' },
  country: { direction: 'from_crm', policy: 'prefer_crm' },
  profileGrade: { direction: 'to_crm', policy: 'prefer_product' },
  activityLevel: { direction: 'to_crm', policy: 'prefer_product' },
  scoreCell: { direction: 'to_crm', policy: 'prefer_product' },
  personas: { direction: 'to_crm', policy: 'prefer_product' },
  lifecycleStage: { direction: 'to_crm', policy: 'prefer_product' },
  campaigns: { direction: 'to_crm', policy: 'prefer_product' },
  contentClicked: { direction: 'to_crm', policy: 'prefer_product' },
}

/** The CRM custom field each enrichment field is written to. */
export const ENRICHMENT_KEYS: Record<EnrichmentField, { key: string; label: string }> = {
  profileGrade: { key: 'kessler_profile_grade', label: 'Kessler profile score' },
  activityLevel: { key: 'kessler_activity_level', label: 'Kessler activity score' },
  scoreCell: { key: 'kessler_score_cell', label: 'Kessler lead score' },
  personas: { key: 'kessler_personas', label: 'Kessler personas' },
  lifecycleStage: { key: 'kessler_lifecycle', label: 'Kessler lifecycle stage' },
  campaigns: { key: 'kessler_campaigns', label: 'Kessler campaigns' },
  contentClicked: { key: 'kessler_content_clicked', label: 'Kessler content clicked' },
}

export interface SideValue {
  value: string | null
  /** When this side last changed the field; null = not known. */
  changedAt: Date | null
}

export type Settlement =
  | { action: 'none' }
  | { action: 'take_crm'; value: string | null }
  | { action: 'push_product'; value: string | null }
  | { action: 'conflict' }

const blank = (value: string | null) => value === null || value.trim() === ''
export const normaliseValue = (field: string, value: string | null): string | null => {
  if (value === null || value.trim() === '') return null
  return field === 'email' ? value.trim().toLowerCase() : value.trim()
}

/**
 * Decides one field. `lastSynced` is the value both sides had after the previous sync (null before the
 * first): a side whose value still equals it did not change, so the other side's change simply wins.
 * When both changed to different values the policy settles it; "latest" needs both times, and the e-mail
 * (the identity) is never settled by a rule when both sides changed it: a person decides.
 */
export function settle(field: string, mapping: FieldMapping, product: SideValue, crm: SideValue, lastSynced: string | null | undefined): Settlement {
  const p = normaliseValue(field, product.value)
  const c = normaliseValue(field, crm.value)
  if (p === c) return { action: 'none' }
  if (mapping.direction === 'to_crm') return { action: 'push_product', value: product.value }
  if (mapping.direction === 'from_crm') return blank(crm.value) ? { action: 'none' } : { action: 'take_crm', value: crm.value }
  const known = lastSynced !== undefined
  const last = known ? normaliseValue(field, lastSynced ?? null) : undefined
  const productChanged = !known || p !== last
  const crmChanged = !known || c !== last
  if (!productChanged) return { action: 'take_crm', value: crm.value }
  if (!crmChanged) return { action: 'push_product', value: product.value }
  if (field === 'email' && known) return { action: 'conflict' }
  switch (mapping.policy) {
    case 'prefer_crm':
      return blank(crm.value) ? { action: 'push_product', value: product.value } : { action: 'take_crm', value: crm.value }
    case 'prefer_product':
      return blank(product.value) ? { action: 'take_crm', value: crm.value } : { action: 'push_product', value: product.value }
    case 'latest':
      if (!known && blank(p)) return { action: 'take_crm', value: crm.value }
      if (!product.changedAt || !crm.changedAt || product.changedAt.getTime() === crm.changedAt.getTime()) return { action: 'conflict' }
      return product.changedAt > crm.changedAt ? { action: 'push_product', value: product.value } : { action: 'take_crm', value: crm.value }
  }
}

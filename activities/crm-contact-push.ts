import { ApplicationFailure } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { CrmRefused, CrmUnavailable, type CrmPerson } from '../crm/adapter'
import { DEFAULT_MAPPINGS, normaliseValue, PERSON_FIELDS } from '../crm/mapping'
import { contactToPush, crmConnection, saveLink, type ContactToPush } from '../db/crm'
import type { CrmContactPushActivities } from '../engine/workflows/activity-types'
import { productValue } from './crm-inbound'
import { crmAdapter, type CrmSyncDeps } from './crm-sync'

type PersonWrite = Partial<Omit<CrmPerson, 'custom' | 'ownerEmails' | 'consent'>>

/**
 * The outbound sync on demand, for a few contacts the product just learned of (a visitor captured at the
 * fair's stand): they reach the CRM now rather than with the next scheduled sync, which carries the
 * scores, personas and campaigns later as usual.
 */
export function createCrmContactPushActivities(deps: CrmSyncDeps): CrmContactPushActivities {
  const { sql } = deps
  return {
    /**
     * Creates each contact's CRM record (once: the link is looked up under a per-contact lock, and the CRM
     * is asked for the e-mail before a create, so a retry after a lost answer finds the first record) or
     * updates its linked record with what the product changed. Side effects: CRM contacts, crm_links.
     * Idempotency key: the contact id. CRM down → retryable; refused → final (CrmRefused).
     */
    async pushContactsToCrm(input: { accountId: string; contactIds: string[] }): Promise<{ created: number; updated: number; unchanged: number }> {
      const connection = await crmConnection(sql, input.accountId)
      const outcome = { created: 0, updated: 0, unchanged: 0 }
      if (!connection?.enabled) return outcome
      const adapter = crmAdapter(deps, connection)
      const mappings = { ...DEFAULT_MAPPINGS, ...connection.field_mappings }
      for (const contactId of input.contactIds) {
        try {
          // Held while the CRM answers: two pushes of one contact at once would otherwise both create.
          const done = await sql.begin(async (sql) => {
            const tx = sql as unknown as Sql
            await tx`select pg_advisory_xact_lock(hashtextextended(${`crm-contact-push:${contactId}`}, 0))`
            const contact = await contactToPush(tx, input.accountId, contactId)
            // Gone since the capture, or a lead the CRM keeps (the scheduled sync looks after those).
            if (!contact || (!contact.crm_id && contact.crm_lead)) return 'unchanged' as const
            if (!contact.crm_id) {
              // A new record gets every value the product has: the CRM holds nothing to prefer yet.
              const person = personValues(contact, (_field, value) => value !== null)
              const { id, created } = await adapter.upsert('contact', null, { person, externalKey: `contact-${contact.id}` })
              // What both sides now hold: the next inbound walk sees our own write and changes nothing.
              await saveLink(tx, { account_id: input.accountId, object_type: 'contact', crm_id: id, contact_id: contact.id, crm_values: syncedValues({}, person) })
              return created ? ('created' as const) : ('updated' as const)
            }
            const last = contact.crm_values ?? {}
            const person = personValues(contact, (field, value) => {
              const mapping = mappings[field]
              if (!mapping || mapping.direction === 'from_crm' || contact.open_conflicts?.includes(field)) return false
              return normaliseValue(field, value) !== (last[field] ?? null) && (mapping.direction === 'to_crm' || value !== null)
            })
            if (!Object.keys(person).length) return 'unchanged' as const
            await adapter.upsert('contact', contact.crm_id, { person })
            await tx`update crm_links set crm_values = ${tx.json(syncedValues(last, person) as never)} where account_id = ${input.accountId} and object_type = 'contact' and crm_id = ${contact.crm_id}`
            return 'updated' as const
          })
          outcome[done]++
        } catch (error) {
          if (error instanceof CrmUnavailable) throw ApplicationFailure.create({ message: error.message, type: 'CrmUnavailable', nextRetryDelay: error.retryAfterMs ?? undefined })
          if (error instanceof CrmRefused) throw ApplicationFailure.nonRetryable(error.message, 'CrmRefused')
          throw error
        }
      }
      return outcome
    },
  }
}

export type { CrmContactPushActivities }

/** The contact's person fields (as the product holds them) that `keep` lets through. */
function personValues(contact: ContactToPush, keep: (field: (typeof PERSON_FIELDS)[number], value: string | null) => boolean): PersonWrite {
  const person: Record<string, string | null> = {}
  for (const field of PERSON_FIELDS) {
    const value = productValue(contact, field)
    if (keep(field, value)) person[field] = value
  }
  return person as PersonWrite
}

function syncedValues(last: Record<string, string | null>, person: PersonWrite): Record<string, string | null> {
  return { ...last, ...Object.fromEntries(Object.entries(person).map(([field, value]) => [field, normaliseValue(field, (value as string | null | undefined) ?? null)])) }
}

import { z } from 'zod'
import { CONSENT_STATUSES } from '../../engine/nodes/contact-facts'
import { emailAddress } from '../input-schemas'
import { defineRoute, idParams, timestamp } from './route'

/** A contact's stage in the lifecycle (contacts.lifecycle_stage, migration 009). */
export const LIFECYCLE_STAGES = ['lead', 'nurture', 'mql', 'sal', 'sql', 'opportunity', 'won', 'lost'] as const

// A contacts lookup for pickers (api/contacts.ts): search by e-mail, name or company, only among the
// subsidiaries the caller may see.

export const contactSummarySchema = z.object({
  id: z.uuid(),
  email: z.string(),
  name: z.string().nullable(),
  company: z.string().nullable(),
  subsidiary: z.string(),
  tags: z.array(z.string()),
  consent: z.enum(CONSENT_STATUSES),
  lifecycleStage: z.enum(LIFECYCLE_STAGES),
})

const attributeValue = z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])

/** An edit of the one global contact record (from a workspace or HQ); null clears a field or removes an attribute. */
export const contactChangeSchema = z.strictObject({
  /** A new address for the same person: the one record (and its CRM record on the next sync) changes, no second contact. */
  email: emailAddress().optional(),
  firstName: z.string().trim().max(200).nullable().optional(),
  lastName: z.string().trim().max(200).nullable().optional(),
  company: z.string().trim().max(300).nullable().optional(),
  salutation: z.enum(['mr', 'ms', 'none']).nullable().optional(),
  attributes: z.record(z.string().trim().min(1).max(100), attributeValue).optional(),
})

export const contactDetailSchema = z.object({
  id: z.uuid(),
  email: z.string(),
  firstName: z.string().nullable(),
  lastName: z.string().nullable(),
  company: z.string().nullable(),
  salutation: z.string().nullable(),
  locale: z.string().nullable(),
  subsidiary: z.string(),
  attributes: z.record(z.string(), z.unknown()),
  tags: z.array(z.string()),
  consent: z.string(),
})

const changesSchema = z.record(z.string(), z.object({ from: z.unknown(), to: z.unknown() }))

/** Who changed what, from which workspace (subsidiary code; null: HQ's global view), when. */
export const contactHistoryEntrySchema = z.object({ at: timestamp, by: z.string(), byName: z.string().nullable(), workspace: z.string().nullable(), changes: changesSchema })

export const contacts = {
  search: defineRoute({
    method: 'get',
    path: '/contacts',
    summary: 'Contacts whose e-mail, name or company contains the search, by e-mail, within your subsidiaries; filtered by subsidiary, consent, lifecycle stage, tag or a saved segment',
    permission: 'contacts.read',
    query: z.strictObject({
      search: z.string().trim().max(200, 'at most 200 characters').default(''),
      limit: z.coerce.number('a whole number from 1 to 100').int('a whole number from 1 to 100').min(1, 'at least 1').max(100, 'at most 100').default(20),
      // Filters for the contacts list; all that are given must hold.
      subsidiary: z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as DE or FR').optional(),
      consent: z.enum(CONSENT_STATUSES).optional(),
      lifecycle: z.enum(LIFECYCLE_STAGES).optional(),
      tag: z.string().trim().min(1).max(64, 'a tag has at most 64 characters').optional(),
      /** A saved segment: its filter, evaluated now. */
      segment: z.uuid('a segment id').optional(),
    }),
    responses: { 200: z.object({ contacts: z.array(contactSummarySchema) }) },
    errors: { 404: ['not_found'] },
  }),  open: defineRoute({
    method: 'get',
    path: '/contacts/:id',
    summary: 'One contact of your pool with its edit history',
    permission: 'contacts.read',
    params: idParams,
    notFound: 'contact',
    responses: { 200: z.object({ contact: contactDetailSchema, history: z.array(contactHistoryEntrySchema) }) },
  }),
  edit: defineRoute({
    method: 'patch',
    path: '/contacts/:id',
    summary: 'Edit a contact of your pool: the one global record changes, attributed in its history and the audit log',
    permission: 'contacts.write',
    params: idParams,
    notFound: 'contact',
    body: contactChangeSchema,
    responses: { 200: z.object({ contact: contactDetailSchema, changes: changesSchema }) },
    errors: { 409: ['email_taken'] },
  }),
}

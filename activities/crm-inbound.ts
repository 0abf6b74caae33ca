import type { Sql, TransactionSql } from 'postgres'
import type { CrmOpportunity, CrmPerson, CrmRecord } from '../crm/adapter'
import { normaliseValue, PERSON_FIELDS, settle, type FieldMappings, type PersonField } from '../crm/mapping'
import { setContactCompany } from '../db/companies'
import { recordConflict, saveLink, type CrmLinkRow } from '../db/crm'
import { findContactMatch, normaliseEmail, recordProvenance, recordProvenanceMany, suggestDuplicate } from '../db/duplicates'
import { upsertOpportunity } from '../db/opportunities'
import { contactForCrm, dealContact, insertContactFromCrm, takePersonValues, type CrmContactRow, type PersonColumn } from '../db/contact-crm'
import { contactsByEmail as contactIdsByEmail, setConsent, setLifecycleStage } from '../db/contacts'

type Tx = TransactionSql | Sql

export interface ApplyContext {
  accountId: string
  runId: string | null
  mappings: FieldMappings
  /** The links of the CRM accounts this page's people work for (their companies). */
  companyLinks?: Map<string, CrmLinkRow>
  /**
   * The page's e-mail matches, looked up in one query before the page (lower-cased e-mail → contact id);
   * contacts created during the page are added. Without it each record asks on its own.
   */
  contactsByEmail?: Map<string, string>
  /** Subsidiary ids by country code ('' for headquarters), filled as the page goes. */
  subsidiaries?: Map<string, string>
}

/** One query for the e-mails of a page of CRM people: which contacts they already are. */
export async function contactsByEmail(sql: Tx, accountId: string, emails: string[]): Promise<Map<string, string>> {
  const wanted = [...new Set(emails.flatMap((email) => [email.trim().toLowerCase(), normaliseEmail(email)]))]
  if (!wanted.length) return new Map()
  const rows = await contactIdsByEmail(sql, accountId, wanted)
  return new Map(rows.map((row) => [row.email, row.id]))
}

export interface ApplyOutcome {
  applied: boolean
  conflicts: number
  contactId: string | null
}

/** Person fields the product keeps as columns; the rest live in attributes under these keys. */
const COLUMN: Partial<Record<PersonField, PersonColumn>> = { email: 'email', firstName: 'first_name', lastName: 'last_name', company: 'company' }
const ATTRIBUTE: Partial<Record<PersonField, string>> = { title: 'job_title', phone: 'phone', postalCode: 'postal_code', city: 'city', country: 'country' }

type ContactState = CrmContactRow

export function productValue(contact: Pick<ContactState, 'email' | 'first_name' | 'last_name' | 'company' | 'attributes'>, field: PersonField): string | null {
  const column = COLUMN[field]
  if (column) return contact[column] ?? null
  const value = contact.attributes[ATTRIBUTE[field]!]
  return value === undefined || value === null ? null : String(value)
}

const crmValue = (person: CrmPerson, field: PersonField): string | null => person[field] ?? null

/** The values both sides agree on after this sync, stored on the link as the next sync's "last synced". */
function syncedValues(person: CrmPerson): Record<string, string | null> {
  return { ...Object.fromEntries(PERSON_FIELDS.map((field) => [field, normaliseValue(field, crmValue(person, field))])), accountId: person.accountId ?? null }
}

/**
 * The contact works where the CRM says: the company linked to its CRM account. A CRM record without an
 * account leaves the contact's company as it is (the outbound sync may give the CRM one).
 */
async function applyCompany(sql: Tx, ctx: ApplyContext, contactId: string, person: CrmPerson): Promise<boolean> {
  const companyId = person.accountId ? ctx.companyLinks?.get(person.accountId)?.company_id : null
  return companyId ? setContactCompany(sql, contactId, companyId) : false
}

/**
 * Applies one CRM contact or lead to the pool: the linked contact (by CRM id), else the contact with its
 * normalised e-mail, else a new contact in the subsidiary of its country (a fuzzy look-alike becomes a
 * duplicate suggestion, never a silent merge). Field by field the mapping decides; an e-mail change in the
 * CRM changes the one linked contact's address. Consent comes as the CRM records it. Idempotent: applying
 * the same record twice changes nothing the second time.
 */
export async function applyPerson(sql: Tx, ctx: ApplyContext, record: CrmRecord, link: CrmLinkRow | undefined): Promise<ApplyOutcome> {
  if (!('person' in record.fields)) throw new Error(`record ${record.id} is not a person`)
  const person = record.fields.person
  const objectType = record.type === 'lead' ? 'lead' : 'contact'
  let contact: ContactState | undefined
  if (link?.contact_id) contact = (await contactForCrm(sql, link.contact_id)) ?? undefined
  if (!contact && person.email) {
    const known = ctx.contactsByEmail
    const matchId = known ? (known.get(person.email.trim().toLowerCase()) ?? known.get(normaliseEmail(person.email)) ?? null) : ((await findContactMatch(sql, ctx.accountId, { email: person.email }))?.contactId ?? null)
    if (matchId) contact = (await contactForCrm(sql, matchId)) ?? undefined
  }
  if (!contact) {
    if (!person.email) return { applied: false, conflicts: 0, contactId: null }
    const contactId = await createFromCrm(sql, ctx, record, person)
    ctx.contactsByEmail?.set(person.email.trim().toLowerCase(), contactId)
    await applyCompany(sql, ctx, contactId, person)
    await saveLink(sql, { account_id: ctx.accountId, object_type: objectType, crm_id: record.id, contact_id: contactId, crm_updated_at: record.changedAt, crm_values: syncedValues(person) })
    return { applied: true, conflicts: 0, contactId }
  }

  let conflicts = 0
  const columns: Partial<Record<PersonColumn, string | null>> = {}
  const attributes: Record<string, string | null> = {}
  const last = link?.crm_values ?? null
  const changedAt = new Map((await sql<{ attribute: string; changed_at: Date }[]>`select attribute, changed_at from attribute_sources where contact_id = ${contact.id}`).map((row) => [row.attribute, row.changed_at]))
  for (const field of PERSON_FIELDS) {
    const mapping = ctx.mappings[field]
    if (!mapping || mapping.direction === 'to_crm') continue
    const source = changedAt.has(field) ? { changed_at: changedAt.get(field)! } : undefined
    const decision = settle(field, mapping, { value: productValue(contact, field), changedAt: source?.changed_at ?? null }, { value: crmValue(person, field), changedAt: record.changedAt }, last ? (last[field] ?? null) : undefined)
    if (decision.action === 'conflict') {
      if (await recordConflict(sql, { accountId: ctx.accountId, contactId: contact.id, field, productValue: productValue(contact, field), crmValue: crmValue(person, field), productChangedAt: source?.changed_at ?? null, crmChangedAt: record.changedAt, runId: ctx.runId })) conflicts++
      continue
    }
    if (decision.action !== 'take_crm') continue
    if (field === 'email') {
      // The new address may already belong to another contact: then they are one person twice, for a person to merge.
      const other = await findContactMatch(sql, ctx.accountId, { email: decision.value! })
      if (other && other.contactId !== contact.id) {
        await suggestDuplicate(sql, { accountId: ctx.accountId, a: contact.id, b: other.contactId, rule: 'crm_id', score: 1, evidence: { crmId: record.id, crmEmail: decision.value, reason: 'the CRM record linked to one contact now has the e-mail of another' } })
        conflicts++
        continue
      }
    }
    if (COLUMN[field]) columns[COLUMN[field]!] = decision.value
    else attributes[ATTRIBUTE[field]!] = decision.value
    await recordProvenance(sql, { accountId: ctx.accountId, contactId: contact.id, attribute: field, source: 'crm', value: decision.value })
  }
  const changed = Object.keys(columns).length + Object.keys(attributes).length > 0
  if (changed) await takePersonValues(sql, contact.id, columns, attributes)
  const consentChanged = await applyConsent(sql, ctx.accountId, contact, person)
  const companyChanged = await applyCompany(sql, ctx, contact.id, person)
  // What the outbound side last set that no CRM field shows (the campaign memberships) stays known.
  const kept: Record<string, string | null> = link?.crm_values?.campaignMemberships === undefined ? {} : { campaignMemberships: link.crm_values.campaignMemberships }
  await saveLink(sql, { account_id: ctx.accountId, object_type: objectType, crm_id: record.id, contact_id: contact.id, crm_updated_at: record.changedAt, crm_values: { ...syncedValues(person), ...kept } })
  return { applied: changed || consentChanged || companyChanged || !link, conflicts, contactId: contact.id }
}

async function createFromCrm(sql: Tx, ctx: ApplyContext, record: CrmRecord, person: CrmPerson): Promise<string> {
  const country = person.country?.toUpperCase() ?? null
  let subsidiaryId = ctx.subsidiaries?.get(country ?? '')
  if (!subsidiaryId) {
    const [subsidiary] = await sql<{ id: string }[]>`
      select id from subsidiaries where account_id = ${ctx.accountId} and (code = ${country} or is_headquarters)
      order by (code = ${country}) desc limit 1`
    subsidiaryId = subsidiary!.id
    ctx.subsidiaries?.set(country ?? '', subsidiaryId)
  }
  const attributes = Object.fromEntries(
    (Object.entries(ATTRIBUTE) as [PersonField, string][]).filter(([field]) => person[field]).map(([field, key]) => [key, person[field]]),
  )
  const contactId = await insertContactFromCrm(sql, { accountId: ctx.accountId, subsidiaryId, email: person.email!.trim(), firstName: person.firstName, lastName: person.lastName, company: person.company, attributes })
  await recordProvenanceMany(sql, { accountId: ctx.accountId, contactId, source: 'crm', values: Object.fromEntries(PERSON_FIELDS.filter((field) => person[field]).map((field) => [field, person[field]])) })
  await applyConsent(sql, ctx.accountId, { id: contactId, consent_status: 'none', consent_source: null }, person)
  // A look-alike (same name, company and postal code, another address) is for a person to confirm.
  const lookAlike = await findContactMatch(sql, ctx.accountId, { firstName: person.firstName, lastName: person.lastName, company: person.company, postalCode: person.postalCode, excludeId: contactId })
  if (lookAlike?.rule === 'fuzzy') await suggestDuplicate(sql, { accountId: ctx.accountId, a: contactId, b: lookAlike.contactId, rule: 'fuzzy', score: lookAlike.score, evidence: lookAlike.evidence })
  // Campaigns can start on it: "a customer new in the CRM" is a trigger like any event.
  await sql`
    insert into events (account_id, contact_id, type, properties, source, client_id)
    values (${ctx.accountId}, ${contactId}, ${record.type === 'lead' ? 'crm.lead_created' : 'crm.contact_created'},
            ${sql.json({ crmId: record.id, company: person.company } as never)}, 'crm', ${`crm-${record.type}-${record.id}`})`
  return contactId
}

/**
 * Consent as the CRM records it, marked as obtained outside the product with its source. A revocation in
 * the product (unsubscribe) is never overridden by the CRM; a CRM "no" revokes only consent the CRM gave.
 */
async function applyConsent(sql: Tx, accountId: string, contact: Pick<ContactState, 'id' | 'consent_status' | 'consent_source'>, person: CrmPerson): Promise<boolean> {
  if (!person.consent) return false
  const source = `crm (obtained outside${person.consent.source ? `: ${person.consent.source}` : ''})`
  if (person.consent.granted) {
    if (contact.consent_status === 'granted' || contact.consent_status === 'revoked') return false
    await setConsent(sql, contact.id, 'granted', source)
    await sql`insert into consent_records (account_id, contact_id, purpose, status, source) values (${accountId}, ${contact.id}, 'marketing_email', 'granted', ${source})`
    return true
  }
  if (contact.consent_status !== 'granted' || !contact.consent_source?.startsWith('crm')) return false
  await setConsent(sql, contact.id, 'revoked', source)
  await sql`insert into consent_records (account_id, contact_id, purpose, status, source) values (${accountId}, ${contact.id}, 'marketing_email', 'revoked', ${source})`
  return true
}

const LIFECYCLE_OF_STAGE: Record<string, 'sql' | 'opportunity'> = { PROSPECTING: 'sql', QUALIFICATION: 'sql' }

/**
 * When a won or lost deal closed: the CRM keeps a day, attribution needs a moment (touches before it are
 * credited). The end of that day, since the day's touches led up to it, but never later than the CRM's
 * stage change: a deal marked won today with a close date next week closed today, and reporting shows it now.
 */
function closingMoment(closeDate: string | null, stageChangedAt: Date): Date {
  if (!closeDate) return stageChangedAt
  const endOfDay = new Date(`${closeDate.slice(0, 10)}T23:59:59.999Z`)
  return Number.isNaN(endOfDay.getTime()) || endOfDay > stageChangedAt ? stageChangedAt : endOfDay
}

/**
 * An opportunity from the CRM: its revenue row (upsertOpportunity by CRM id, so a second sync updates it)
 * and the contact's lifecycle (SQL, opportunity, won, lost). Returns whether anything changed.
 */
export async function applyOpportunity(sql: Tx, ctx: ApplyContext, record: CrmRecord, contactLinks: Map<string, CrmLinkRow>): Promise<ApplyOutcome> {
  const opportunity = (record.fields as { opportunity: CrmOpportunity }).opportunity
  const contactId = opportunity.contactIds.map((id) => contactLinks.get(id)?.contact_id).find(Boolean) ?? null
  const [owner] = contactId
    ? [await dealContact(sql, contactId)]
    : await sql<{ subsidiary_id: string; company: string | null; lifecycle_stage: string }[]>`select id as subsidiary_id, null as company, 'lead' as lifecycle_stage from subsidiaries where account_id = ${ctx.accountId} and is_headquarters`
  const closedOn = opportunity.outcome === 'open' ? null : closingMoment(opportunity.closeDate, record.changedAt)
  const [before] = await sql<{ name: string; amount_net: string; crm_stage: string | null; products: string[]; closed_on: string | null; created_on: Date; contact_id: string | null }[]>`
    select name, amount_net, crm_stage, products, to_char(closed_on at time zone 'UTC', 'YYYY-MM-DD') as closed_on, created_on, contact_id from opportunities
    where account_id = ${ctx.accountId} and source = 'crm' and source_id = ${record.id}`
  // Every walk hands over every opportunity (BottleCRM gives them no change stamp): only a real change counts.
  const same = before && before.crm_stage === opportunity.stage && Number(before.amount_net) === opportunity.amount && before.name === opportunity.name &&
    JSON.stringify(before.products ?? []) === JSON.stringify(opportunity.products) && before.closed_on === (closedOn ? closedOn.toISOString().slice(0, 10) : null) && before.contact_id === contactId
  if (same) return { applied: false, conflicts: 0, contactId }
  await upsertOpportunity(sql as unknown as Sql, {
    accountId: ctx.accountId,
    subsidiaryId: owner!.subsidiary_id,
    contactId,
    company: owner!.company,
    name: opportunity.name,
    amountNet: opportunity.amount,
    products: opportunity.products,
    stage: opportunity.outcome,
    crmStage: opportunity.stage,
    closedOn,
    // Kept from the first sync: the sales cycle counts from when the deal appeared, not from its last change.
    createdOn: before?.created_on,
    source: 'crm',
    sourceId: record.id,
  })
  await saveLink(sql, { account_id: ctx.accountId, object_type: 'opportunity', crm_id: record.id, contact_id: contactId, crm_updated_at: record.changedAt })
  if (contactId) {
    const stage = opportunity.outcome === 'open' ? (LIFECYCLE_OF_STAGE[opportunity.stage] ?? 'opportunity') : opportunity.outcome
    if (owner!.lifecycle_stage !== stage) {
      await setLifecycleStage(sql, contactId, stage)
      await sql`insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by) values (${ctx.accountId}, ${contactId}, ${stage}, ${`CRM opportunity "${opportunity.name}" is ${opportunity.stage}`}, 'crm-sync')`
    }
  }
  return { applied: true, conflicts: 0, contactId }
}

/**
 * The one seam between the product and a CRM. An adapter speaks one CRM's API; the sync (activities/crm-sync.ts)
 * speaks only this. The object kinds are Salesforce's (Lead, Contact, Account, Opportunity, CampaignMember),
 * which every CRM the product meets can be mapped onto; docs/crm.md says what a Salesforce adapter needs.
 */
export type CrmObjectType = 'lead' | 'contact' | 'account' | 'opportunity' | 'campaign_member'

/** A person as the product sees a CRM contact or lead, whatever the CRM calls the fields. */
export interface CrmPerson {
  email: string | null
  firstName: string | null
  lastName: string | null
  company: string | null
  title: string | null
  phone: string | null
  postalCode: string | null
  city: string | null
  country: string | null
  /** Marketing consent as the CRM records it (obtained outside the product), or null when it records none. */
  consent: { granted: boolean; source: string | null } | null
  /** E-mails of the CRM users the record is assigned to. */
  ownerEmails: string[]
  /** The CRM account (company) the person works for, by the CRM's id; null when none. */
  accountId: string | null
  /** Custom fields, by the CRM's key. */
  custom: Record<string, unknown>
}

export interface CrmOpportunity {
  name: string
  /** The CRM's stage name, verbatim ("CLOSED_WON", "Negotiation"). */
  stage: string
  outcome: 'open' | 'won' | 'lost'
  amount: number
  currency: string | null
  closeDate: string | null
  products: string[]
  contactIds: string[]
  accountId: string | null
}

/** A company as the CRM keeps it (Salesforce Account). */
export interface CrmAccount {
  name: string
  website: string | null
  industry: string | null
  phone: string | null
  city: string | null
  postalCode: string | null
  country: string | null
}

export type CrmFields = { person: CrmPerson } | { opportunity: CrmOpportunity } | { account: CrmAccount }

export interface CrmRecord<F extends CrmFields = CrmFields> {
  type: CrmObjectType
  id: string
  /** When the CRM last changed the record (its clock); what "most recent change wins" compares. */
  changedAt: Date
  fields: F
}

/** Where a change listing stands: opaque to the sync, persisted between runs and between pages. */
export type CrmCursor = Record<string, string | number | null>

export interface ChangePage {
  records: CrmRecord[]
  /** Ids the CRM says were deleted since the cursor (delete notices). */
  deleted: string[]
  /** The position of the next page of this listing, or null when the listing is complete. */
  nextPage: CrmCursor | null
  /** The cursor to store once the listing is complete: the next run starts from there. */
  nextCursor: CrmCursor
  rateLimit: RateLimitHint
}

/** What the CRM told us about its limits; the sync slows down or waits rather than being refused. */
export interface RateLimitHint {
  remaining: number | null
  retryAfterMs: number | null
}

/** Values the product writes onto a CRM record: standard person fields and custom ones by key. */
export interface CrmWrite {
  person?: Partial<Omit<CrmPerson, 'custom' | 'ownerEmails' | 'consent'>>
  /** A company's fields (type 'account' only). */
  account?: CrmAccount
  custom?: Record<string, string | number | boolean | null>
  /** Assign to these CRM users (by e-mail). */
  ownerEmails?: string[]
  description?: string
  /** A key of ours that makes a create safe to repeat (the CRM's external id, where it has one). */
  externalKey?: string
}

export interface CustomFieldSpec {
  key: string
  label: string
  type: 'text' | 'number' | 'checkbox'
}

export interface CrmAdapter {
  readonly kind: string
  /** Checks the URL and credentials; a CrmRefused names what is wrong. */
  verify(): Promise<{ organisation: string | null }>
  /** One page of records changed since `cursor` (null = from the beginning), starting at `page`. */
  changesSince(type: Exclude<CrmObjectType, 'campaign_member'>, cursor: CrmCursor | null, page: CrmCursor | null): Promise<ChangePage>
  fetch(type: CrmObjectType, id: string): Promise<CrmRecord | null>
  /**
   * Creates (no id) or updates a record; with an externalKey a repeated create finds the first one, and an
   * account is found by its name (unique in the CRMs we know) before a second is made.
   */
  upsert(type: 'lead' | 'contact' | 'account', id: string | null, write: CrmWrite): Promise<{ id: string; created: boolean }>
  /** An activity on the record's timeline (Salesforce: a Task; BottleCRM: a comment). */
  addNote(type: 'lead' | 'contact', id: string, text: string): Promise<void>
  /** Makes sure the custom fields the mapping writes exist on the CRM's object. */
  ensureCustomFields(type: 'lead' | 'contact', fields: CustomFieldSpec[]): Promise<void>
  /**
   * Sets which product campaigns the contact is in (by campaign name), replacing the earlier set: Salesforce
   * CampaignMember rows, BottleCRM tags. Absent when the CRM has nothing of the kind.
   */
  setCampaignMemberships?(contactId: string, campaigns: string[]): Promise<void>
}

/** The CRM did not answer, or answered 429/5xx: worth retrying, after retryAfterMs when it said so. */
export class CrmUnavailable extends Error {
  /** status: the HTTP status when the CRM answered (429: it asked us to slow down), null when it did not. */
  constructor(message: string, readonly retryAfterMs: number | null = null, readonly status: number | null = null) {
    super(message)
    this.name = 'CrmUnavailable'
  }
}

/** The CRM refused the request for good (4xx other than 408/429): retrying will not help. */
export class CrmRefused extends Error {
  constructor(message: string, readonly status: number) {
    super(message)
    this.name = 'CrmRefused'
  }
}

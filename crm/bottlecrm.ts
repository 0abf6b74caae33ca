import {
  CrmRefused,
  CrmUnavailable,
  type ChangePage,
  type CrmAdapter,
  type CrmCursor,
  type CrmAccount,
  type CrmObjectType,
  type CrmPerson,
  type CrmRecord,
  type CrmWrite,
  type CustomFieldSpec,
  type RateLimitHint,
} from './adapter'

/**
 * BottleCRM (PyPI django-crm, a Django REST API) through a personal access token (bcrm_pat_…).
 *
 * Its lists have no "changed since" filter and are ordered newest-created first, so a listing walks every
 * page (offset/limit) and keeps the records changed after the cursor; consecutive pages overlap by a few
 * records so that a delete during the walk cannot shift one past us. The cursor is the CRM's own clock
 * (its Date header) when the walk began, minus a margin: a record changed while we walked is seen again
 * next time, which the sync's idempotent apply makes harmless. Deletes come from its activity feed.
 * Consent is two custom fields (email_opt_in, email_opt_in_source) that a CRM admin fills in. A contact's
 * company is its primary account (`account`), else the first account it is a member of.
 */
export interface BottleCrmOptions {
  baseUrl: string
  token: string
  pageSize?: number
  timeoutMs?: number
}

const OVERLAP = 10
const CLOCK_MARGIN_MS = 2_000
export const CONSENT_FIELD = 'email_opt_in'
export const CONSENT_SOURCE_FIELD = 'email_opt_in_source'
const CUSTOM_TARGET = { contact: 'Contact', lead: 'Lead' } as const
/**
 * BottleCRM has no campaign object; its tags (org-wide, many per contact, filterable in its contact list)
 * are the closest thing to Salesforce's CampaignMember. Ours start with this prefix, so the sync replaces
 * only them and leaves the tags CRM users set. A tag name holds at most 50 characters.
 */
export const CAMPAIGN_TAG_PREFIX = 'Campaign: '
export const campaignTagName = (campaign: string) => `${CAMPAIGN_TAG_PREFIX}${campaign.trim()}`.slice(0, 50).trim()

type Json = any

export function createBottleCrmAdapter(options: BottleCrmOptions): CrmAdapter {
  const base = options.baseUrl.replace(/\/+$/, '')
  const pageSize = options.pageSize ?? 200
  let users: Map<string, string> | null = null

  async function call(method: string, path: string, body?: unknown): Promise<{ json: Json; date: Date; rate: RateLimitHint }> {
    let response: Response
    try {
      response = await fetch(`${base}/api/${path}`, {
        method,
        headers: { authorization: `Bearer ${options.token}`, 'content-type': 'application/json', accept: 'application/json' },
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(options.timeoutMs ?? 30_000),
      })
    } catch (error) {
      throw new CrmUnavailable(`BottleCRM at ${base} did not answer: ${(error as Error).cause ?? (error as Error).message}`)
    }
    const retryAfter = Number(response.headers.get('retry-after'))
    const rate: RateLimitHint = { remaining: null, retryAfterMs: Number.isFinite(retryAfter) && retryAfter > 0 ? retryAfter * 1000 : null }
    const text = await response.text()
    if (response.status === 429 || response.status === 408 || response.status >= 500) {
      throw new CrmUnavailable(`BottleCRM answered ${response.status} to ${method} ${path}`, rate.retryAfterMs, response.status)
    }
    if (response.status >= 400) throw new CrmRefused(`BottleCRM refused ${method} ${path} (${response.status}): ${text.slice(0, 300)}`, response.status)
    let json: Json = null
    try {
      json = text ? JSON.parse(text) : null
    } catch {
      throw new CrmUnavailable(`BottleCRM answered ${method} ${path} with something other than JSON`)
    }
    if (json && json.error === true) throw new CrmRefused(`BottleCRM refused ${method} ${path}: ${JSON.stringify(json.errors ?? json).slice(0, 300)}`, 400)
    return { json, date: new Date(response.headers.get('date') ?? Date.now()), rate }
  }

  async function profileIds(emails: string[]): Promise<string[]> {
    if (!emails.length) return []
    const known = async () => {
      const { json } = await call('GET', 'contacts/?limit=1')
      users = new Map((json.users as { id: string; user__email: string }[]).map((u) => [u.user__email.toLowerCase(), u.id]))
      return users
    }
    let map = users ?? (await known())
    if (emails.some((e) => !map.has(e.toLowerCase()))) map = await known()
    const missing = emails.filter((e) => !map.has(e.toLowerCase()))
    if (missing.length) throw new CrmRefused(`BottleCRM has no user ${missing.join(', ')} in this org (invite the rep in the CRM)`, 400)
    return emails.map((e) => map.get(e.toLowerCase())!)
  }

  // The org's tags (id → name), read once per adapter: a contact's record lists its tags by id only.
  let tagNames: Map<string, string> | null = null
  async function orgTags(refresh = false): Promise<Map<string, string>> {
    if (tagNames && !refresh) return tagNames
    const { json } = await call('GET', 'tags/')
    tagNames = new Map(((json.tags ?? []) as Json[]).map((tag) => [String(tag.id), String(tag.name)]))
    return tagNames
  }
  async function campaignTag(name: string): Promise<string> {
    const find = (tags: Map<string, string>) => [...tags].find(([, known]) => known.toLowerCase() === name.toLowerCase())?.[0]
    const known = find(await orgTags())
    if (known) return known
    try {
      const { json } = await call('POST', 'tags/', { name, color: 'violet', description: 'Kessler Campaigns: contacts enrolled in this campaign (set by the sync)' })
      tagNames!.set(String(json.tag.id), name)
      return String(json.tag.id)
    } catch (error) {
      // Made a moment ago by a sync running beside us or by a CRM user: it exists now.
      const made = error instanceof CrmRefused ? find(await orgTags(true)) : undefined
      if (!made) throw error
      return made
    }
  }

  const listPath: Record<'lead' | 'contact' | 'account' | 'opportunity', string> = {
    contact: 'contacts/',
    lead: 'leads/',
    account: 'accounts/',
    opportunity: 'opportunities/',
  }

  function rowsOf(type: string, json: Json): Json[] {
    if (type === 'contact') return json.results ?? json.contact_obj_list ?? []
    if (type === 'lead') return [...(json.open_leads?.open_leads ?? []), ...(json.close_leads?.close_leads ?? [])]
    if (type === 'opportunity') return json.opportunities ?? []
    return [...(json.active_accounts?.open_accounts ?? []), ...(json.closed_accounts?.close_accounts ?? [])]
  }

  return {
    kind: 'bottlecrm',
    async verify() {
      const { json } = await call('GET', 'contacts/?limit=1')
      return { organisation: json.results?.[0]?.org?.name ?? null }
    },

    async changesSince(type, cursor, page) {
      const offset = Number(page?.offset ?? 0)
      const { json, date, rate } = await call('GET', `${listPath[type]}?limit=${pageSize}&offset=${offset}`)
      const rows = rowsOf(type, json)
      // The walk's start on the CRM's clock travels with the pages, so the stored cursor is that one.
      const walkStartedAt = String(page?.walkStartedAt ?? new Date(date.getTime() - CLOCK_MARGIN_MS).toISOString())
      const since = cursor?.since ? new Date(String(cursor.since)) : null
      // Opportunities and accounts carry no updated_at: every walk hands them all over, and the sync applies
      // only what differs from what it stored.
      const records = rows.map((row) => toRecord(type, row)).filter((record) => !since || record.changedAt > since || type === 'opportunity' || type === 'account')
      const complete = rows.length < pageSize
      let deleted: string[] = []
      if (complete && since) deleted = await deletedSince(type, since)
      return {
        records,
        deleted,
        nextPage: complete ? null : { offset: offset + pageSize - OVERLAP, walkStartedAt },
        nextCursor: { since: walkStartedAt },
        rateLimit: rate,
      } satisfies ChangePage
    },

    async fetch(type, id) {
      if (type === 'campaign_member') return null
      try {
        const { json } = await call('GET', `${listPath[type]}${id}/`)
        const row = json.contact_obj ?? json.lead_obj ?? json.opportunity_obj ?? json.account_obj ?? json
        return toRecord(type, row)
      } catch (error) {
        if (error instanceof CrmRefused && error.status === 404) return null
        throw error
      }
    },

    async upsert(type, id, write) {
      const body: Record<string, unknown> = {}
      const p = write.person ?? {}
      if (p.firstName !== undefined) body.first_name = p.firstName
      if (p.lastName !== undefined) body.last_name = p.lastName
      if (p.email !== undefined) body.email = p.email
      if (p.company !== undefined) body[type === 'lead' ? 'company_name' : 'organization'] = p.company
      if (p.title !== undefined) body[type === 'lead' ? 'job_title' : 'title'] = p.title
      if (p.phone !== undefined) body.phone = p.phone
      if (p.postalCode !== undefined) body.postcode = p.postalCode
      if (p.city !== undefined) body.city = p.city
      if (p.country !== undefined) body.country = p.country
      if (p.accountId !== undefined && type === 'contact') body.account = p.accountId
      if (write.account) Object.assign(body, accountBody(write.account))
      if (write.custom) body.custom_fields = write.custom
      if (write.description !== undefined) body.description = write.description
      if (write.ownerEmails) body.assigned_to = await profileIds(write.ownerEmails)
      if (type === 'lead' && !id) Object.assign(body, { status: 'assigned', source: 'campaign', source_ref: write.externalKey ?? '' })
      if (id) {
        await call('PATCH', `${listPath[type]}${id}/`, body)
        return { id, created: false }
      }
      // Account names are unique per organisation: a create repeated after a lost answer finds the first.
      if (type === 'account' && write.account) {
        const { json } = await call('GET', `accounts/?limit=20&name=${encodeURIComponent(write.account.name)}`)
        const earlier = rowsOf('account', json).find((row) => String(row.name).toLowerCase() === write.account!.name.trim().toLowerCase())
        if (earlier) {
          await call('PATCH', `accounts/${earlier.id}/`, body)
          return { id: String(earlier.id), created: false }
        }
      }
      // A create repeated after a lost answer finds the first one by our key instead of making a second.
      if (write.externalKey && type === 'lead') {
        const email = p.email ? `&email=${encodeURIComponent(p.email)}` : ''
        const { json } = await call('GET', `leads/?limit=100${email}`)
        const earlier = rowsOf('lead', json).find((row) => row.source_ref === write.externalKey)
        if (earlier) return { id: String(earlier.id), created: false }
      }
      // BottleCRM keeps one contact per e-mail: a create repeated after a lost answer (or of someone a CRM
      // user entered since the last sync) updates that record instead of being refused as a duplicate.
      if (type === 'contact' && p.email) {
        const { json } = await call('GET', `contacts/?limit=20&email=${encodeURIComponent(p.email)}`)
        const earlier = rowsOf('contact', json).find((row) => String(row.email ?? '').toLowerCase() === p.email!.toLowerCase())
        if (earlier) {
          await call('PATCH', `contacts/${earlier.id}/`, body)
          return { id: String(earlier.id), created: false }
        }
      }
      const { json } = await call('POST', listPath[type], body)
      return { id: String(json.id), created: true }
    },

    async setCampaignMemberships(contactId, campaigns) {
      const wanted = [...new Set(campaigns.map(campaignTagName))]
      const ids: string[] = []
      for (const name of wanted) ids.push(await campaignTag(name))
      // The tags list replaces the record's tags: keep those a CRM user set, swap only ours.
      const { json } = await call('GET', `contacts/${contactId}/`)
      const current = (((json.contact_obj ?? json).tags ?? []) as Json[]).map((tag) => String(tag.id ?? tag))
      const names = await orgTags()
      const theirs = current.filter((id) => !(names.get(id) ?? '').startsWith(CAMPAIGN_TAG_PREFIX))
      await call('PATCH', `contacts/${contactId}/`, { tags: [...new Set([...theirs, ...ids])] })
    },

    async addNote(type, id, text) {
      await call('POST', `${listPath[type]}${id}/`, { comment: text })
    },

    async ensureCustomFields(type, fields: CustomFieldSpec[]) {
      const target = CUSTOM_TARGET[type]
      const { json } = await call('GET', `custom-fields/?target_model=${target}`)
      const rows: Json[] = Array.isArray(json) ? json : (json.definitions ?? json.results ?? [])
      const have = new Set(rows.filter((row) => row.target_model === target).map((row) => row.key))
      // Consent lives in two custom fields a CRM admin fills in; they are created with ours.
      const consent: CustomFieldSpec[] = [
        { key: CONSENT_FIELD, label: 'E-mail marketing opt-in', type: 'checkbox' },
        { key: CONSENT_SOURCE_FIELD, label: 'E-mail opt-in source', type: 'text' },
      ]
      for (const field of [...consent, ...fields]) {
        if (have.has(field.key)) continue
        await call('POST', 'custom-fields/', { target_model: target, key: field.key, label: field.label, field_type: field.type })
      }
    },
  }

  async function deletedSince(type: string, since: Date): Promise<string[]> {
    const entity = { contact: 'Contact', lead: 'Lead', account: 'Account', opportunity: 'Opportunity' }[type]
    const { json } = await call('GET', `activities/?limit=50&entity_type=${entity}`)
    return ((json.activities ?? []) as Json[])
      .filter((a) => a.action === 'DELETE' && new Date(a.created_at) > since)
      .map((a) => String(a.entity_id))
  }
}

/** A company's fields as BottleCRM's account API takes them; blanks are left out (its validators refuse null). */
function accountBody(account: CrmAccount): Record<string, unknown> {
  const body = { name: account.name, website: account.website, industry: account.industry, phone: account.phone, city: account.city, postcode: account.postalCode, country: account.country }
  return Object.fromEntries(Object.entries(body).filter(([, value]) => value !== null && value !== ''))
}

function toRecord(type: Exclude<CrmObjectType, 'campaign_member'>, row: Json): CrmRecord {
  const changedAt = new Date(row.updated_at ?? row.stage_changed_at ?? row.created_at)
  if (type === 'opportunity') {
    const stage = String(row.stage ?? '')
    const outcome = row.stage_kind === 'won' || stage === 'CLOSED_WON' ? 'won' : row.stage_kind === 'lost' || stage === 'CLOSED_LOST' ? 'lost' : 'open'
    const stamps = [row.created_at, row.stage_changed_at].filter(Boolean).map((t: string) => new Date(t).getTime())
    return {
      type,
      id: String(row.id),
      changedAt: new Date(Math.max(...stamps)),
      fields: {
        opportunity: {
          name: row.name,
          stage,
          outcome,
          amount: Number(row.amount ?? 0),
          currency: row.currency ?? null,
          closeDate: row.closed_on ?? null,
          products: ((row.line_items ?? []) as Json[]).map((item) => item.name || item.product_name).filter(Boolean),
          contactIds: ((row.contacts ?? []) as Json[]).map((c) => String(c.id ?? c)),
          accountId: row.account ? String(row.account.id ?? row.account) : null,
        },
      },
    }
  }
  if (type === 'account') {
    const account: CrmAccount = {
      name: row.name,
      website: row.website || null,
      industry: row.industry || null,
      phone: row.phone || null,
      city: row.city || null,
      postalCode: row.postcode || null,
      country: row.country || null,
    }
    return { type, id: String(row.id), changedAt, fields: { account } }
  }
  const custom = (row.custom_fields ?? {}) as Record<string, unknown>
  const consentValue = custom[CONSENT_FIELD]
  const person: CrmPerson = {
    email: row.email || null,
    firstName: row.first_name || null,
    lastName: row.last_name || null,
    company: (type === 'lead' ? row.company_name : row.organization) || row.account_detail?.name || null,
    title: (type === 'lead' ? row.job_title : row.title) || null,
    phone: row.phone || null,
    postalCode: row.postcode || null,
    city: row.city || null,
    country: row.country || null,
    consent: consentValue === undefined || consentValue === null || consentValue === '' ? null : { granted: consentValue === true || consentValue === 'true', source: (custom[CONSENT_SOURCE_FIELD] as string) || null },
    ownerEmails: ((row.assigned_to ?? []) as Json[]).map((p) => p.user_details?.email ?? p.user__email).filter(Boolean),
    // The primary account, else the first account the person is a member of (BottleCRM has both links).
    accountId: type === 'contact' ? (row.account_detail?.id ?? (typeof row.account === 'string' ? row.account : null) ?? row.linked_accounts?.[0]?.id ?? null) : null,
    custom,
  }
  return { type, id: String(row.id), changedAt, fields: { person } }
}

export type { CrmCursor }

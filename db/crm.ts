import type { ISql, Sql, TransactionSql } from 'postgres'
import type { CrmCursor } from '../crm/adapter'
import type { FieldMappings } from '../crm/mapping'

type Db = Sql | TransactionSql

/** Owner of crm_connections, crm_links, crm_cursors, crm_sync_runs and crm_conflicts (migrations 016, 022). */
export interface CrmConnectionRow {
  account_id: string
  kind: 'bottlecrm'
  base_url: string
  credentials_encrypted: string
  field_mappings: FieldMappings
  sync_every: string
  handover_mode: 'crm_lead' | 'webhook'
  enabled: boolean
  created_by: string
  created_at: Date
  updated_at: Date
}

export interface CrmLinkRow {
  account_id: string
  object_type: 'contact' | 'lead' | 'account' | 'opportunity'
  crm_id: string
  contact_id: string | null
  /** Set on an account's link: the company it is. */
  company_id: string | null
  handover_id: string | null
  crm_updated_at: Date | null
  crm_values: Record<string, string | null>
  pushed_hash: string | null
  pushed_at: Date | null
}

export interface CrmSyncRunRow {
  id: string
  account_id: string
  trigger: 'schedule' | 'manual'
  status: 'running' | 'rate_limited' | 'retrying' | 'done' | 'failed'
  stream: string | null
  page: CrmCursor | null
  /** Attempts the CRM turned away (429/5xx/no answer), of which rate_limited were 429s; pages committed. */
  retries: number
  rate_limited: number
  pages: number
  records_in: number
  records_out: number
  conflicts: number
  errors: number
  last_error: string | null
  started_at: Date
  finished_at: Date | null
}

export async function crmConnection(sql: Db, accountId: string): Promise<CrmConnectionRow | null> {
  const [row] = await sql<CrmConnectionRow[]>`select * from crm_connections where account_id = ${accountId}`
  return row ?? null
}

export async function saveCrmConnection(
  sql: Db,
  input: Omit<CrmConnectionRow, 'created_at' | 'updated_at' | 'enabled'> & { enabled?: boolean },
): Promise<CrmConnectionRow> {
  const values = { ...input, enabled: input.enabled ?? true, field_mappings: sql.json(input.field_mappings as never) }
  const [row] = await sql<CrmConnectionRow[]>`
    insert into crm_connections ${sql(values)}
    on conflict (account_id) do update set kind = excluded.kind, base_url = excluded.base_url,
      credentials_encrypted = excluded.credentials_encrypted, field_mappings = excluded.field_mappings,
      sync_every = excluded.sync_every, handover_mode = excluded.handover_mode, enabled = excluded.enabled, updated_at = now()
    returning *`
  return row!
}

export async function linksByCrmIds(sql: Db, accountId: string, type: CrmLinkRow['object_type'], ids: string[]): Promise<Map<string, CrmLinkRow>> {
  if (!ids.length) return new Map()
  const rows = await sql<CrmLinkRow[]>`select * from crm_links where account_id = ${accountId} and object_type = ${type} and crm_id = any(${ids})`
  return new Map(rows.map((row) => [row.crm_id, row]))
}

export async function saveLink(
  sql: Db,
  link: Pick<CrmLinkRow, 'account_id' | 'object_type' | 'crm_id' | 'contact_id'> & Partial<Pick<CrmLinkRow, 'handover_id' | 'crm_updated_at' | 'crm_values'>>,
): Promise<void> {
  await sql`
    insert into crm_links (account_id, object_type, crm_id, contact_id, handover_id, crm_updated_at, crm_values)
    values (${link.account_id}, ${link.object_type}, ${link.crm_id}, ${link.contact_id}, ${link.handover_id ?? null},
            ${link.crm_updated_at ?? null}, ${sql.json((link.crm_values ?? {}) as never)})
    on conflict (account_id, object_type, crm_id) do update set contact_id = excluded.contact_id,
      crm_updated_at = coalesce(excluded.crm_updated_at, crm_links.crm_updated_at),
      crm_values = case when excluded.crm_values = '{}'::jsonb then crm_links.crm_values else excluded.crm_values end,
      handover_id = coalesce(crm_links.handover_id, excluded.handover_id)`
}

/** The CRM account behind a company (one per company: a re-created CRM account replaces the old link). */
export async function saveLinkedCompany(sql: Db | ISql, input: { accountId: string; crmId: string; companyId: string; crmUpdatedAt: Date | null; pushedHash: string }): Promise<void> {
  await sql`delete from crm_links where account_id = ${input.accountId} and object_type = 'account' and company_id = ${input.companyId} and crm_id <> ${input.crmId}`
  await sql`
    insert into crm_links (account_id, object_type, crm_id, company_id, crm_updated_at, pushed_hash, pushed_at)
    values (${input.accountId}, 'account', ${input.crmId}, ${input.companyId}, ${input.crmUpdatedAt}, ${input.pushedHash}, now())
    on conflict (account_id, object_type, crm_id) do update set company_id = excluded.company_id,
      crm_updated_at = coalesce(excluded.crm_updated_at, crm_links.crm_updated_at), pushed_hash = excluded.pushed_hash, pushed_at = now()`
}

export async function cursorOf(sql: Db, accountId: string, stream: string): Promise<CrmCursor | null> {
  const [row] = await sql<{ cursor: CrmCursor }[]>`select cursor from crm_cursors where account_id = ${accountId} and stream = ${stream}`
  return row?.cursor ?? null
}

export async function saveCursor(sql: Db, accountId: string, stream: string, cursor: CrmCursor): Promise<void> {
  await sql`
    insert into crm_cursors (account_id, stream, cursor) values (${accountId}, ${stream}, ${sql.json(cursor as never)})
    on conflict (account_id, stream) do update set cursor = excluded.cursor, updated_at = now()`
}

export async function syncRun(sql: Db, runId: string): Promise<CrmSyncRunRow | null> {
  const [row] = await sql<CrmSyncRunRow[]>`select * from crm_sync_runs where id = ${runId}`
  return row ?? null
}

export async function recentSyncRuns(sql: Db, accountId: string, limit = 20): Promise<CrmSyncRunRow[]> {
  return sql<CrmSyncRunRow[]>`select * from crm_sync_runs where account_id = ${accountId} order by started_at desc limit ${limit}`
}

export async function activeSyncRun(sql: Db, accountId: string): Promise<CrmSyncRunRow | null> {
  const [row] = await sql<CrmSyncRunRow[]>`
    select * from crm_sync_runs where account_id = ${accountId} and status in ('running', 'rate_limited', 'retrying') order by started_at desc limit 1`
  return row ?? null
}

export interface ConflictRow {
  id: string
  contact_id: string
  field: string
  product_value: string | null
  crm_value: string | null
  product_changed_at: Date | null
  crm_changed_at: Date | null
  status: 'open' | 'resolved'
  resolution: 'product' | 'crm' | null
  created_at: Date
  email: string
  first_name: string | null
  last_name: string | null
}

export async function recordConflict(
  sql: Db,
  input: { accountId: string; contactId: string; field: string; productValue: string | null; crmValue: string | null; productChangedAt: Date | null; crmChangedAt: Date | null; runId: string | null },
): Promise<boolean> {
  const rows = await sql`
    insert into crm_conflicts (account_id, contact_id, field, product_value, crm_value, product_changed_at, crm_changed_at, run_id)
    values (${input.accountId}, ${input.contactId}, ${input.field}, ${input.productValue}, ${input.crmValue},
            ${input.productChangedAt}, ${input.crmChangedAt}, ${input.runId})
    on conflict (contact_id, field) where status = 'open' do update set crm_value = excluded.crm_value, product_value = excluded.product_value,
      crm_changed_at = excluded.crm_changed_at
    returning (xmax = 0) as inserted`
  return Boolean((rows[0] as { inserted?: boolean } | undefined)?.inserted)
}

export async function openConflicts(sql: Db, accountId: string, subsidiaryCodes: string[] | '*'): Promise<ConflictRow[]> {
  return sql<ConflictRow[]>`
    select k.id, k.contact_id, k.field, k.product_value, k.crm_value, k.product_changed_at, k.crm_changed_at, k.status, k.resolution, k.created_at,
           c.email, c.first_name, c.last_name
    from crm_conflicts k join contacts c on c.id = k.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where k.account_id = ${accountId} and k.status = 'open' and (${subsidiaryCodes === '*'} or s.code = any(${subsidiaryCodes === '*' ? [] : subsidiaryCodes}))
    order by k.created_at`
}

/** A contact as an on-demand push to the CRM needs it: its person fields, its CRM record (if linked) and the fields in the conflict queue. */
export interface ContactToPush {
  id: string
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  attributes: Record<string, unknown>
  /** The CRM contact it is linked to; null when the CRM has no contact for it yet. */
  crm_id: string | null
  crm_values: Record<string, string | null> | null
  /** Linked to a lead the CRM made (not one of our handover leads): the CRM knows the person already. */
  crm_lead: boolean
  open_conflicts: string[] | null
}

export async function contactToPush(sql: Db, accountId: string, contactId: string): Promise<ContactToPush | null> {
  const [row] = await sql<ContactToPush[]>`
    select c.id, c.email, c.first_name, c.last_name, c.company, c.attributes, l.crm_id, l.crm_values,
      exists (select 1 from crm_links x where x.account_id = c.account_id and x.contact_id = c.id and x.object_type = 'lead' and x.handover_id is null) as crm_lead,
      (select array_agg(k.field) from crm_conflicts k where k.contact_id = c.id and k.status = 'open') as open_conflicts
    from contacts c
      left join lateral (select crm_id, crm_values from crm_links where account_id = c.account_id and object_type = 'contact' and contact_id = c.id limit 1) l on true
    where c.account_id = ${accountId} and c.id = ${contactId}`
  return row ?? null
}

/** An open conflict in the caller's subsidiaries, locked while a person resolves it. */
export interface ConflictToResolve {
  contact_id: string
  field: string
  crm_value: string | null
  product_value: string | null
}

export async function lockOpenConflict(sql: Db, accountId: string, conflictId: string, subsidiaryCodes: string[] | '*'): Promise<ConflictToResolve | null> {
  const [row] = await sql<ConflictToResolve[]>`
    select k.contact_id, k.field, k.crm_value, k.product_value from crm_conflicts k join contacts c on c.id = k.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where k.id = ${conflictId} and k.account_id = ${accountId} and k.status = 'open' and (${subsidiaryCodes === '*'} or s.code = any(${subsidiaryCodes === '*' ? [] : subsidiaryCodes})) for update of k`
  return row ?? null
}

/** The chosen value becomes the links' "last synced" one, and the conflict is closed with who chose what. */
export async function closeConflict(sql: Db, input: { conflictId: string; contactId: string; field: string; syncedValue: string | null; keep: 'product' | 'crm'; resolvedBy: string }): Promise<void> {
  await sql`update crm_links set crm_values = crm_values || ${sql.json({ [input.field]: input.syncedValue } as never)} where contact_id = ${input.contactId} and object_type in ('contact', 'lead')`
  await sql`update crm_conflicts set status = 'resolved', resolution = ${input.keep}, resolved_by = ${input.resolvedBy}, resolved_at = now() where id = ${input.conflictId}`
}

/** A linked CRM contact as the outbound push needs it: its values, scores, personas, campaigns and clicks, and the last push. */
export interface OutboundContactRow {
  contact_id: string
  crm_id: string
  pushed_hash: string | null
  crm_values: Record<string, string | null>
  email: string
  first_name: string | null
  last_name: string | null
  company: string | null
  attributes: Record<string, unknown>
  consent_status: string
  consent_source: string | null
  updated_at: Date
  lifecycle_stage: string
  profile_grade: string | null
  activity_level: number | null
  personas: string | null
  campaigns: string | null
  /** The campaigns the contact is enrolled in, by name (memberships: BottleCRM tags, Salesforce CampaignMember). */
  campaign_names: string[] | null
  clicked: string | null
  /** The CRM account of the contact's company, when it has one. */
  company_crm_id: string | null
  /** Fields waiting in the conflict queue: neither side's value goes anywhere until a person decides. */
  open_conflicts: string[] | null
}

/** A page of linked contacts to push, in contact id order after afterContactId (the page's cursor). */
export async function linkedContactsToPush(sql: Db, accountId: string, afterContactId: string, limit: number): Promise<OutboundContactRow[]> {
  return sql<OutboundContactRow[]>`
    select l.contact_id, l.crm_id, l.pushed_hash, l.crm_values, c.email, c.first_name, c.last_name, c.company, c.attributes, c.consent_status,
      c.consent_source, c.updated_at, c.lifecycle_stage, s.profile_grade, s.activity_level,
      (select string_agg(p.name || ' ' || cp.match_percent || '%', ', ' order by cp.match_percent desc) from contact_personas cp join personas p on p.id = cp.persona_id where cp.contact_id = c.id) as personas,
      (select string_agg(distinct g.name || ' (' || e.status || ')', ', ') from enrolments e join campaigns g on g.id = e.campaign_id where e.contact_id = c.id) as campaigns,
      (select array_agg(distinct g.name order by g.name) from enrolments e join campaigns g on g.id = e.campaign_id where e.contact_id = c.id) as campaign_names,
      (select string_agg(x.label, ', ') from (select coalesce(v.properties->>'tag', v.properties->>'url') as label, max(v.occurred_at) as at from events v
         where v.contact_id = c.id and v.type = 'click' and not v.suspected_machine group by 1 order by 2 desc limit 10) x) as clicked,
      (select la.crm_id from crm_links la where la.account_id = l.account_id and la.object_type = 'account' and la.company_id = c.company_id) as company_crm_id,
      (select array_agg(k.field) from crm_conflicts k where k.contact_id = c.id and k.status = 'open') as open_conflicts
    from crm_links l join contacts c on c.id = l.contact_id left join contact_scores s on s.contact_id = c.id
    where l.account_id = ${accountId} and l.object_type = 'contact' and l.contact_id > ${afterContactId}
    order by l.contact_id limit ${limit}`
}

import { createHash } from 'node:crypto'
import { ApplicationFailure, Context } from '@temporalio/activity'
import type { Sql } from 'postgres'
import { CrmRefused, CrmUnavailable, type ChangePage, type CrmAdapter, type CrmCursor, type CrmRecord, type CrmWrite } from '../crm/adapter'
import { createBottleCrmAdapter } from '../crm/bottlecrm'
import { DEFAULT_MAPPINGS, ENRICHMENT_KEYS, normaliseValue, PERSON_FIELDS, type EnrichmentField, type FieldMappings, type PersonField } from '../crm/mapping'
import type { SecretBox } from '../crm/secret-box'
import { activeSyncRun, crmConnection, cursorOf, linkedContactsToPush, linksByCrmIds, saveCursor, syncRun, type CrmConnectionRow, type CrmLinkRow, type OutboundContactRow as OutboundContact } from '../db/crm'
import { applyAccount, pushCompaniesPage } from './crm-accounts'
import { applyOpportunity, applyPerson, contactsByEmail, productValue } from './crm-inbound'
import type { CrmSyncActivities } from '../engine/workflows/activity-types'

/**
 * The order a run walks the CRM's objects in: accounts first, so people find their company; people before
 * opportunities, so these find their contacts; then ours out, companies before the contacts that work there.
 */
export const SYNC_STREAMS = ['account', 'contact', 'lead', 'opportunity', 'account_out', 'out'] as const
type Stream = (typeof SYNC_STREAMS)[number]

export interface CrmSyncDeps {
  sql: Sql
  secrets: SecretBox
  /** The adapter for a connection; tests may wrap the real one (to count calls), never imitate the CRM. */
  adapterFor?: (connection: CrmConnectionRow, token: string) => CrmAdapter
  /** Records per page, both directions (CRM_PAGE_SIZE). */
  pageSize?: number
}

export function crmAdapter(deps: Pick<CrmSyncDeps, 'secrets' | 'adapterFor' | 'pageSize'>, connection: CrmConnectionRow): CrmAdapter {
  const { token } = JSON.parse(deps.secrets.open(connection.credentials_encrypted, connection.account_id)) as { token: string }
  if (deps.adapterFor) return deps.adapterFor(connection, token)
  return createBottleCrmAdapter({ baseUrl: connection.base_url, token, pageSize: deps.pageSize })
}

export function createCrmSyncActivities(deps: CrmSyncDeps): CrmSyncActivities {
  const { sql } = deps
  return {
    /**
     * Opens a run for the account (or joins the one already under way: two schedules never walk the CRM
     * at once). Idempotent by runId, which the workflow mints.
     */
    async startCrmSyncRun(input: { accountId: string; runId: string; trigger: 'schedule' | 'manual' }): Promise<{ runId: string; joined: boolean } | null> {
      const connection = await crmConnection(sql, input.accountId)
      if (!connection?.enabled) return null
      return sql.begin(async (sql) => {
        await sql`select pg_advisory_xact_lock(hashtext(${`crm-sync:${input.accountId}`}))`
        const mine = await syncRun(sql as unknown as Sql, input.runId)
        if (mine) return { runId: mine.id, joined: false }
        const active = await activeSyncRun(sql as unknown as Sql, input.accountId)
        if (active) return { runId: active.id, joined: true }
        await sql`insert into crm_sync_runs (id, account_id, trigger, stream) values (${input.runId}, ${input.accountId}, ${input.trigger}, ${SYNC_STREAMS[0]})`
        return { runId: input.runId, joined: false }
      })
    },

    /**
     * Syncs the run's next page and moves its position, in one transaction with what the page changed: a
     * crash before the commit repeats the page (applying a record twice changes nothing), after it goes on
     * from the next. CRM down, 429 or 5xx: the run says "retrying" with the reason and Temporal retries with
     * backoff (after Retry-After when the CRM sent one).
     */
    async syncCrmPage(input: { runId: string }): Promise<{ done: boolean }> {
      const run = await syncRun(sql, input.runId)
      if (!run || run.status === 'done' || run.status === 'failed') return { done: true }
      const connection = await crmConnection(sql, run.account_id)
      if (!connection) {
        await sql`update crm_sync_runs set status = 'failed', last_error = 'the CRM connection was removed', finished_at = now() where id = ${run.id}`
        return { done: true }
      }
      const adapter = crmAdapter(deps, connection)
      const stream = (run.stream ?? SYNC_STREAMS[0]) as Stream
      const mappings = { ...DEFAULT_MAPPINGS, ...connection.field_mappings }
      try {
        if (stream === 'out') await pushPage(deps, adapter, run.id, run.account_id, mappings, run.page)
        else if (stream === 'account_out') {
          const pushed = await pushCompaniesPage(sql, adapter, { runId: run.id, accountId: run.account_id, page: run.page, pageSize: deps.pageSize ?? 100, heartbeat: () => Context.current().heartbeat() })
          await sql`update crm_sync_runs set stream = ${pushed.done ? nextStream(stream) : stream}, page = ${pushed.nextPage ? sql.json(pushed.nextPage as never) : null}, status = 'running', pages = pages + 1 where id = ${run.id}`
        } else await pullPage(sql, adapter, run.id, run.account_id, stream, mappings, run.page)
        Context.current().heartbeat()
      } catch (error) {
        if (error instanceof CrmUnavailable) {
          // Counted per failed attempt: the run shows how often the CRM made it wait, and why.
          const limited = error.status === 429
          await sql`
            update crm_sync_runs set status = ${limited ? 'rate_limited' : 'retrying'}, retries = retries + 1, rate_limited = rate_limited + ${limited ? 1 : 0},
              last_error = ${error.retryAfterMs ? `${error.message} (retry after ${Math.round(error.retryAfterMs / 1000)} s)` : error.message}
            where id = ${run.id}`
          throw ApplicationFailure.create({ message: error.message, type: 'CrmUnavailable', nextRetryDelay: error.retryAfterMs ?? undefined })
        }
        if (error instanceof CrmRefused) {
          await sql`update crm_sync_runs set status = 'failed', errors = errors + 1, last_error = ${error.message}, finished_at = now() where id = ${run.id}`
          throw ApplicationFailure.nonRetryable(error.message, 'CrmRefused')
        }
        throw error
      }
      const after = await syncRun(sql, run.id)
      return { done: after!.stream === null }
    },

    /** Closes the run: done when every stream was walked, failed with the reason otherwise. */
    async finishCrmSyncRun(input: { runId: string; error?: string }): Promise<void> {
      if (input.error) await sql`update crm_sync_runs set status = 'failed', last_error = ${input.error}, finished_at = now() where id = ${input.runId} and status <> 'done'`
      else await sql`update crm_sync_runs set status = 'done', finished_at = now() where id = ${input.runId} and stream is null`
    },
  }
}

export type { CrmSyncActivities }

function nextStream(stream: Stream): Stream | null {
  return SYNC_STREAMS[SYNC_STREAMS.indexOf(stream) + 1] ?? null
}

/** How long one activity goes on with the next pages of a listing before it hands back to the workflow. */
const PULL_BUDGET_MS = 20_000

/**
 * Pulls pages of one stream for up to PULL_BUDGET_MS, each page applied and its position stored in one
 * transaction (a crash repeats at most the page under way). The next page is fetched while this one is
 * applied, so the CRM's answer time and ours overlap instead of adding up (the inbound profile: the list
 * walk was about half of each record's time).
 */
async function pullPage(sql: Sql, adapter: CrmAdapter, runId: string, accountId: string, stream: Exclude<Stream, 'out' | 'account_out'>, mappings: FieldMappings, page: CrmCursor | null): Promise<void> {
  const cursor = await cursorOf(sql, accountId, stream)
  let changes = await adapter.changesSince(stream, cursor, page)
  const began = Date.now()
  for (;;) {
    const following = changes.nextPage && Date.now() - began < PULL_BUDGET_MS ? changes.nextPage : null
    // Settled into a value at once, so a CRM failure while we apply is never an unhandled rejection.
    const prefetch = following ? adapter.changesSince(stream, cursor, following).then((value) => ({ value }), (error: unknown) => ({ error })) : null
    await applyPage(sql, runId, accountId, stream, mappings, changes)
    Context.current().heartbeat()
    if (!prefetch) return
    const fetched = await prefetch
    if ('error' in fetched) throw fetched.error
    changes = fetched.value
  }
}

async function applyPage(sql: Sql, runId: string, accountId: string, stream: Exclude<Stream, 'out' | 'account_out'>, mappings: FieldMappings, changes: ChangePage): Promise<void> {
  await sql.begin(async (sql) => {
    const tx = sql as unknown as Sql
    let recordsIn = 0
    let conflicts = 0
    const links = await linksByCrmIds(tx, accountId, stream, changes.records.map((r) => r.id))
    const contactLinks = stream === 'opportunity' ? await linksByCrmIds(tx, accountId, 'contact', changes.records.flatMap((r) => ('opportunity' in r.fields ? r.fields.opportunity.contactIds : []))) : new Map<string, CrmLinkRow>()
    const companyLinks = await linksByCrmIds(tx, accountId, 'account', changes.records.flatMap((r) => ('person' in r.fields && r.fields.person.accountId ? [r.fields.person.accountId] : [])))
    const unlinkedEmails = changes.records.flatMap((r) => ('person' in r.fields && r.fields.person.email && !links.get(r.id)?.contact_id ? [r.fields.person.email] : []))
    const ctx = { accountId, runId, mappings, companyLinks, contactsByEmail: await contactsByEmail(tx, accountId, unlinkedEmails), subsidiaries: new Map<string, string>() }
    for (const record of changes.records) {
      const link = links.get(record.id)
      if (stream === 'account') {
        if ((await applyAccount(tx, accountId, record, link)).applied) recordsIn++
        continue
      }
      // Our own write coming back (or a record seen again in an overlapping page) is not a change.
      if (stream !== 'opportunity' && link && sameAsSynced(record, link)) continue
      const outcome = stream === 'opportunity' ? await applyOpportunity(tx, ctx, record, contactLinks) : await applyPerson(tx, ctx, record, link)
      if (outcome.applied) recordsIn++
      conflicts += outcome.conflicts
    }
    // A record deleted in the CRM loses its link; the contact, its history and its consent stay in the pool.
    if (changes.deleted.length) await sql`delete from crm_links where account_id = ${accountId} and object_type = ${stream} and crm_id = any(${changes.deleted})`
    const following = changes.nextPage ? stream : nextStream(stream)
    if (!changes.nextPage) await saveCursor(tx, accountId, stream, changes.nextCursor)
    await sql`
      update crm_sync_runs set records_in = records_in + ${recordsIn}, conflicts = conflicts + ${conflicts}, status = 'running', pages = pages + 1,
        stream = ${following}, page = ${changes.nextPage ? sql.json(changes.nextPage as never) : null}
      where id = ${runId}`
  })
}

function sameAsSynced(record: CrmRecord, link: CrmLinkRow): boolean {
  if (!('person' in record.fields) || !link.crm_values || !Object.keys(link.crm_values).length) return false
  const person = record.fields.person
  if (person.consent?.granted) return false
  if ((person.accountId ?? null) !== (link.crm_values.accountId ?? null)) return false
  return PERSON_FIELDS.every((field) => normaliseValue(field, person[field] ?? null) === (link.crm_values[field] ?? null))
}

/**
 * Pushes what campaigns learned about linked contacts onto their CRM records, a page of contacts at a
 * time in id order (the page is the last id done). A contact whose values hash like the last push is
 * skipped, so repeating a page writes nothing twice.
 */
async function pushPage(deps: CrmSyncDeps, adapter: CrmAdapter, runId: string, accountId: string, mappings: FieldMappings, page: CrmCursor | null): Promise<void> {
  const { sql } = deps
  const enrichment = (Object.keys(ENRICHMENT_KEYS) as EnrichmentField[]).filter((field) => mappings[field]?.direction === 'to_crm')
  if (!page) await adapter.ensureCustomFields('contact', enrichment.map((field) => ({ ...ENRICHMENT_KEYS[field], type: 'text' as const })))
  const after = String(page?.afterContactId ?? '00000000-0000-0000-0000-000000000000')
  const rows = await linkedContactsToPush(sql, accountId, after, deps.pageSize ?? 100)
  // A few writes in flight at once: the CRM answers each in tens of milliseconds, mostly waiting.
  const queue = [...rows]
  let pushed = 0
  const worker = async () => {
    for (let row = queue.shift(); row; row = queue.shift()) if (await pushContact(deps, adapter, runId, accountId, row, mappings, enrichment)) pushed++
  }
  const settled = await Promise.allSettled(Array.from({ length: PUSH_CONCURRENCY }, worker))
  // Counted once per page, not per record: every writer updating the run's one row queued them behind its lock
  // (the outbound profile). What was pushed before a failure is counted too; the retry skips it by its hash.
  const failed = settled.find((outcome): outcome is PromiseRejectedResult => outcome.status === 'rejected')
  if (failed) {
    if (pushed) await sql`update crm_sync_runs set records_out = records_out + ${pushed} where id = ${runId}`
    throw failed.reason
  }
  const last = rows.at(-1)
  const done = rows.length < (deps.pageSize ?? 100)
  await sql`
    update crm_sync_runs set stream = ${done ? null : 'out'}, page = ${done ? null : sql.json({ afterContactId: last!.contact_id })}, status = 'running', pages = pages + 1,
      records_out = records_out + ${pushed}
    where id = ${runId}`
}

const PUSH_CONCURRENCY = 4

/** Pushes one contact's values when they changed since the last push; answers whether it wrote anything. */
async function pushContact(deps: CrmSyncDeps, adapter: CrmAdapter, runId: string, accountId: string, row: OutboundContact, mappings: FieldMappings, enrichment: EnrichmentField[]): Promise<boolean> {
  const { sql } = deps
  const write = outboundWrite(row, mappings, enrichment)
  // The hash covers what campaigns learned; person fields go out only while they differ from the last
  // synced values (which the push then updates), so a repeat of either writes nothing.
  const hash = createHash('sha256').update(JSON.stringify(write.custom ?? {})).digest('hex')
  if (hash === row.pushed_hash && !write.person) return false
  // Memberships go out when the set of campaigns changed since the last push (a tag per campaign in
  // BottleCRM); the custom field above keeps each membership's status, which a tag cannot carry.
  const memberships = (row.campaign_names ?? []).join('\n')
  const membershipsChanged = enrichment.includes('campaigns') && !!adapter.setCampaignMemberships && memberships !== (row.crm_values.campaignMemberships ?? '')
  try {
    await adapter.upsert('contact', row.crm_id, write)
    if (membershipsChanged) await adapter.setCampaignMemberships!(row.crm_id, row.campaign_names ?? [])
  } catch (error) {
    if (!(error instanceof CrmRefused)) throw error
    await sql`update crm_sync_runs set errors = errors + 1, last_error = ${`${row.email}: ${error.message}`} where id = ${runId}`
    return false
  }
  const synced = {
    ...row.crm_values,
    ...Object.fromEntries(Object.entries(write.person ?? {}).map(([field, value]) => [field, normaliseValue(field, value ?? null)])),
    ...(membershipsChanged ? { campaignMemberships: memberships } : {}),
  }
  await sql`update crm_links set pushed_hash = ${hash}, pushed_at = now(), crm_values = ${sql.json(synced as never)} where account_id = ${accountId} and object_type = 'contact' and crm_id = ${row.crm_id}`
  return true
}

function outboundWrite(row: OutboundContact, mappings: FieldMappings, enrichment: EnrichmentField[]): CrmWrite {
  const person: Record<string, string | null> = {}
  for (const field of PERSON_FIELDS) {
    const mapping = mappings[field]
    if (!mapping || mapping.direction === 'from_crm' || row.open_conflicts?.includes(field)) continue
    const value = productValue(row, field as PersonField)
    const last = row.crm_values[field] ?? null
    // Only what the product changed since the last sync goes out; the inbound side settled the rest.
    if (normaliseValue(field, value) !== last && (mapping.direction === 'to_crm' || value !== null)) person[field] = value
  }
  // The company the contact works for, as the CRM account we linked it to (set, never cleared from here).
  const account = row.company_crm_id && row.company_crm_id !== (row.crm_values.accountId ?? null) ? { accountId: row.company_crm_id } : {}
  const values: Record<EnrichmentField, string | null> = {
    profileGrade: row.profile_grade,
    activityLevel: row.activity_level === null ? null : String(row.activity_level),
    scoreCell: row.profile_grade && row.activity_level ? `${row.profile_grade}${row.activity_level}` : null,
    personas: row.personas,
    lifecycleStage: row.lifecycle_stage,
    campaigns: row.campaigns,
    contentClicked: row.clicked,
  }
  const custom = Object.fromEntries(enrichment.map((field) => [ENRICHMENT_KEYS[field].key, values[field] ?? '']))
  const written = { ...person, ...account }
  return { ...(Object.keys(written).length ? { person: written } : {}), custom }
}

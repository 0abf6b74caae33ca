import type { Sql, TransactionSql } from 'postgres'

// The entry of contacts into a campaign (enrolments, trigger_occasions and the trigger's enrolment_steps
// row): one contact decided and written by the enrol_entry function (migrations 036, 040) in one round
// trip, a batch by the reads and the insert below; engine/enrol.ts and engine/enrol-batch.ts hold the
// rules' meaning.

export interface EntryRow {
  enrolment_id: string | null
  version_id: string | null
  active: boolean
  repeated: boolean
  entered_before: boolean
  /** Why the contact was not enrolled (engine/enrol.ts SkipReason), or null. */
  skipped: string | null
}

export async function enterCampaign(
  sql: Sql,
  input: {
    accountId: string
    campaignId: string
    versionId: string
    contactId: string
    workflowId: string
    triggerEventId: string | null
    occasion: string
    reEntry: string
    coolDownMs: number
    /** The trigger's node: a new enrolment's first step row is written with it (migration 040). */
    triggerNodeId: string | null
  },
): Promise<EntryRow> {
  const [row] = await sql<EntryRow[]>`
    select * from enrol_entry(${input.accountId}, ${input.campaignId}, ${input.versionId}, ${input.contactId}, ${input.workflowId},
                              ${input.triggerEventId}, ${input.occasion}, ${input.reEntry}, ${input.coolDownMs}, ${input.triggerNodeId})`
  if (!row) throw new Error('enrol_entry returned no row')
  return row
}

/** A contact's earlier enrolments in the campaign, as a batch's entry rules need them. */
export interface BatchPrior {
  contact_id: string
  active: boolean
  entered_before: boolean
  cooling: boolean
}

/**
 * A bulk entry's reads (engine/enrol-batch.ts), pipelined in its transaction: the advisory locks of every
 * contact (the key enrol_entry uses, in one order so two batches cannot deadlock), then the occasions
 * already taken, the contacts that exist and the earlier enrolments, each read after the locks.
 */
export async function readBatchEntry(
  sql: TransactionSql,
  input: { accountId: string; campaignId: string; contactIds: string[]; lockedIds: string[]; occasions: string[]; coolDownMs: number },
) {
  const { accountId, campaignId, contactIds, lockedIds, occasions, coolDownMs } = input
  const [, taken, known, history] = await Promise.all([
    sql`select pg_advisory_xact_lock(hashtextextended('enrol:' || ${campaignId}::uuid::text || ':' || c::text, 0)) from unnest(${lockedIds}::uuid[]) with ordinality as l(c, n) order by n`,
    sql<{ contact_id: string; occasion: string; enrolment_id: string; version_id: string; status: string }[]>`
      select o.contact_id, o.occasion, o.enrolment_id, e.version_id, e.status from trigger_occasions o join enrolments e on e.id = o.enrolment_id
      where o.campaign_id = ${campaignId} and o.contact_id = any(${contactIds}::uuid[]) and o.occasion = any(${occasions}::text[])`,
    sql<{ id: string }[]>`select id from contacts where account_id = ${accountId} and id = any(${contactIds}::uuid[])`,
    sql<BatchPrior[]>`
      select contact_id, bool_or(status = 'active') as active, true as entered_before,
             coalesce(max(started_at) > now() - ${coolDownMs} * interval '1 millisecond', false) as cooling
      from enrolments where campaign_id = ${campaignId} and contact_id = any(${contactIds}::uuid[]) group by contact_id`,
  ])
  return { taken, known, history }
}

/**
 * A bulk entry's new enrolments, their occasions and their trigger's step (as enrol_entry writes them) in one
 * statement; a contact already active gets none.
 */
export async function insertBatchEntries(
  sql: TransactionSql,
  input: { accountId: string; campaignId: string; versionId: string; triggerNodeId: string | null; rows: { contactId: string; workflowId: string; triggerEventId: string | null; occasion: string }[] },
) {
  const { accountId, campaignId, versionId, triggerNodeId, rows } = input
  return sql<{ id: string; contact_id: string }[]>`
    with rows as (
      select * from unnest(${rows.map((r) => r.contactId)}::uuid[], ${rows.map((r) => r.workflowId)}::text[],
                           ${rows.map((r) => r.triggerEventId)}::uuid[], ${rows.map((r) => r.occasion)}::text[])
        as r(contact_id, workflow_id, trigger_event_id, occasion)),
    created as (
      insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id, trigger_event_id)
      select ${accountId}, ${campaignId}, ${versionId}, contact_id, workflow_id, trigger_event_id from rows
      on conflict (campaign_id, contact_id) where status = 'active' do nothing
      returning id, contact_id),
    occasion as (
      insert into trigger_occasions (campaign_id, contact_id, occasion, account_id, enrolment_id)
      select ${campaignId}, created.contact_id, rows.occasion, ${accountId}, created.id from created join rows using (contact_id)),
    trigger_step as (
      insert into enrolment_steps (enrolment_id, node_id, visit, account_id)
      select created.id, ${triggerNodeId}::text, 1, ${accountId} from created where ${triggerNodeId}::text is not null)
    select id, contact_id from created`
}

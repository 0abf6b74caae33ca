import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { CampaignGraph } from './campaign/graph'
import { parseDuration } from './campaign/duration'
import { enrolmentWorkflowId, startEnrolmentWorkflow } from './client'
import type { EnrolmentInputV1 } from './workflows/enrolment'
import { campaignTrigger } from './triggers'
import { readContactFacts } from './contact-facts-reader'
import { inAudience } from './nodes/trigger'
import { enteringVersion, versionGraph } from '../db/campaign-versions'
import { contactExists } from '../db/contacts'

// The one place where a contact enters a campaign: the event dispatcher, the trigger scans, and manual
// enrolment (single, CSV, segment) all come through enrolContact. Three things keep entry exact under
// concurrency and retries:
//   - a transaction-scoped advisory lock per campaign and contact, so the entry rules (which read the
//     contact's earlier enrolments) and the insert that follows cannot interleave with another entry;
//   - trigger_occasions (primary key campaign + contact + occasion): an occasion enrols at most once;
//   - the partial unique index on active enrolments and the workflow id's USE_EXISTING policy, as before.
// The workflow is started after the commit. A crash in between leaves an active enrolment without a
// workflow; the caller's retry (dispatcher round, activity retry, repeated request) finds the occasion
// taken by that still-active enrolment and starts its workflow then, which is safe to do twice.

export interface EnrolDeps {
  sql: Sql
  client: Client
  taskQueue: string
}

/** A campaign that takes entries, with the published version new enrolments run. */
export interface EnteringCampaign {
  accountId: string
  campaignId: string
  versionId: string
  graph: CampaignGraph
}

export interface Entry {
  contactId: string
  /** What entered the contact (engine/triggers.ts): event:<id>, maintenance_due:2027-03-01, manual:<key>, … */
  occasion: string
  /** The event that triggered it, whose properties mails may use. */
  triggerEventId?: string
}

export type SkipReason =
  /** No contact with this id in the campaign's account. */
  | 'unknown_contact'
  /** The contact is in the campaign right now. */
  | 'already_in_campaign'
  /** Entry rule "never": the contact was in this campaign before. */
  | 're_entry_never'
  /** Entry rule "after": the previous enrolment started less than the cool-down ago. */
  | 'cooling_down'
  /** The trigger's audience rules (persona, score cell, tags, …) do not hold for the contact. */
  | 'not_in_audience'

export type EnrolOutcome =
  // repeated: this occasion had enrolled the contact before (a retry, a second scan, a repeated request).
  | { outcome: 'enrolled'; enrolmentId: string; repeated: boolean }
  | { outcome: 'skipped'; reason: SkipReason }

/** Campaigns take entries while live, and while paused (their mail waits for the resume); not once stopped. */
export async function loadEnteringCampaign(sql: Sql, accountId: string, campaignId: string): Promise<EnteringCampaign | null> {
  const live = await enteringVersion(sql, accountId, campaignId)
  return live ? { accountId, campaignId, ...live } : null
}

/** What the entry transaction decided for one entry. */
export interface Decision {
  enrolmentId: string
  versionId: string
  /** Still running: its workflow must be (re)started. */
  active: boolean
  repeated: boolean
  /** The contact was in this campaign before, so the workflow id may still name that earlier run. */
  enteredBefore: boolean
}

/**
 * Enrols the contact for this occasion unless the occasion was used already or the entry rules refuse;
 * then starts (or, for a repeated occasion whose enrolment still runs, makes sure of) its workflow.
 * Side effects: an enrolments row and a trigger_occasions row (one transaction), one workflow start.
 */
export async function enrolContact(deps: EnrolDeps, campaign: EnteringCampaign, entry: Entry): Promise<EnrolOutcome> {
  const { sql } = deps
  const rules = campaignTrigger(campaign.graph) ?? { reEntry: 'always' as const, coolDown: undefined, audience: [] }
  const coolDownMs = rules.reEntry === 'after' && rules.coolDown ? parseDuration(rules.coolDown)! : 0
  const workflowId = enrolmentWorkflowId(campaign.campaignId, entry.contactId)
  // The audience is read before the entry's transaction: it only reads, and an occasion already taken
  // (a retry) was in the audience when it was taken.
  if (rules.audience.length > 0) {
    const facts = await readContactFacts(sql, { accountId: campaign.accountId, contactId: entry.contactId }, { livePersonas: true })
    if (!facts) return { outcome: 'skipped', reason: 'unknown_contact' }
    if (!inAudience(rules, facts)) {
      const [taken] = await sql`select 1 from trigger_occasions where campaign_id = ${campaign.campaignId} and contact_id = ${entry.contactId} and occasion = ${entry.occasion}`
      if (!taken) return { outcome: 'skipped', reason: 'not_in_audience' }
    }
  }

  // Four round trips: BEGIN; the lock and the three reads pipelined (each read is its own statement, so it
  // sees what was committed before the lock was granted); both inserts in one statement; COMMIT. Eight
  // sequential round trips held a pooled connection twice as long, and the pool is what 16-50 concurrent
  // enrolments queue on.
  const decision = await sql.begin(async (sql): Promise<Decision | SkipReason> => {
    const [, [earlier], exists, [history]] = await Promise.all([
      sql`select pg_advisory_xact_lock(hashtextextended(${`enrol:${campaign.campaignId}:${entry.contactId}`}, 0))`,
      sql<{ enrolment_id: string; version_id: string; status: string }[]>`
        select o.enrolment_id, e.version_id, e.status from trigger_occasions o join enrolments e on e.id = o.enrolment_id
        where o.campaign_id = ${campaign.campaignId} and o.contact_id = ${entry.contactId} and o.occasion = ${entry.occasion}`,
      contactExists(sql, { accountId: campaign.accountId, contactId: entry.contactId }),
      sql<{ active: boolean; entered_before: boolean; cooling: boolean }[]>`
        select coalesce(bool_or(status = 'active'), false) as active,
               count(*) > 0 as entered_before,
               coalesce(max(started_at) > now() - ${coolDownMs} * interval '1 millisecond', false) as cooling
        from enrolments where campaign_id = ${campaign.campaignId} and contact_id = ${entry.contactId}`,
    ])
    if (earlier) return { enrolmentId: earlier.enrolment_id, versionId: earlier.version_id, active: earlier.status === 'active', repeated: true, enteredBefore: true }

    if (!exists) return 'unknown_contact'
    if (history!.active) return 'already_in_campaign'
    if (history!.entered_before && rules.reEntry === 'never') return 're_entry_never'
    if (history!.cooling && rules.reEntry === 'after') return 'cooling_down'

    const [created] = await sql<{ id: string }[]>`
      with created as (
        insert into enrolments (account_id, campaign_id, version_id, contact_id, workflow_id, trigger_event_id)
        values (${campaign.accountId}, ${campaign.campaignId}, ${campaign.versionId}, ${entry.contactId}, ${workflowId}, ${entry.triggerEventId ?? null})
        on conflict (campaign_id, contact_id) where status = 'active' do nothing
        returning id),
      occasion as (
        insert into trigger_occasions (campaign_id, contact_id, occasion, account_id, enrolment_id)
        select ${campaign.campaignId}, ${entry.contactId}, ${entry.occasion}, ${campaign.accountId}, id from created)
      select id from created`
    // The lock makes this unreachable, but the index is the last word on "one active enrolment".
    if (!created) return 'already_in_campaign'
    return { enrolmentId: created.id, versionId: campaign.versionId, active: true, repeated: false, enteredBefore: history!.entered_before }
  })

  if (typeof decision === 'string') return { outcome: 'skipped', reason: decision }
  if (decision.active) await startDecidedEnrolment(deps, campaign, entry, decision)
  return { outcome: 'enrolled', enrolmentId: decision.enrolmentId, repeated: decision.repeated }
}

/** Starts (or makes sure of) the workflow of an enrolment the entry transaction decided on. */
export async function startDecidedEnrolment(deps: EnrolDeps, campaign: EnteringCampaign, entry: Entry, decision: Decision): Promise<void> {
  const graph = decision.versionId === campaign.versionId ? campaign.graph : await versionGraph(deps.sql, decision.versionId)
  const input: EnrolmentInputV1 = {
    enrolment: {
      enrolmentId: decision.enrolmentId,
      accountId: campaign.accountId,
      campaignId: campaign.campaignId,
      versionId: decision.versionId,
      contactId: entry.contactId,
    },
    graph,
    ...(entry.triggerEventId ? { triggerEventId: entry.triggerEventId } : {}),
  }
  await startWorkflow(deps, input, decision.enteredBefore)
}

const PREVIOUS_RUN_GRACE_MS = 10_000

/**
 * Starts the enrolment's workflow. Its id is per campaign and contact, and a contact's previous enrolment
 * closes its row in its last activity, a moment before its workflow completes: a start in that moment is
 * handed the finishing run (USE_EXISTING) instead of a new one. So when the contact was in the campaign
 * before, the run's memo is checked, and a previous enrolment's run is waited out before starting again.
 */
async function startWorkflow(deps: EnrolDeps, input: EnrolmentInputV1, mayFindPreviousRun: boolean): Promise<void> {
  const workflowId = enrolmentWorkflowId(input.enrolment.campaignId, input.enrolment.contactId)
  for (let attempt = 1; ; attempt++) {
    await startEnrolmentWorkflow(deps.client, deps.taskQueue, input)
    if (!mayFindPreviousRun) return
    const run = await deps.client.workflow.getHandle(workflowId).describe()
    const owner = (run.memo as { enrolmentId?: string } | undefined)?.enrolmentId
    // Every enrolment run carries its id in the memo (continue-as-new keeps it); without one there is nothing to wait for.
    if (owner === undefined || owner === input.enrolment.enrolmentId) return
    // Thrown, the caller's retry (activity, dispatcher round, repeated request) starts it later.
    if (attempt === 3) throw new Error(`workflow ${workflowId} still runs enrolment ${owner}; enrolment ${input.enrolment.enrolmentId} waits for it`)
    const finished = deps.client.workflow.getHandle(workflowId, run.runId).result().catch(() => {})
    await Promise.race([finished, new Promise((resolve) => setTimeout(resolve, PREVIOUS_RUN_GRACE_MS))])
  }
}


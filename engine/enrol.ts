import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { CampaignGraph } from './campaign/graph'
import { parseDuration } from './campaign/duration'
import { enrolmentWorkflowId, startEnrolmentWorkflow } from './client'
import type { EnrolmentInputV1 } from './workflows/enrolment'
import { campaignTrigger } from './triggers'
import { readContactFacts } from './contact-facts-reader'
import { inAudience, triggerNode } from './nodes/trigger'
import { enteringVersion, versionGraph } from '../db/campaign-versions'
import { enterCampaign } from '../db/enrolment-entry'

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
  /** This entry wrote the enrolment's trigger step (a new enrolment), so its workflow need not. */
  triggerStepRecorded: boolean
}

/** The trigger node whose step a new enrolment's entry records (null: a graph without one records none). */
export const triggerNodeId = (campaign: EnteringCampaign): string | null => triggerNode(campaign.graph)?.id ?? null

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

  // One round trip: the lock, the reads and the inserts run in the enrol_entry function (migration 036),
  // each read after the lock. The transaction of four round trips before it held a pooled connection per
  // enrolment, and 50 enrolments in flight queued on the pool of 8 for a quarter of their time.
  const triggerId = triggerNodeId(campaign)
  const row = await enterCampaign(sql, {
    accountId: campaign.accountId,
    campaignId: campaign.campaignId,
    versionId: campaign.versionId,
    contactId: entry.contactId,
    workflowId,
    triggerEventId: entry.triggerEventId ?? null,
    occasion: entry.occasion,
    reEntry: rules.reEntry,
    coolDownMs,
    triggerNodeId: triggerId,
  })
  const decision: Decision | SkipReason = row.skipped
    ? (row.skipped as SkipReason)
    : {
        enrolmentId: row.enrolment_id!,
        versionId: row.version_id!,
        active: row.active,
        repeated: row.repeated,
        enteredBefore: row.entered_before,
        triggerStepRecorded: !row.repeated && triggerId !== null,
      }

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
    ...(decision.triggerStepRecorded ? { triggerStepRecorded: true } : {}),
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


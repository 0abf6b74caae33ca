import { contactsWithAttribute, contactsWithLastActivity } from '../db/contact-scans'
import { refreshSegmentMembers } from '../db/segments'
import type { CampaignGraph } from '../engine/campaign/graph'
import { enrolContact, loadEnteringCampaign, type EnteringCampaign, type SkipReason } from '../engine/enrol'
import { resolveTimeZone } from '../engine/nodes/contact-facts'
import type { ScannedTriggerConfig } from '../engine/nodes/trigger'
import { dateOccasion, inactivityOccasion, scannedTrigger, segmentEntryOccasion } from '../engine/triggers'
import { enrolDeps, type EntryActivityDeps } from './entry-context'
import { inParallel } from '../engine/in-parallel'
import { versionGraph, watchingSegmentSince } from '../db/campaign-versions'
import type { TriggerScanPlan, TriggerCandidate, CandidatePage, EnrolledPage } from '../engine/workflows/activity-types'
export type { TriggerScanPlan, TriggerCandidate, CandidatePage, EnrolledPage }

// The activities of a trigger scan (engine/workflows/trigger-scan.ts): fix what the scan looks at, page
// through the contacts it may enter, and enrol a page. Pages are ordered by contact id and the cursor is
// the last id looked at, so a scan that resumes (after a crash, or as a new run) continues where it was.

const FIRST_ID = '00000000-0000-0000-0000-000000000000'

export function triggerScanActivities(deps: EntryActivityDeps) {
  const { sql } = deps
  const graphs = new Map<string, CampaignGraph>() // published versions never change

  async function campaignAt(plan: TriggerScanPlan): Promise<{ campaign: EnteringCampaign; trigger: ScannedTriggerConfig }> {
    let graph = graphs.get(plan.versionId)
    if (!graph) {
      graph = await versionGraph(sql, plan.versionId, plan.accountId)
      graphs.set(plan.versionId, graph)
    }
    const trigger = scannedTrigger(graph)
    if (!trigger) throw new Error(`campaign version ${plan.versionId} has no scanned trigger`)
    return { campaign: { accountId: plan.accountId, campaignId: plan.campaignId, versionId: plan.versionId, graph }, trigger }
  }

  // Most contacts a scan finds were enrolled for the same occasion by an earlier scan: one query per page
  // leaves them out, rather than a transaction and a workflow start each. An enrolment still active that
  // has not taken its first step may lack its workflow (a crash between commit and start): that one stays
  // in, and enrolContact starts its workflow.
  async function withoutTakenOccasions(plan: TriggerScanPlan, found: TriggerCandidate[]): Promise<Pick<CandidatePage, 'candidates' | 'alreadyEnrolled'>> {
    if (found.length === 0) return { candidates: [], alreadyEnrolled: 0 }
    const taken = await sql<{ contact_id: string; occasion: string }[]>`
      select o.contact_id, o.occasion from trigger_occasions o join enrolments e on e.id = o.enrolment_id
      where o.campaign_id = ${plan.campaignId} and o.contact_id = any(${found.map((candidate) => candidate.contactId)}::uuid[])
        and (e.status <> 'active' or e.current_node_id is not null)`
    const keys = new Set(taken.map((row) => `${row.contact_id} ${row.occasion}`))
    const candidates = found.filter((candidate) => !keys.has(`${candidate.contactId} ${candidate.occasion}`))
    return { candidates, alreadyEnrolled: found.length - candidates.length }
  }

  return {
    /**
     * Starts a scan: the campaign's current version and the scan's instant; for segment triggers it also
     * refreshes the segment's membership snapshot (idempotent). Null when the campaign takes no entries
     * (stopped) or no longer has a scanned trigger: the scan then ends without doing anything.
     */
    beginTriggerScan: async (input: { accountId: string; campaignId: string }): Promise<TriggerScanPlan | null> => {
      const campaign = await loadEnteringCampaign(sql, input.accountId, input.campaignId)
      const trigger = campaign && scannedTrigger(campaign.graph)
      if (!campaign || !trigger) return null
      const plan: TriggerScanPlan = { ...input, versionId: campaign.versionId, kind: trigger.kind, asOf: new Date().toISOString() }
      if (trigger.kind !== 'segment') return plan
      if (!(await refreshSegmentMembers(sql, trigger.segmentId))) return null
      const since = await watchingSegmentSince(sql, input.campaignId, trigger.segmentId)
      return { ...plan, since: (since ?? new Date()).toISOString() }
    },

    /** One page of contacts the trigger enters, each with its occasion, without those it has enrolled already. Reads only. */
    findTriggerCandidates: async (input: { plan: TriggerScanPlan; cursor: string | null; limit: number }): Promise<CandidatePage> => {
      const { plan, limit } = input
      const { trigger } = await campaignAt(plan)
      const after = input.cursor ?? FIRST_ID
      const now = new Date(plan.asOf)

      if (trigger.kind === 'segment') {
        const rows = await sql<{ contact_id: string; entered_at: Date }[]>`
          select m.contact_id, m.entered_at from segment_members m
          where m.segment_id = ${trigger.segmentId} and m.left_at is null and not m.initial
            and m.entered_at >= ${plan.since ?? plan.asOf} and m.contact_id > ${after}
          order by m.contact_id limit ${limit}`
        const found = rows.map((row) => ({ contactId: row.contact_id, occasion: segmentEntryOccasion(row.entered_at) }))
        return { ...(await withoutTakenOccasions(plan, found)), cursor: rows.length < limit ? null : rows.at(-1)!.contact_id, examined: rows.length }
      }

      const rows =
        trigger.kind === 'date'
          ? await contactsWithAttribute(sql, { accountId: plan.accountId, attribute: trigger.attribute, after, limit })
          : await contactsWithLastActivity(sql, { accountId: plan.accountId, eventTypes: trigger.eventTypes, after, limit })
      const candidates: TriggerCandidate[] = []
      for (const row of rows) {
        const contact = { attributes: row.attributes, timeZone: resolveTimeZone(row.time_zone, row.subsidiary_time_zone) }
        const occasion =
          trigger.kind === 'date' ? dateOccasion(trigger, contact, now) : inactivityOccasion(trigger, { ...contact, lastActiveAt: row.last_active_at! }, now)
        if (occasion) candidates.push({ contactId: row.id, occasion })
      }
      return { ...(await withoutTakenOccasions(plan, candidates)), cursor: rows.length < limit ? null : rows.at(-1)!.id, examined: rows.length }
    },

    /** Enrols one page through engine/enrol.ts. Idempotent per contact and occasion, so a retried page enrols nobody twice. */
    enrolTriggerCandidates: async (input: { plan: TriggerScanPlan; candidates: TriggerCandidate[] }): Promise<EnrolledPage> => {
      const { campaign } = await campaignAt(input.plan)
      const result: EnrolledPage = { enrolled: 0, alreadyEnrolled: 0, skipped: {} }
      // A campaign stopped while its scan runs takes nobody from the pages still to come.
      if (!(await loadEnteringCampaign(sql, input.plan.accountId, input.plan.campaignId))) return { ...result, skipped: { campaign_stopped: input.candidates.length } }
      const enrol = enrolDeps(deps)
      await inParallel(input.candidates, 4, async (candidate) => {
        const outcome = await enrolContact(enrol, campaign, candidate)
        if (outcome.outcome === 'skipped') result.skipped[outcome.reason] = (result.skipped[outcome.reason] ?? 0) + 1
        else if (outcome.repeated) result.alreadyEnrolled++
        else result.enrolled++
      })
      return result
    },
  }
}

export type TriggerScanActivities = ReturnType<typeof triggerScanActivities>

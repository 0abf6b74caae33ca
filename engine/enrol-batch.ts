import { parseDuration } from './campaign/duration'
import { enrolmentWorkflowId } from './client'
import { enrolContact, startDecidedEnrolment, triggerNodeId, type Decision, type EnrolDeps, type EnrolOutcome, type EnteringCampaign, type Entry, type SkipReason } from './enrol'
import { inParallel } from './in-parallel'
import { campaignTrigger } from './triggers'
import { insertBatchEntries, readBatchEntry, type BatchPrior } from '../db/enrolment-entry'

// Bulk enrolment (CSV and segment jobs) of many contacts into one campaign. The same rules as enrolContact
// (engine/enrol.ts), decided for the whole batch in one transaction: the advisory locks of every campaign
// and contact in one statement (in one order, so two batches cannot deadlock), then one read each for the
// occasions, the contacts and the earlier enrolments, and one insert of every new enrolment and occasion.
// Profiled on 1,000 rows, enrolContact per row (four round trips then) held a pooled connection per row,
// so the batch's starts queued behind the database; now a batch (500 rows, engine/entry-client.ts) makes five, and only the workflow
// starts (the same call as the raw side's) run `width` at a time. The workflows start after the commit, as
// in enrolContact, so a crash in between is repaired the same way: the retry finds the occasion taken by a
// still-active enrolment and starts its workflow then.

type Prior = Omit<BatchPrior, 'contact_id'>

/** Enrols each entry as enrolContact would (outcomes in the entries' order), starting `width` workflows at a time. */
export async function enrolContacts(deps: EnrolDeps, campaign: EnteringCampaign, entries: readonly Entry[], width: number): Promise<EnrolOutcome[]> {
  const rules = campaignTrigger(campaign.graph) ?? { reEntry: 'always' as const, coolDown: undefined, audience: [] }
  const outcomes: EnrolOutcome[] = new Array(entries.length)
  if (rules.audience.length > 0) {
    // Audience rules read each contact's facts (personas, score cells, tags): enrolContact does that per contact.
    const indexes = entries.map((_, i) => i)
    await inParallel(indexes, width, async (i) => void (outcomes[i] = await enrolContact(deps, campaign, entries[i]!)))
    return outcomes
  }
  const coolDownMs = rules.reEntry === 'after' && rules.coolDown ? parseDuration(rules.coolDown)! : 0
  const { campaignId, accountId, versionId } = campaign
  const triggerNode = triggerNodeId(campaign)
  const contactIds = [...new Set(entries.map((entry) => entry.contactId))]
  // The same lock key as enrol_entry (migration 036), built by Postgres from the uuids so both spell it alike.
  const lockedIds = [...contactIds].sort()

  const decisions = await deps.sql.begin(async (sql) => {
    const { taken, known, history } = await readBatchEntry(sql, { accountId, campaignId, contactIds, lockedIds, occasions: [...new Set(entries.map((entry) => entry.occasion))], coolDownMs })
    const occasions = new Map(taken.map((row) => [`${row.contact_id}\n${row.occasion}`, row]))
    const exists = new Set(known.map((row) => row.id))
    const priors = new Map<string, Prior>(history.map((row) => [row.contact_id, row]))

    // Entry by entry, in order, as consecutive enrolContact calls would decide them: an entry enrolled
    // earlier in the batch makes the contact active for the entries after it.
    const decided: (Decision | SkipReason)[] = []
    const fresh: { index: number; entry: Entry; enteredBefore: boolean }[] = []
    const byOccasion = new Map<string, number>()
    entries.forEach((entry, index) => {
      const key = `${entry.contactId}\n${entry.occasion}`
      const earlier = occasions.get(key)
      const repeatOf = byOccasion.get(key)
      if (earlier) {
        decided.push({ enrolmentId: earlier.enrolment_id, versionId: earlier.version_id, active: earlier.status === 'active', repeated: true, enteredBefore: true, triggerStepRecorded: false })
      } else if (repeatOf !== undefined) {
        const first = decided[repeatOf]!
        decided.push(typeof first === 'string' ? first : { ...first, repeated: true, active: false, triggerStepRecorded: false })
      } else {
        const prior = priors.get(entry.contactId)
        const reason: SkipReason | null = !exists.has(entry.contactId)
          ? 'unknown_contact'
          : prior?.active
            ? 'already_in_campaign'
            : prior?.entered_before && rules.reEntry === 'never'
              ? 're_entry_never'
              : prior?.cooling && rules.reEntry === 'after'
                ? 'cooling_down'
                : null
        decided.push(reason ?? { enrolmentId: '', versionId, active: true, repeated: false, enteredBefore: Boolean(prior?.entered_before), triggerStepRecorded: triggerNode !== null })
        if (!reason) {
          fresh.push({ index, entry, enteredBefore: Boolean(prior?.entered_before) })
          priors.set(entry.contactId, { active: true, entered_before: true, cooling: true })
        }
      }
      byOccasion.set(key, byOccasion.get(key) ?? index)
    })
    if (fresh.length === 0) return decided

    const created = await insertBatchEntries(sql, {
      accountId,
      campaignId,
      versionId,
      triggerNodeId: triggerNode,
      rows: fresh.map((f) => ({ contactId: f.entry.contactId, workflowId: enrolmentWorkflowId(campaignId, f.entry.contactId), triggerEventId: f.entry.triggerEventId ?? null, occasion: f.entry.occasion })),
    })
    const ids = new Map(created.map((row) => [row.contact_id, row.id]))
    for (const { index, entry } of fresh) {
      const id = ids.get(entry.contactId)
      // The locks make a conflict unreachable, but the index is the last word on "one active enrolment".
      decided[index] = id ? { ...(decided[index] as Decision), enrolmentId: id } : 'already_in_campaign'
    }
    // Repeats of a fresh entry within this batch name the enrolment it got.
    entries.forEach((entry, index) => {
      const first = byOccasion.get(`${entry.contactId}\n${entry.occasion}`)!
      const decision = decided[index]!
      if (first === index || typeof decision === 'string' || decision.enrolmentId !== '') return
      const head = decided[first]!
      decided[index] = typeof head === 'string' ? head : { ...decision, enrolmentId: head.enrolmentId }
    })
    return decided
  })

  await inParallel(entries.map((_, i) => i), width, async (i) => {
    const decision = decisions[i]!
    if (typeof decision === 'string') return void (outcomes[i] = { outcome: 'skipped', reason: decision })
    if (decision.active) await startDecidedEnrolment(deps, campaign, entries[i]!, decision)
    outcomes[i] = { outcome: 'enrolled', enrolmentId: decision.enrolmentId, repeated: decision.repeated }
  })
  return outcomes
}

import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import type { CampaignGraph } from './campaign/graph'
import { signalEnrolment } from './client'
import { coalescedRounds } from './coalesced-rounds'
import { enrolContact } from './enrol'
import { scoreDispatchedEvent } from './scoring/dispatch'
import { startPendingHandovers } from './scoring/handover-client'
import { eventEntersCampaign, eventOccasion } from './triggers'
import { versionGraph } from '../db/campaign-versions'
import { markSignalledAhead } from '../db/events'

export interface EventRow {
  id: string
  account_id: string
  contact_id: string
  type: string
  properties: Record<string, unknown>
  occurred_at: Date
  suspected_machine: boolean
  /** The workflows the tracking route already signalled this event to (migration 042); null when it signalled none. */
  signalled_workflow_ids: string[] | null
}

/** How long this instance remembers a signal ahead of the round: twice a claim's lease. */
const SIGNALLED_HERE_KEPT_MS = 60_000

/** What a signal of an event needs of it. */
type SignalledEvent = Pick<EventRow, 'id' | 'contact_id' | 'type' | 'properties' | 'occurred_at'>

/** Contacts whose events one round hands on at once (each contact's events stay in order). */
const DISPATCH_PARALLEL = 16
/**
 * Lanes a round keeps while the API stores event batches: each event handed on costs a dozen small
 * statements (signal check, scoring), so 16 lanes would take most of the pool and of Postgres from a
 * burst of batches. Never none, so sustained ingestion is still handed on, only more slowly.
 */
const BURST_LANES = 2

export interface EventDispatcher {
  /** Asks for a dispatch round now (coalesced); the API calls it after storing events. */
  kick(): void
  /**
   * Signals a just-committed event to the contact's running enrolments at once, without waiting for a
   * round (a click on a waiting enrolment takes its branch in one signal). Only a shortcut: the event stays
   * undispatched, and the round that dispatches it is what guarantees it. The workflows every signal reached
   * are recorded on the event, and the round signals only the others; when a signal fails (Temporal
   * unreachable) nothing is recorded and the round signals them all, as it would without this.
   */
  signalNow(event: SignalledEvent): Promise<void>
  /**
   * Stores a batch of events (the API's batch path): while any is being stored, rounds hand on with fewer
   * lanes. Clicks do not wait for it: the tracking route signals them itself (signalNow).
   */
  whileStoring<T>(store: () => Promise<T>): Promise<T>
  /** Runs one round: every stored, undispatched event is handed to Temporal. Returns how many were dispatched. */
  dispatchPending(): Promise<number>
  stop(): Promise<void>
}

export interface DispatcherOptions {
  sql: Sql
  client: Client
  taskQueue: string
  /** How often stored events are retried when Temporal was unreachable, or another instance crashed mid-dispatch. */
  sweepIntervalMs?: number
  log?: (message: string) => void
}

/**
 * The outbox between the events table and Temporal. The API acknowledges an event once it is stored;
 * this dispatcher then signals the contact's running enrolments and starts the campaigns the event
 * triggers. An event is marked dispatched only after both, so a crash or an unreachable Temporal
 * means a later round does it again, and both steps are safe to repeat (signals carry the event id,
 * enrolments are unique per campaign and contact).
 */
export function createEventDispatcher(options: DispatcherOptions): EventDispatcher {
  const { sql, client, taskQueue } = options
  const log = options.log ?? (() => {})
  const graphs = new Map<string, CampaignGraph>() // published versions never change, so caching is safe
  let storing = 0 // event batches the API is storing right now
  // This instance's signals ahead of the round, by event: a round kicked by another click claims an event
  // while its route's signal is still in flight, before the event records it, and waits for that signal
  // instead of repeating it. Kept until a round dispatches the event (or the lease would long have run out).
  const signalledHere = new Map<string, { reached: Promise<string[]>; at: number }>()

  type LiveCampaigns = Map<string, { campaign_id: string; version_id: string }[]>
  /** The campaigns taking entries, per account: read once per claimed batch, not once per event. */
  async function liveCampaigns(accountIds: string[]): Promise<LiveCampaigns> {
    const rows = await sql<{ account_id: string; campaign_id: string; version_id: string }[]>`
      select c.account_id, c.id as campaign_id, c.live_version_id as version_id
      from campaigns c where c.account_id = any(${accountIds}::uuid[]) and c.status in ('live', 'paused') and c.live_version_id is not null`
    const byAccount: LiveCampaigns = new Map()
    for (const row of rows) byAccount.set(row.account_id, [...(byAccount.get(row.account_id) ?? []), row])
    return byAccount
  }

  /** Running enrolments per contact, read once per claimed batch; a contact this batch enrols is read again. */
  type Running = Map<string, { workflow_id: string; trigger_event_id: string | null }[]>
  async function runningEnrolments(contactIds: string[]): Promise<Running> {
    const rows = await sql<{ contact_id: string; workflow_id: string; trigger_event_id: string | null }[]>`
      select contact_id, workflow_id, trigger_event_id from enrolments where contact_id = any(${contactIds}::uuid[]) and status = 'active'`
    const byContact: Running = new Map(contactIds.map((id) => [id, []]))
    for (const row of rows) byContact.get(row.contact_id)!.push(row)
    return byContact
  }

  async function dispatchEvent(event: EventRow, campaigns: LiveCampaigns, running: Running): Promise<void> {
    // Opens and clicks of privacy proxies and link scanners are kept for the record but move no
    // enrolment: a scanner must not take a "clicked" branch, reach a goal or enter a campaign.
    if (event.suspected_machine) return
    const enrolled = running.get(event.contact_id)
    // Enrolments the tracking route signalled already are not signalled twice (a repeat cost the workflow a task).
    const here = signalledHere.get(event.id)
    const ahead = new Set([...(event.signalled_workflow_ids ?? []), ...(here ? await here.reached.catch(() => []) : [])])
    if (enrolled) {
      const tracked = { eventId: event.id, type: event.type, properties: event.properties, occurredAt: event.occurred_at.toISOString() }
      for (const { workflow_id, trigger_event_id } of enrolled) {
        if (trigger_event_id !== event.id && !ahead.has(workflow_id)) await signalEnrolment(client, workflow_id, tracked)
      }
    } else await signalRunning(event, ahead)

    // A paused campaign still takes entries (their mail waits for the resume); a stopped one takes none.
    for (const campaign of campaigns.get(event.account_id) ?? []) {
      const graph = await publishedGraph(campaign.version_id)
      if (!eventEntersCampaign(graph, event)) continue
      // Entry rules, the one-active-enrolment rule and "this event enrols once" live in enrolContact; a
      // contact already in this campaign through an earlier event stays on its path. The contact's next
      // event of this batch reads its running enrolments again, so it reaches the one this may start.
      running.delete(event.contact_id)
      await enrolContact(
        { sql, client, taskQueue },
        { accountId: event.account_id, campaignId: campaign.campaign_id, versionId: campaign.version_id, graph },
        { contactId: event.contact_id, occasion: eventOccasion(event.id), triggerEventId: event.id },
      )
    }
    // Lead scoring, and the sales handover when the event qualifies the contact (engine/scoring).
    await scoreDispatchedEvent({ sql, client, taskQueue }, event)
  }

  /**
   * The contact's running enrolments (but the one this event started, and those in `signalledAhead`) get the
   * event as a signal. Returns the workflows it reached (not those that finished meanwhile).
   */
  async function signalRunning(event: SignalledEvent, signalledAhead: ReadonlySet<string> = new Set()): Promise<string[]> {
    const tracked = { eventId: event.id, type: event.type, properties: event.properties, occurredAt: event.occurred_at.toISOString() }
    const enrolled = await sql<{ workflow_id: string }[]>`
      select workflow_id from enrolments
      where contact_id = ${event.contact_id} and status = 'active' and trigger_event_id is distinct from ${event.id}`
    const reached: string[] = []
    for (const { workflow_id } of enrolled) {
      if (!signalledAhead.has(workflow_id) && (await signalEnrolment(client, workflow_id, tracked))) reached.push(workflow_id)
    }
    return reached
  }

  async function signalNow(event: SignalledEvent): Promise<void> {
    const reached = signalRunning(event)
    signalledHere.set(event.id, { reached, at: Date.now() })
    const workflowIds = await reached
    if (workflowIds.length) await markSignalledAhead(sql, event.id, workflowIds)
  }

  async function publishedGraph(versionId: string): Promise<CampaignGraph> {
    let graph = graphs.get(versionId)
    if (!graph) {
      graph = await versionGraph(sql, versionId)
      graphs.set(versionId, graph)
    }
    return graph
  }

  async function round(): Promise<number> {
    let dispatched = 0
    // Events another instance dispatched: their signals ahead are long recorded, or were repeated anyway.
    for (const [id, { at }] of signalledHere) if (at < Date.now() - SIGNALLED_HERE_KEPT_MS) signalledHere.delete(id)
    for (;;) {
      // Claiming with a lease lets several app instances share the work; a crashed claimer's lease runs out.
      // During a burst (2 lanes) a smaller claim keeps a batch well inside its 30 s lease on a starved machine.
      const claim = storing > 0 ? BURST_LANES * 10 : 100
      const batch = await sql<EventRow[]>`
        update events set dispatch_claimed_until = now() + interval '30 seconds', dispatch_attempts = dispatch_attempts + 1
        where id in (
          select id from events
          where dispatched_at is null and (dispatch_claimed_until is null or dispatch_claimed_until < now())
          order by received_at, id limit ${claim}
          for update skip locked)
        returning id, account_id, contact_id, type, properties, occurred_at, suspected_machine, signalled_workflow_ids`
      if (batch.length === 0) {
        // Handovers whose workflow a crashed round did not start yet get it now.
        await startPendingHandovers(sql, client, taskQueue).catch((error) => log(`handovers not started yet: ${error instanceof Error ? error.message : error}`))
        return dispatched
      }
      batch.sort((a, b) => a.occurred_at.getTime() - b.occurred_at.getTime())
      // One contact's events in their order (a click must not overtake the purchase that enrolled the
      // contact); different contacts' side by side, so a round is not one Temporal round trip per event.
      const byContact = new Map<string, EventRow[]>()
      for (const event of batch) byContact.set(event.contact_id, [...(byContact.get(event.contact_id) ?? []), event])
      const queues = [...byContact.values()]
      // The campaigns as they are when the batch is claimed (one query per round rather than per event).
      // The same for the contacts' running enrolments: one query per batch, not one per event.
      const [campaigns, running] = await Promise.all([liveCampaigns([...new Set(batch.map((event) => event.account_id))]), runningEnrolments([...byContact.keys()])])
      const handedOn: string[] = []
      const lane = async (n: number) => {
        // A lane beyond the burst's few stops taking contacts while batches are stored; the others finish the batch.
        for (let queue = queues.shift(); queue; queue = n < BURST_LANES || storing === 0 ? queues.shift() : undefined) {
          for (const event of queue) if (await dispatchOne(event, campaigns, running)) handedOn.push(event.id)
        }
      }
      await Promise.all(Array.from({ length: Math.min(storing > 0 ? BURST_LANES : DISPATCH_PARALLEL, queues.length) }, (_, n) => lane(n)))
      // Marked in one statement once the batch is through. A crash before it leaves the batch's events to be
      // handed on again after their lease, which is safe: signals carry the event id, enrolments are unique
      // per occasion, an event's score change is recorded once.
      if (handedOn.length) await sql`update events set dispatched_at = now(), dispatch_error = null where id = any(${handedOn}::uuid[])`
      for (const id of handedOn) signalledHere.delete(id)
      dispatched += handedOn.length
    }
  }

  async function dispatchOne(event: EventRow, campaigns: LiveCampaigns, running: Running): Promise<boolean> {
    try {
      await dispatchEvent(event, campaigns, running)
      return true
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error)
      log(`event ${event.id} not dispatched yet: ${message}`)
      // Leave the lease to run out (30 s) before the next try, so a broken Temporal is not hammered.
      await sql`update events set dispatch_error = ${message} where id = ${event.id}`.catch(() => {})
      return false
    }
  }

  const rounds = coalescedRounds(round, {
    intervalMs: options.sweepIntervalMs ?? 1_000,
    onError: (error) => log(`dispatch round failed: ${error instanceof Error ? error.message : error}`),
  })

  return {
    kick: rounds.kick,
    signalNow,
    whileStoring: async (store) => {
      storing++
      try {
        return await store()
      } finally {
        storing--
      }
    },
    dispatchPending: rounds.run,
    stop: rounds.stop,
  }
}

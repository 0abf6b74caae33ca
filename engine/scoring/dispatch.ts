import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import { startHandoverWorkflow } from './handover-client'
import { scoreContact } from './score-contact'

export interface ScoringDispatchDeps {
  sql: Sql
  client: Client
  taskQueue: string
}

/**
 * The dispatcher's scoring step for one stored event: rescore the contact (the event's attributes may
 * have changed their persona match and profile, its type their activity) and start the handover it
 * begins. Safe to repeat: the event's score change is recorded once, and a repeated round finds the
 * contact already qualified (or starts the workflow the crashed round did not get to).
 */
export async function scoreDispatchedEvent(deps: ScoringDispatchDeps, event: { id: string; account_id: string; contact_id: string; properties: Record<string, unknown> }): Promise<void> {
  const campaignId = typeof event.properties.campaignId === 'string' ? event.properties.campaignId : undefined
  const outcome = await scoreContact(deps.sql, { accountId: event.account_id, contactId: event.contact_id, cause: 'event', eventId: event.id, campaignId })
  if (outcome?.handover) await startHandoverWorkflow(deps.sql, deps.client, deps.taskQueue, outcome.handover)
}

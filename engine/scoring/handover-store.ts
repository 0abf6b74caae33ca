import type { TransactionSql } from 'postgres'
import { lockContact, setLifecycleStage } from '../../db/contacts'

export interface NewHandover {
  handoverId: string
  accountId: string
  contactId: string
  qualification: number
  sla: string
}

export interface HandoverRequest {
  accountId: string
  contactId: string
  cell: string
  source: 'score' | 'campaign_step'
  eventId?: string
  campaignId?: string
  sla: string
}

/**
 * Begins a handover, inside the caller's transaction (which holds the contact's scoring lock): the next
 * qualification number, the contact's stage MQL with its time, and a lifecycle record. Returns null when
 * the contact is already with sales (an open handover, or a stage past nurture): nothing is handed twice.
 */
export async function createHandover(sql: TransactionSql, request: HandoverRequest): Promise<NewHandover | null> {
  const contact = await lockContact(sql, request.contactId)
  if (!contact || !['lead', 'nurture'].includes(contact.lifecycle_stage)) return null
  const [open] = await sql`select 1 from handovers where contact_id = ${request.contactId} and status = 'open'`
  if (open) return null
  const [row] = await sql<{ id: string; qualification: number }[]>`
    insert into handovers (account_id, contact_id, qualification, cell, campaign_id, event_id, source, sla)
    select ${request.accountId}, ${request.contactId}, coalesce(max(qualification), 0) + 1, ${request.cell}, ${request.campaignId ?? null},
           ${request.eventId ?? null}, ${request.source}, ${request.sla}
    from handovers where contact_id = ${request.contactId}
    returning id, qualification`
  await setLifecycleStage(sql, request.contactId, 'mql')
  await sql`
    insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by)
    values (${request.accountId}, ${request.contactId}, 'mql', ${`handover ${row!.qualification} (${request.source === 'score' ? `entered ${request.cell}` : 'campaign step'})`}, 'scoring')`
  return { handoverId: row!.id, accountId: request.accountId, contactId: request.contactId, qualification: row!.qualification, sla: request.sla }
}

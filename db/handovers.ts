import type { Fragment, ISql, Sql } from 'postgres'

// Handovers to sales (migration 009): one row per lead handed over, with its rep, decision and CRM
// delivery. Here the reads of the handover list and of one handover; `visible` is the caller's view as a
// condition on the handover's contact `c` (its subsidiaries and, for a sales rep, only their own leads).

/** A handover as the list shows it (camel-case, as the API answers it). */
export interface HandoverSummaryRow {
  id: string
  contactId: string
  email: string
  qualification: number
  cell: string
  status: string
  source: string
  repEmail: string | null
  routedBy: string | null
  crmStatus: string | null
  crmAttempts: number
  crmError: string | null
  remindersSent: number
  escalatedAt: Date | null
  createdAt: Date
  decidedAt: Date | null
  reason: string | null
}

/** The account's latest 500 handovers the caller sees, newest first, optionally of one status (Row: the shape the caller serialises them as). */
export function listHandovers<Row extends object = HandoverSummaryRow>(sql: ISql, accountId: string, visible: Fragment, status?: string) {
  const q = sql as Sql
  return q<Row[]>`
    select h.id, h.contact_id as "contactId", c.email, h.qualification, h.cell, h.status, h.source, r.email as "repEmail", h.routed_by as "routedBy",
           h.crm_status as "crmStatus", h.crm_attempts as "crmAttempts", h.crm_error as "crmError", h.reminders_sent as "remindersSent",
           h.escalated_at as "escalatedAt", h.created_at as "createdAt", h.decided_at as "decidedAt", h.decision_reason as "reason"
    from handovers h join contacts c on c.id = h.contact_id left join sales_reps r on r.id = h.rep_id
    where h.account_id = ${accountId} and ${visible} ${status ? q`and h.status = ${status}` : q``}
    order by h.created_at desc limit 500`
}

/** The handover, when the caller sees it; null otherwise. */
export async function visibleHandover(sql: ISql, accountId: string, handoverId: string, visible: Fragment): Promise<{ id: string; contact_id: string; qualification: number } | null> {
  const [row] = await (sql as Sql)<{ id: string; contact_id: string; qualification: number }[]>`
    select h.id, h.contact_id, h.qualification from handovers h join contacts c on c.id = h.contact_id
    where h.id = ${handoverId} and h.account_id = ${accountId} and ${visible}`
  return row ?? null
}

/**
 * A sales pipeline: leads handed over in the period (a rep's own when `repEmail` is given), with their
 * stage and the open and won amounts of their deals, newest first (camel-case, as the API answers).
 */
export function pipeline(sql: ISql, input: { accountId: string; from: string; to: string; subsidiaryIds: string[] | '*'; repEmail?: string }) {
  const q = sql as Sql
  return q<Record<string, any>[]>`
    select c.id, c.email, c.first_name as "firstName", c.last_name as "lastName", c.company, c.lifecycle_stage as stage, h.status as "handoverStatus",
           h.created_at as "handedOverAt", r.email as rep,
           (select coalesce(sum(o.amount_net), 0)::float8 from opportunities o where o.contact_id = c.id and o.stage = 'open') as "openAmount",
           (select coalesce(sum(o.amount_net), 0)::float8 from opportunities o where o.contact_id = c.id and o.stage = 'won') as "wonAmount"
    from handovers h join contacts c on c.id = h.contact_id join sales_reps r on r.id = h.rep_id
    where h.account_id = ${input.accountId} ${input.repEmail ? q`and lower(r.email) = lower(${input.repEmail})` : q``}
      ${input.subsidiaryIds === '*' ? q`` : q`and c.subsidiary_id = any(${input.subsidiaryIds}::uuid[])`}
      and h.created_at >= ${input.from}::date and h.created_at < ${input.to}::date + 1
    order by h.created_at desc limit 1000`
}

// What the handover workflow's activities read (activities/handover-*.ts).

/** The handover's status and the sender its mails go out as (the contact's subsidiary's); null when gone. */
export async function handoverSender(sql: ISql, handoverId: string): Promise<{ status: string; sender_name: string; sender_email: string } | null> {
  const [row] = await (sql as Sql)<{ status: string; sender_name: string; sender_email: string }[]>`
    select h.status, s.sender_name, s.sender_email from handovers h join contacts c on c.id = h.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where h.id = ${handoverId}`
  return row ?? null
}

/** A handover to route, with its contact's attributes and subsidiary. */
export interface HandoverToRouteRow {
  rep_id: string | null
  routed_by: string | null
  account_id: string
  attributes: Record<string, unknown>
  subsidiary_id: string
  subsidiary_code: string
}

/** The handover locked for its routing's transaction; null when gone. */
export async function lockHandoverToRoute(sql: ISql, handoverId: string): Promise<HandoverToRouteRow | null> {
  const [row] = await (sql as Sql)<HandoverToRouteRow[]>`
    select h.rep_id, h.routed_by, h.account_id, c.attributes, c.subsidiary_id, s.code as subsidiary_code
    from handovers h join contacts c on c.id = h.contact_id join subsidiaries s on s.id = c.subsidiary_id
    where h.id = ${handoverId} for update of h`
  return row ?? null
}

/** The handover (every column) with its contact, subsidiary, rep, manager and campaign, as the dossier starts from; null when gone. */
export async function handoverForDossier(sql: ISql, handoverId: string) {
  const [row] = await (sql as Sql)<any[]>`
    select h.*, c.email, c.first_name, c.last_name, c.company, c.locale, c.attributes, c.lifecycle_stage, s.code as subsidiary_code,
           s.locale as subsidiary_locale, r.name as rep_name, r.email as rep_email, r.manager_name, r.manager_email, k.name as campaign_name
    from handovers h join contacts c on c.id = h.contact_id join subsidiaries s on s.id = c.subsidiary_id
    left join sales_reps r on r.id = h.rep_id left join campaigns k on k.id = h.campaign_id
    where h.id = ${handoverId}`
  return row ?? null
}

import type { Client } from '@temporalio/client'
import { WorkflowNotFoundError } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { loadDossier } from '../activities/handover-dossier'
import { scopeCondition } from '../db/segments'
import type { EventDispatcher } from '../engine/dispatcher'
import { handoverWorkflowId } from '../engine/scoring/handover-client'
import { handoverDecisionSignal, type HandoverDecision } from '../engine/workflows/handover'
import { caller, type Caller } from './auth'
import { may } from './permissions'
import { invalidInput, notFound, send } from './errors'

// Sales' side of the handover: the open handovers, the rep's answer (accept → SAL; reject with a
// reason → back to nurture), and the later stages SQL → opportunity → won | lost.

const rejection = z.strictObject({ reason: z.string().trim().min(1, 'say why the lead is rejected').max(2000) })
const stageChange = z.strictObject({ stage: z.enum(['sql', 'opportunity', 'won', 'lost']), reason: z.string().trim().max(2000).optional() })
// Where each stage may go next: forward only, and lost from any open sales stage.
const NEXT_STAGES: Record<string, string[]> = { sal: ['sql', 'lost'], sql: ['opportunity', 'lost'], opportunity: ['won', 'lost'] }

const mayDecide = (who: Caller) => may(who, 'handovers.decide')

/** Sales reps see only the leads handed over to them (condition on `contacts c`); everyone else all in scope. */
export const ownLeadsOnly = (sql: Sql, who: Caller) =>
  who.role === 'sales_rep'
    ? sql`and exists (select 1 from handovers oh join sales_reps orp on orp.id = oh.rep_id where oh.contact_id = c.id and lower(orp.email) = lower(${who.sub}))`
    : sql``

export function handoverRoutes(deps: { sql: Sql; client: Client; dispatcher: EventDispatcher }): Router {
  const { sql } = deps
  const router = Router()

  router.get('/handovers', async (req, res) => {
    const who = caller(req)
    const status = z.enum(['open', 'accepted', 'rejected']).optional().safeParse(req.query.status)
    if (!status.success) return send(res, { status: 400, code: 'invalid_input', field: 'status', message: 'status: open, accepted or rejected' })
    const rows = await sql`
      select h.id, h.contact_id as "contactId", c.email, h.qualification, h.cell, h.status, h.source, r.email as "repEmail", h.routed_by as "routedBy",
             h.crm_status as "crmStatus", h.crm_attempts as "crmAttempts", h.crm_error as "crmError", h.reminders_sent as "remindersSent",
             h.escalated_at as "escalatedAt", h.created_at as "createdAt", h.decided_at as "decidedAt", h.decision_reason as "reason"
      from handovers h join contacts c on c.id = h.contact_id left join sales_reps r on r.id = h.rep_id
      where h.account_id = ${who.acc} and ${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)} ${status.data ? sql`and h.status = ${status.data}` : sql``}
      order by h.created_at desc limit 500`
    res.json({ handovers: rows })
  })

  const findHandover = async (who: Caller, id: string) => {
    const [row] = await sql<{ id: string; contact_id: string; qualification: number }[]>`
      select h.id, h.contact_id, h.qualification from handovers h join contacts c on c.id = h.contact_id left join sales_reps r on r.id = h.rep_id
      where h.id = ${id} and h.account_id = ${who.acc} and ${scopeCondition(sql, who.subs)}
        ${who.role === 'sales_rep' ? sql`and lower(r.email) = lower(${who.sub})` : sql``}`
    return row
  }

  router.get('/handovers/:id', async (req, res) => {
    const who = caller(req)
    const id = z.uuid().safeParse(req.params.id)
    if (!id.success || !(await findHandover(who, id.data))) return send(res, notFound('handover'))
    const [state] = await sql`
      select status, decision_reason as "reason", decided_by as "decidedBy", decided_at as "decidedAt", reminders_sent as "remindersSent",
             escalated_at as "escalatedAt", crm_status as "crmStatus", crm_attempts as "crmAttempts", crm_error as "crmError"
      from handovers where id = ${id.data}`
    const mails = await sql`select kind, recipient, status, sent_at as "sentAt" from handover_mails where handover_id = ${id.data} order by sent_at`
    res.json({ ...state, mails, dossier: await loadDossier(sql, id.data) })
  })

  const decide = (decision: HandoverDecision) => async (req: import('express').Request, res: import('express').Response) => {
    const who = caller(req)
    if (!mayDecide(who)) return send(res, { status: 403, code: 'forbidden', message: 'only sales (reps, managers) accept or reject handovers' })
    const id = z.uuid().safeParse(req.params.id)
    const handover = id.success ? await findHandover(who, id.data) : undefined
    if (!handover) return send(res, notFound('handover'))
    let reason: string | null = null
    if (decision === 'rejected') {
      const parsed = rejection.safeParse(req.body ?? {})
      if (!parsed.success) return send(res, invalidInput(parsed.error))
      reason = parsed.data.reason
    }
    const outcome = await sql.begin(async (sql) => {
      const [updated] = await sql`
        update handovers set status = ${decision}, decision_reason = ${reason}, decided_by = ${who.sub}, decided_at = now()
        where id = ${handover.id} and status = 'open' returning id`
      if (!updated) return 'decided already' as const
      const stage = decision === 'accepted' ? 'sal' : 'nurture'
      await sql`update contacts set lifecycle_stage = ${stage}, lifecycle_stage_at = now(), updated_at = now() where id = ${handover.contact_id}`
      await sql`insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by) values (${who.acc}, ${handover.contact_id}, ${stage}, ${reason ?? 'accepted by sales'}, ${who.sub})`
      // Back to nurture: an event, so that a campaign triggered by handover_rejected takes the lead (through the outbox: never lost).
      if (decision === 'rejected') {
        await sql`insert into events (account_id, contact_id, type, properties, source)
          values (${who.acc}, ${handover.contact_id}, 'handover_rejected', ${sql.json({ handoverId: handover.id, reason })}, 'handover')`
      }
      return 'ok' as const
    })
    if (outcome !== 'ok') return send(res, { status: 409, code: 'conflict', message: 'the handover was accepted or rejected already' })
    deps.dispatcher.kick()
    // Stops the reminders at once; were the signal lost, the workflow reads the decision before reminding.
    try {
      await deps.client.workflow.getHandle(handoverWorkflowId(handover.contact_id, handover.qualification)).signal(handoverDecisionSignal, { decision })
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error
    }
    res.json({ id: handover.id, status: decision, reason })
  }
  router.post('/handovers/:id/accept', decide('accepted'))
  router.post('/handovers/:id/reject', decide('rejected'))

  router.post('/leads/:contactId/stage', async (req, res) => {
    const who = caller(req)
    if (!mayDecide(who)) return send(res, { status: 403, code: 'forbidden', message: 'only sales record sales stages' })
    const parsed = stageChange.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const id = z.uuid().safeParse(req.params.contactId)
    const [contact] = id.success
      ? await sql<{ lifecycle_stage: string }[]>`select c.lifecycle_stage from contacts c where c.id = ${id.data} and c.account_id = ${who.acc} and ${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)}`
      : []
    if (!contact) return send(res, notFound('contact'))
    const { stage, reason } = parsed.data
    if (!(NEXT_STAGES[contact.lifecycle_stage] ?? []).includes(stage)) {
      return send(res, { status: 409, code: 'conflict', field: 'stage', message: `stage: a lead in stage ${contact.lifecycle_stage} cannot move to ${stage}` })
    }
    await sql.begin(async (sql) => {
      await sql`update contacts set lifecycle_stage = ${stage}, lifecycle_stage_at = now(), updated_at = now() where id = ${id.data!}`
      await sql`insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by) values (${who.acc}, ${id.data!}, ${stage}, ${reason ?? null}, ${who.sub})`
    })
    res.json({ contactId: id.data, stage })
  })

  return router
}

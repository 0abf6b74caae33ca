import type { Client } from '@temporalio/client'
import { WorkflowNotFoundError } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import type { z } from 'zod'
import { loadDossier } from '../activities/handover-dossier'
import { scopeCondition } from '../db/segments'
import { setLifecycleStage } from '../db/contacts'
import { listHandovers, visibleHandover } from '../db/handovers'
import { leadOfContact } from '../db/leads'
import type { EventDispatcher } from '../engine/dispatcher'
import { handoverWorkflowId } from '../engine/scoring/handover-client'
import { handoverDecisionSignal, type HandoverDecision } from '../engine/workflows/handover'
import type { Caller } from './auth'
import { handovers, type handoverDetailSchema, type handoverSummarySchema } from './contract/handovers'
import { leads } from './contract/leads'
import { route } from './contract/mount'
import { notFound, type ApiError } from './errors'

// Sales' side of the handover: the open handovers, the rep's answer (accept → SAL; reject with a
// reason → back to nurture), and the later stages SQL → opportunity → won | lost.

// Where each stage may go next: forward only, and lost from any open sales stage.
const NEXT_STAGES: Record<string, string[]> = { sal: ['sql', 'lost'], sql: ['opportunity', 'lost'], opportunity: ['won', 'lost'] }

/** Sales reps see only the leads handed over to them (condition on `contacts c`); everyone else all in scope. */
export const ownLeadsOnly = (sql: Sql, who: Pick<Caller, 'role' | 'sub'>) =>
  who.role === 'sales_rep'
    ? sql`and exists (select 1 from handovers oh join sales_reps orp on orp.id = oh.rep_id where oh.contact_id = c.id and lower(orp.email) = lower(${who.sub}))`
    : sql``

/** Contract: api/contract/handovers.ts, and the stage route in api/contract/leads.ts. */
export function handoverRoutes(deps: { sql: Sql; client: Client; dispatcher: EventDispatcher }): Router {
  const { sql } = deps
  const router = Router()

  route(router, handovers.list, async ({ query, who }) => {
    const rows = await listHandovers<z.infer<typeof handoverSummarySchema>>(sql, who.acc, sql`${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)}`, query.status)
    return { status: 200, body: { handovers: rows } }
  })

  const findHandover = async (accountId: string, subs: Caller['subs'], id: string, owner?: Caller) => {
    return visibleHandover(sql, accountId, id, sql`${scopeCondition(sql, subs)} ${owner ? ownLeadsOnly(sql, owner) : sql``}`)
  }

  route(router, handovers.get, async ({ params, who }) => {
    if (!(await findHandover(who.acc, who.subs, params.id, who))) return notFound('handover')
    type Detail = z.infer<typeof handoverDetailSchema>
    const [state] = await sql<Omit<Detail, 'mails' | 'dossier'>[]>`
      select status, decision_reason as "reason", decided_by as "decidedBy", decided_at as "decidedAt", reminders_sent as "remindersSent",
             escalated_at as "escalatedAt", crm_status as "crmStatus", crm_attempts as "crmAttempts", crm_error as "crmError"
      from handovers where id = ${params.id}`
    const mails = await sql<Detail['mails']>`select kind, recipient, status, sent_at as "sentAt" from handover_mails where handover_id = ${params.id} order by sent_at`
    return { status: 200, body: { ...state!, mails, dossier: await loadDossier(sql, params.id) } }
  })

  const decide = async <D extends HandoverDecision>(who: Caller, id: string, decision: D, reason: string | null): Promise<ApiError | { status: 200; body: { id: string; status: D; reason: string | null } }> => {
    const handover = await findHandover(who.acc, who.subs, id, who)
    if (!handover) return notFound('handover')
    const outcome = await sql.begin(async (sql) => {
      const [updated] = await sql`
        update handovers set status = ${decision}, decision_reason = ${reason}, decided_by = ${who.sub}, decided_at = now()
        where id = ${handover.id} and status = 'open' returning id`
      if (!updated) return 'decided already' as const
      const stage = decision === 'accepted' ? 'sal' : 'nurture'
      await setLifecycleStage(sql, handover.contact_id, stage)
      await sql`insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by) values (${who.acc}, ${handover.contact_id}, ${stage}, ${reason ?? 'accepted by sales'}, ${who.sub})`
      // Back to nurture: an event, so that a campaign triggered by handover_rejected takes the lead (through the outbox: never lost).
      if (decision === 'rejected') {
        await sql`insert into events (account_id, contact_id, type, properties, source)
          values (${who.acc}, ${handover.contact_id}, 'handover_rejected', ${sql.json({ handoverId: handover.id, reason })}, 'handover')`
      }
      return 'ok' as const
    })
    if (outcome !== 'ok') return { status: 409, code: 'conflict', message: 'the handover was accepted or rejected already' }
    deps.dispatcher.kick()
    // Stops the reminders at once; were the signal lost, the workflow reads the decision before reminding.
    try {
      await deps.client.workflow.getHandle(handoverWorkflowId(handover.contact_id, handover.qualification)).signal(handoverDecisionSignal, { decision })
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error
    }
    return { status: 200, body: { id: handover.id, status: decision, reason } }
  }
  route(router, handovers.accept, ({ params, who }) => decide(who, params.id, 'accepted', null))
  route(router, handovers.reject, ({ params, body, who }) => decide(who, params.id, 'rejected', body.reason))

  route(router, leads.stage, async ({ params, body, who }) => {
    const contactId = params.contactId
    const contact = await leadOfContact(sql, who.acc, contactId, sql`${scopeCondition(sql, who.subs)} ${ownLeadsOnly(sql, who)}`)
    if (!contact) return notFound('contact')
    const { stage, reason } = body
    if (!(NEXT_STAGES[contact.lifecycle_stage] ?? []).includes(stage)) {
      return { status: 409, code: 'conflict', field: 'stage', message: `stage: a lead in stage ${contact.lifecycle_stage} cannot move to ${stage}` }
    }
    await sql.begin(async (sql) => {
      await setLifecycleStage(sql, contactId, stage)
      await sql`insert into lifecycle_changes (account_id, contact_id, stage, reason, changed_by) values (${who.acc}, ${contactId}, ${stage}, ${reason ?? null}, ${who.sub})`
    })
    return { status: 200, body: { contactId, stage } }
  })

  return router
}

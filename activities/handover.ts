import type { CrmDeps } from './crm-push'
import { WorkflowNotFoundError, type Client } from '@temporalio/client'
import type { Transporter } from 'nodemailer'
import type { Sql } from 'postgres'
import { startHandoverWorkflow } from '../engine/scoring/handover-client'
import { createHandover } from '../engine/scoring/handover-store'
import { currentScoringModel } from '../engine/scoring/model-store'
import { campaignControlSignal } from '../engine/workflows/enrolment'
import { pushHandoverToCrm, recordCrmFailure } from './crm-push'
import { sendHandoverMail, type HandoverMailKind } from './handover-mail'
import { routeHandover } from './handover-routing'
import { createDecayJobs, rescorePage } from './scoring'
import type { RequestHandoverInput } from '../engine/nodes/step-activities'
import type { LeadActivities } from '../engine/workflows/activity-types'
export type { RequestHandoverInput }

export interface LeadActivityDeps {
  sql: Sql
  mailer: Transporter
  publicUrl: string
  mailDomain: string
  webhookSecret?: string
  /** Handover steps start the handover workflow, and handovers signal nurture enrolments to leave. */
  temporal?: { client: Client; taskQueue: string }
  /** A connected CRM gets the lead at handover (activities/crm-push.ts). */
  crmSecrets?: CrmDeps['crmSecrets']
  crmAdapterFor?: CrmDeps['crmAdapterFor']
}

/** The side effects of lead scoring and the sales handover, bound to their dependencies. */
export function createLeadActivities(deps: LeadActivityDeps): LeadActivities {
  const temporal = () => {
    if (!deps.temporal) throw new Error('lead activities need a Temporal client (LeadActivityDeps.temporal)')
    return deps.temporal
  }
  return {
    /** Picks the handover's rep once (territory, else round robin). Idempotent: a routed handover keeps its rep. */
    routeHandover: (input: { handoverId: string }) => routeHandover(deps.sql, input.handoverId),
    /** Signals the contact's enrolments in nurture campaigns to leave with "handed_over". Safe to repeat. */
    exitNurtureEnrolments: (input: { handoverId: string }) => exitNurtureEnrolments(deps.sql, temporal().client, input.handoverId),
    /** Report, reminder or escalation mail; at most once per handover, kind and recipient. */
    sendHandoverMail: (input: { handoverId: string; kind: HandoverMailKind }) => sendHandoverMail(deps, input),
    /** The signed CRM push of the dossier (Idempotency-Key handover-<id>); attempts and errors recorded on the handover. */
    pushHandoverToCrm: (input: { handoverId: string }) => pushHandoverToCrm(deps, input),
    recordCrmFailure: (input: { handoverId: string; error: string }) => recordCrmFailure(deps.sql, input),
    /** The decision as stored (reads only): the workflow's safety net for a lost signal. */
    handoverStatus: async (input: { handoverId: string }) => {
      const [row] = await deps.sql<{ status: 'open' | 'accepted' | 'rejected' }[]>`select status from handovers where id = ${input.handoverId}`
      return row?.status ?? 'open'
    },
    /** The handover step: begins a handover for the enrolment's contact (unless one is open) and starts its workflow. */
    requestHandover: (input: RequestHandoverInput) => requestHandover(deps.sql, temporal(), input),
    rescorePage: (input: { jobId: string }) => rescorePage(deps.sql, input),
    createDecayJobs: (_input: Record<string, never>) => createDecayJobs(deps.sql),
  }
}
export type { LeadActivities }

async function exitNurtureEnrolments(sql: Sql, client: Client, handoverId: string): Promise<number> {
  const enrolments = await sql<{ workflow_id: string }[]>`
    select e.workflow_id from handovers h join enrolments e on e.contact_id = h.contact_id and e.status = 'active'
    join campaigns c on c.id = e.campaign_id and c.kind = 'nurture'
    where h.id = ${handoverId}`
  for (const { workflow_id } of enrolments) {
    try {
      await client.workflow.getHandle(workflow_id).signal(campaignControlSignal, { action: 'exit', reason: 'handed_over' })
    } catch (error) {
      if (!(error instanceof WorkflowNotFoundError)) throw error
    }
  }
  return enrolments.length
}

async function requestHandover(sql: Sql, temporal: { client: Client; taskQueue: string }, input: RequestHandoverInput): Promise<{ handoverId: string | null }> {
  const handover = await sql.begin(async (sql) => {
    // The scoring lock: a handover from an event and one from this step cannot both begin.
    await sql`select pg_advisory_xact_lock(hashtextextended(${`score:${input.contactId}`}, 0))`
    const [score] = await sql<{ profile_grade: string; activity_level: number }[]>`select profile_grade, activity_level from contact_scores where contact_id = ${input.contactId}`
    const { model } = await currentScoringModel(sql, input.accountId)
    const cell = score ? `${score.profile_grade}${score.activity_level}` : '-'
    const created = await createHandover(sql, { accountId: input.accountId, contactId: input.contactId, cell, source: 'campaign_step', campaignId: input.campaignId, sla: model.handover.sla })
    if (created) await sql`update contact_scores set qualified = true where contact_id = ${input.contactId}`
    return created
  })
  if (handover) await startHandoverWorkflow(sql, temporal.client, temporal.taskQueue, handover)
  return { handoverId: handover?.handoverId ?? null }
}

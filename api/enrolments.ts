import { Router } from 'express'
import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import { campaignEnrolments, enrolmentWithContact, stepCounts } from '../db/enrolments'
import { unresolvedMessages } from '../db/messages'
import { controlCampaign } from '../engine/lifecycle'
import type { CampaignStatus } from './contract/campaigns'
import { enrolments } from './contract/enrolments'
import { route } from './contract/mount'
import { notFound } from './errors'

/** Campaign controls (pause, resume, stop) and who is where in a campaign (contract: api/contract/enrolments.ts). */
export function enrolmentRoutes(deps: { sql: Sql; client: Client; taskQueue: string; scanEvery: string }): Router {
  const { sql } = deps
  const router = Router()

  for (const action of ['pause', 'resume', 'stop'] as const) {
    route(router, enrolments[action], async ({ params, who }) => {
      const result = await controlCampaign(sql, deps.client, { accountId: who.acc, campaignId: params.id, action }, { taskQueue: deps.taskQueue, every: deps.scanEvery })
      // The status column's check constraint holds the same four values as the contract.
      if (result.ok) return { status: 200, body: { status: result.status as CampaignStatus, affected: result.affected } }
      if (result.reason === 'not_found') return notFound('campaign')
      return { status: 409, code: 'conflict', field: 'status', message: result.message }
    })
  }

  route(router, enrolments.list, async ({ params, query, who }) => {
    const { step, status, limit } = query
    const rows = await campaignEnrolments(sql, { accountId: who.acc, campaignId: params.id, subsidiaries: who.subs, step, status, limit })
    const list = rows.map((row) => ({
      id: row.id,
      status: row.status,
      currentNodeId: row.current_node_id,
      exitReason: row.exit_reason,
      version: row.version,
      startedAt: row.started_at,
      finishedAt: row.finished_at,
      contact: { id: row.contact_id, email: row.email, firstName: row.first_name, lastName: row.last_name, subsidiary: row.subsidiary },
    }))
    return { status: 200, body: { enrolments: list } }
  })

  // Per step: how many entered, how many wait there now, and which outputs they took (a condition's
  // branches, an A/B split's arms). What the live view draws on the graph and the A/B report counts.
  route(router, enrolments.steps, async ({ params, query, who }) => {
    const [campaign] = await sql`select id from campaigns where id = ${params.id} and account_id = ${who.acc}`
    if (!campaign) return notFound('campaign')
    const { passes, waiting, statuses } = await stepCounts(sql, { campaignId: params.id, subsidiaries: who.subs, version: query.version })
    const steps: Record<string, { entered: number; waiting: number; outputs: Record<string, number> }> = {}
    const step = (nodeId: string) => (steps[nodeId] ??= { entered: 0, waiting: 0, outputs: {} })
    for (const row of passes) {
      step(row.node_id).entered += row.n
      if (row.output) step(row.node_id).outputs[row.output] = row.n
    }
    for (const row of waiting) step(row.node_id).waiting = row.n
    return { status: 200, body: { steps, enrolments: Object.fromEntries(statuses.map((row) => [row.status, row.n])) } }
  })

  // Mail whose delivery is unconfirmed: what a marketer checks at the relay when it cannot be asked.
  route(router, enrolments.unresolvedMessages, async ({ params, query, who }) => {
    const [campaign] = await sql`select id from campaigns where id = ${params.id} and account_id = ${who.acc}`
    if (!campaign) return notFound('campaign')
    const rows = await unresolvedMessages(sql, { accountId: who.acc, campaignId: params.id, subsidiaries: who.subs, limit: query.limit })
    const messages = rows.map((m) => ({
      messageId: m.message_id,
      enrolmentId: m.enrolment_id,
      nodeId: m.node_id,
      visit: m.visit,
      recipient: m.recipient,
      subsidiary: m.subsidiary,
      status: m.status,
      reason: m.reason,
      attempts: m.attempts,
      createdAt: m.created_at,
      sendingAt: m.sending_at,
    }))
    return { status: 200, body: { messages } }
  })

  route(router, enrolments.get, async ({ params, who }) => {
    const row = await enrolmentWithContact(sql, who.acc, params.id)
    if (!row || !(who.subs === '*' || who.subs.includes(row.subsidiary))) return notFound('enrolment')
    const [steps, messages] = await Promise.all([
      sql`select node_id, visit, entered_at, output from enrolment_steps where enrolment_id = ${row.id} order by entered_at, visit`,
      sql`select node_id, visit, status, reason, subject, message_id, created_at, sent_at from messages where enrolment_id = ${row.id} order by created_at`,
    ])
    return {
      status: 200,
      body: {
        id: row.id,
        campaignId: row.campaign_id,
        version: row.version,
        contact: { id: row.contact_id, email: row.email, subsidiary: row.subsidiary },
        status: row.status,
        currentNodeId: row.current_node_id,
        exitReason: row.exit_reason,
        startedAt: row.started_at,
        finishedAt: row.finished_at,
        workflowId: row.workflow_id,
        history: steps.map((step) => ({ nodeId: step.node_id, visit: step.visit, enteredAt: step.entered_at, output: step.output })),
        messages: messages.map((m) => ({ nodeId: m.node_id, visit: m.visit, status: m.status, reason: m.reason, subject: m.subject, messageId: m.message_id, createdAt: m.created_at, sentAt: m.sent_at })),
      },
    }
  })

  return router
}

import type { Client } from '@temporalio/client'
import { Router } from 'express'
import type { Sql } from 'postgres'
import { audienceCounts, cancelQueuedRecipients, findMailing, insertMailing, listMailings, mailingProgress, moveMailingStatus, queuedRecipients, refuseMailing, segmentFilterOf, updateMailingDraft, type MailingProgress, type MailingRow } from '../db/mailings'
import { resolveTimeZone } from '../engine/nodes/contact-facts'
import { instantOf, readDateAttribute } from '../engine/nodes/zoned-time'
import { mailingControlSignal, mailingWorkflowId, type mailingSend, type MailingControl } from '../engine/workflows/mailing'
import { mailingContentSchema, type MailingSchedule, type MailingStatus } from '../mailings/model'
import { seesSubsidiary, type Caller } from './auth'
import { mailings } from './contract/mailings'
import { route } from './contract/mount'
import { may } from './permissions'
import { notFound, type ApiError } from './errors'

// Declared in api/contract/mailings.ts (permissions mailings.read, .write, .send, .approve); a mailing is
// visible only to callers who see its subsidiary.

export interface MailingApiDeps {
  sql: Sql
  client: Client
  taskQueue: string
}

export const viewMailing = (row: MailingRow) => ({
  id: row.id,
  name: row.name,
  subsidiary: row.subsidiary_code,
  content: row.content,
  segmentId: row.segment_id,
  schedule: row.schedule,
  status: row.status,
  approvalRequired: row.approval_required,
  approvedBy: row.approved_by,
  approvedAt: row.approved_at,
  refusedBy: row.refused_by,
  refusedAt: row.refused_at,
  refusalReason: row.refusal_reason,
  sendAt: row.send_at,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
})

/** A mailing the caller may see, or null (another subsidiary's mailing does not exist for them: 404). */
export async function loadMailing(sql: Sql, who: Pick<Caller, 'acc' | 'subs'>, id: string): Promise<MailingRow | null> {
  const row = await findMailing(sql, who.acc, id)
  return row && seesSubsidiary(who, row.subsidiary_code) ? row : null
}

/** When a schedule's first mail may leave: now, or the wall-clock time in the subsidiary's zone. */
export function sendInstant(schedule: MailingSchedule, zone: string, now = Date.now()): { at: Date } | { error: ApiError } {
  const localTime = schedule.mode === 'now' ? undefined : schedule.localTime
  if (!localTime) return { at: new Date(now) }
  const wall = readDateAttribute(localTime, zone)
  if (!wall) return { error: { status: 400, code: 'invalid_input', field: 'localTime', message: `localTime: "${localTime}" is not a date and time` } }
  const at = instantOf(wall, zone)
  // A minute of grace for a time picked "now" in the form.
  if (at < now - 60_000) return { error: { status: 400, code: 'invalid_input', field: 'localTime', message: `localTime: ${localTime} (${zone}) is in the past` } }
  return { at: new Date(at) }
}

/** Mailings: compose (drafts), schedule, approve, pause, resume, cancel, progress. */
export function mailingRoutes(deps: MailingApiDeps): Router {
  const { sql } = deps
  const router = Router()

  async function segmentProblem(accountId: string, segmentId: string | null | undefined): Promise<ApiError | null> {
    if (!segmentId) return null
    const [row] = await sql`select 1 from segments where id = ${segmentId} and account_id = ${accountId}`
    return row ? null : { status: 400, code: 'invalid_input', field: 'segmentId', message: 'segmentId: no such segment' }
  }

  async function startSending(row: MailingRow, schedule: MailingSchedule, sendAt: Date): Promise<void> {
    const workflowId = mailingWorkflowId(row.id)
    // Scheduled first: the workflow's first round must find the mailing scheduled, not still a draft.
    await moveMailingStatus(sql, row.id, ['draft', 'awaiting_approval'], 'scheduled', { schedule, sendAt, workflowId })
    try {
      await deps.client.workflow.start<typeof mailingSend>('mailingSend', {
        taskQueue: deps.taskQueue,
        workflowId,
        args: [{ accountId: row.account_id, mailingId: row.id, sendAt: sendAt.toISOString() }],
      })
    } catch (error) {
      await moveMailingStatus(sql, row.id, ['scheduled'], row.status)
      throw error
    }
  }

  async function signal(row: MailingRow, control: MailingControl) {
    if (!row.workflow_id) return
    // The database status is what rounds read; a lost signal only delays, so it is not an error here.
    await deps.client.workflow.getHandle(row.workflow_id).signal(mailingControlSignal, control).catch(() => {})
  }

  /**
   * Progress, and before the send time (nobody prepared yet) the audience as what remains: what a pause
   * holds and a cancel drops. Without it a scheduled mailing showed 0 remaining and its controls 0 affected.
   */
  async function progressOf(row: Pick<MailingRow, 'id' | 'account_id' | 'subsidiary_code' | 'segment_id'>, status: MailingStatus): Promise<MailingProgress> {
    const progress = await mailingProgress(sql, row.id)
    if (progress.total > 0 || !['awaiting_approval', 'scheduled', 'paused'].includes(status)) return progress
    const audience = await audienceCounts(sql, { account_id: row.account_id, code: row.subsidiary_code }, await segmentFilterOf(sql, row.account_id, row.segment_id).catch(() => null))
    return { ...progress, total: audience.total, remaining: audience.total }
  }

  const conflict = (message: string): ApiError => ({ status: 409, code: 'conflict', field: 'status', message: `status: ${message}` })

  route(router, mailings.list, async ({ who }) => {
    const rows = await listMailings(sql, who.acc, who.subs)
    return { status: 200, body: { mailings: await Promise.all(rows.map(async (row) => ({ ...viewMailing(row), progress: await progressOf(row, row.status) }))) } }
  })

  route(router, mailings.create, async ({ body, who }) => {
    const code = body.subsidiary.toUpperCase()
    if (!seesSubsidiary(who, code)) return { status: 403, code: 'forbidden', field: 'subsidiary', message: `subsidiary: you may not send for ${code}` }
    const [subsidiary] = await sql<{ id: string; approval: boolean }[]>`
      select s.id, a.mailing_approval_required as approval from subsidiaries s join accounts a on a.id = s.account_id
      where s.account_id = ${who.acc} and s.code = ${code}`
    if (!subsidiary) return { status: 400, code: 'invalid_input', field: 'subsidiary', message: `subsidiary: no subsidiary ${code}` }
    const problem = await segmentProblem(who.acc, body.segmentId)
    if (problem) return problem
    const id = await insertMailing(sql, {
      accountId: who.acc,
      subsidiaryId: subsidiary.id,
      name: body.name,
      content: body.content ?? mailingContentSchema.parse({}),
      segmentId: body.segmentId ?? null,
      // HQ's own mailings need nobody's approval; a subsidiary's does when HQ asks for it.
      approvalRequired: !may(who, 'mailings.approve') && (subsidiary.approval || (body.approvalRequired ?? false)),
      createdBy: who.sub,
    })
    return { status: 201, body: viewMailing((await findMailing(sql, who.acc, id))!) }
  })

  route(router, mailings.get, async ({ params, who }) => {
    const row = await loadMailing(sql, who, params.id)
    return row ? { status: 200, body: { ...viewMailing(row), progress: await progressOf(row, row.status) } } : notFound('mailing')
  })

  route(router, mailings.update, async ({ params, body, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    const problem = await segmentProblem(row.account_id, body.segmentId)
    if (problem) return problem
    const saved = await updateMailingDraft(sql, row.id, {
      name: body.name ?? row.name,
      content: body.content ?? row.content,
      segmentId: body.segmentId === undefined ? row.segment_id : body.segmentId,
    })
    if (!saved) return conflict(`a ${row.status} mailing cannot be changed (the mail as sent stays as it was)`)
    return { status: 200, body: viewMailing((await findMailing(sql, row.account_id, row.id))!) }
  })

  route(router, mailings.schedule, async ({ params, body, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    if (row.status !== 'draft') return conflict(`the mailing is ${row.status}, not a draft`)
    if (!row.content.subject[await subsidiaryLocale(row)]?.trim() || !row.content.blocks.length) {
      return { status: 422, code: 'mailing_incomplete', field: 'content', message: 'content: a mailing needs a subject in its subsidiary\'s language and at least one block (see its checklist)' }
    }
    const zone = await subsidiaryZone(row)
    const when = sendInstant(body, zone)
    if ('error' in when) return when.error
    if (row.approval_required && !may(who, 'mailings.approve')) {
      await moveMailingStatus(sql, row.id, ['draft'], 'awaiting_approval', { schedule: body, sendAt: when.at })
      return { status: 202, body: { status: 'awaiting_approval' as const, sendAt: when.at, timeZone: zone } }
    }
    await startSending(row, body, when.at)
    return { status: 202, body: { status: 'scheduled' as const, sendAt: when.at, timeZone: zone } }
  })

  route(router, mailings.approve, async ({ params, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    if (row.status !== 'awaiting_approval' || !row.schedule) return conflict(`the mailing is ${row.status}, not awaiting approval`)
    const zone = await subsidiaryZone(row)
    // Approved after the planned time: it goes now rather than never.
    const when = sendInstant(row.schedule, zone)
    const sendAt = 'error' in when ? new Date() : when.at
    await moveMailingStatus(sql, row.id, ['awaiting_approval'], 'awaiting_approval', { approvedBy: who.sub })
    await startSending(row, row.schedule, sendAt)
    return { status: 202, body: { status: 'scheduled' as const, sendAt, approvedBy: who.sub } }
  })

  route(router, mailings.refuse, async ({ params, body, who }) => {
    const row = await loadMailing(sql, who, params.id)
    if (!row) return notFound('mailing')
    if (!(await refuseMailing(sql, row.id, { by: who.sub, reason: body.reason }))) return conflict(`the mailing is ${row.status}, not awaiting approval`)
    return { status: 200, body: { status: 'draft' as const, refusedBy: who.sub, reason: body.reason } }
  })

  for (const action of ['pause', 'resume', 'cancel'] as const) {
    route(router, mailings[action], async ({ params, who }) => {
      const row = await loadMailing(sql, who, params.id)
      if (!row) return notFound('mailing')
      // Before its send time a mailing has no recipients yet: the whole audience is what a control affects.
      const before = await progressOf(row, row.status)
      const prepared = (await mailingProgress(sql, row.id)).total > 0
      const from = action === 'pause' ? (['scheduled', 'sending'] as const) : action === 'resume' ? (['paused'] as const) : (['awaiting_approval', 'scheduled', 'sending', 'paused'] as const)
      // Resumed before its send time it is scheduled again, not "sending" while it waits.
      const to: MailingStatus = action === 'pause' ? 'paused' : action === 'resume' ? (prepared ? 'sending' : 'scheduled') : 'cancelled'
      if (!(await moveMailingStatus(sql, row.id, [...from], to))) return conflict(`a ${row.status} mailing cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}`)
      // The counts affected: what a pause holds, a resume lets go, a cancel drops (never mails already sent).
      const queued = action === 'cancel' ? await cancelQueuedRecipients(sql, row.id) : await queuedRecipients(sql, row.id)
      const affected = prepared ? queued : before.remaining
      await signal(row, { action })
      return { status: 200, body: { status: to, affected, progress: await progressOf(row, to) } }
    })
  }

  route(router, mailings.progress, async ({ params, who }) => {
    const row = await loadMailing(sql, who, params.id)
    return row ? { status: 200, body: { status: row.status, sendAt: row.send_at, ...(await progressOf(row, row.status)) } } : notFound('mailing')
  })

  async function subsidiaryZone(row: MailingRow): Promise<string> {
    const [s] = await sql<{ time_zone: string | null }[]>`select time_zone from subsidiaries where id = ${row.subsidiary_id}`
    return resolveTimeZone(s?.time_zone)
  }
  async function subsidiaryLocale(row: MailingRow): Promise<string> {
    const [s] = await sql<{ locale: string }[]>`select locale from subsidiaries where id = ${row.subsidiary_id}`
    return s!.locale
  }

  return router
}

import type { Client } from '@temporalio/client'
import { Router, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { cancelQueuedRecipients, findMailing, insertMailing, listMailings, mailingProgress, moveMailingStatus, queuedRecipients, updateMailingDraft, type MailingRow } from '../db/mailings'
import { resolveTimeZone } from '../engine/nodes/contact-facts'
import { instantOf, readDateAttribute } from '../engine/nodes/zoned-time'
import { mailingControlSignal, mailingWorkflowId, type mailingSend, type MailingControl } from '../engine/workflows/mailing'
import { mailingContentSchema, scheduleSchema, type MailingSchedule } from '../mailings/model'
import { caller, seesSubsidiary } from './auth'
import { may, PERMISSIONS, type Permission } from './permissions'
import { invalidInput, notFound, send, type ApiError } from './errors'

// Permissions (api/permissions.ts): mailings.read, mailings.write (compose), mailings.send (schedule and
// the controls), mailings.approve (HQ); a mailing is visible only to callers who see its subsidiary.
// Bodies, params and answers are the exported zod schemas here, for the move into api/contract/.

export const mailingIdParam = z.uuid()
export const newMailingBody = z.strictObject({
  name: z.string().trim().min(1).max(200),
  subsidiary: z.string().regex(/^[A-Za-z]{2}$/, 'a subsidiary code such as "FR"'),
  content: mailingContentSchema.optional(),
  segmentId: z.uuid().nullable().optional(),
  /** HQ asks to see this mailing before it goes out (the account's setting may require it anyway). */
  approvalRequired: z.boolean().optional(),
})
export const mailingChangeBody = z.strictObject({
  name: z.string().trim().min(1).max(200).optional(),
  content: mailingContentSchema.optional(),
  segmentId: z.uuid().nullable().optional(),
})
export const scheduleBody = scheduleSchema
export const mailingView = z.object({ id: z.string(), name: z.string(), subsidiary: z.string(), status: z.string() }).loose()

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
  sendAt: row.send_at,
  createdBy: row.created_by,
  createdAt: row.created_at,
  updatedAt: row.updated_at,
  finishedAt: row.finished_at,
})

/** Asks the permission table; a refusal answers 403 with the table's reason. */
export function allowed(req: Request, res: Response, permission: Permission): boolean {
  if (may(caller(req), permission)) return true
  send(res, { status: 403, code: 'forbidden', message: PERMISSIONS[permission].refusal })
  return false
}

/** Loads a mailing the caller may see (404 otherwise: another subsidiary's mailing does not exist for them). */
export async function loadMailing(sql: Sql, req: Request, res: Response): Promise<MailingRow | null> {
  const id = mailingIdParam.safeParse(req.params.id)
  const who = caller(req)
  const row = id.success ? await findMailing(sql, who.acc, id.data) : undefined
  if (!row || !seesSubsidiary(who, row.subsidiary_code)) {
    send(res, notFound('mailing'))
    return null
  }
  return row
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

  router.get('/mailings', async (req, res) => {
    if (!allowed(req, res, 'mailings.read')) return
    const who = caller(req)
    const rows = await listMailings(sql, who.acc, who.subs)
    res.json({ mailings: await Promise.all(rows.map(async (row) => ({ ...viewMailing(row), progress: await mailingProgress(sql, row.id) }))) })
  })

  router.post('/mailings', async (req, res) => {
    if (!allowed(req, res, 'mailings.write')) return
    const body = newMailingBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const who = caller(req)
    const code = body.data.subsidiary.toUpperCase()
    if (!seesSubsidiary(who, code)) return send(res, { status: 403, code: 'forbidden', field: 'subsidiary', message: `subsidiary: you may not send for ${code}` })
    const [subsidiary] = await sql<{ id: string; approval: boolean }[]>`
      select s.id, a.mailing_approval_required as approval from subsidiaries s join accounts a on a.id = s.account_id
      where s.account_id = ${who.acc} and s.code = ${code}`
    if (!subsidiary) return send(res, { status: 400, code: 'invalid_input', field: 'subsidiary', message: `subsidiary: no subsidiary ${code}` })
    const problem = await segmentProblem(who.acc, body.data.segmentId)
    if (problem) return send(res, problem)
    const id = await insertMailing(sql, {
      accountId: who.acc,
      subsidiaryId: subsidiary.id,
      name: body.data.name,
      content: body.data.content ?? mailingContentSchema.parse({}),
      segmentId: body.data.segmentId ?? null,
      // HQ's own mailings need nobody's approval; a subsidiary's does when HQ asks for it.
      approvalRequired: !may(who, 'mailings.approve') && (subsidiary.approval || (body.data.approvalRequired ?? false)),
      createdBy: who.sub,
    })
    res.status(201).json(viewMailing((await findMailing(sql, who.acc, id))!))
  })

  router.get('/mailings/:id', async (req, res) => {
    const row = await loadMailing(sql, req, res)
    if (row) res.json({ ...viewMailing(row), progress: await mailingProgress(sql, row.id) })
  })

  router.put('/mailings/:id', async (req, res) => {
    if (!allowed(req, res, 'mailings.write')) return
    const row = await loadMailing(sql, req, res)
    if (!row) return
    const body = mailingChangeBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const problem = await segmentProblem(row.account_id, body.data.segmentId)
    if (problem) return send(res, problem)
    const saved = await updateMailingDraft(sql, row.id, {
      name: body.data.name ?? row.name,
      content: body.data.content ?? row.content,
      segmentId: body.data.segmentId === undefined ? row.segment_id : body.data.segmentId,
    })
    if (!saved) return send(res, { status: 409, code: 'conflict', field: 'status', message: `status: a ${row.status} mailing cannot be changed (the mail as sent stays as it was)` })
    res.json(viewMailing((await findMailing(sql, row.account_id, row.id))!))
  })

  router.post('/mailings/:id/schedule', async (req, res) => {
    if (!allowed(req, res, 'mailings.send')) return
    const row = await loadMailing(sql, req, res)
    if (!row) return
    const body = scheduleBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    if (row.status !== 'draft') return send(res, { status: 409, code: 'conflict', field: 'status', message: `status: the mailing is ${row.status}, not a draft` })
    if (!row.content.subject[await subsidiaryLocale(row)]?.trim() || !row.content.blocks.length) {
      return send(res, { status: 422, code: 'mailing_incomplete', field: 'content', message: 'content: a mailing needs a subject in its subsidiary\'s language and at least one block (see its checklist)' })
    }
    const zone = await subsidiaryZone(row)
    const when = sendInstant(body.data, zone)
    if ('error' in when) return send(res, when.error)
    const who = caller(req)
    if (row.approval_required && !may(who, 'mailings.approve')) {
      await moveMailingStatus(sql, row.id, ['draft'], 'awaiting_approval', { schedule: body.data, sendAt: when.at })
      return res.status(202).json({ status: 'awaiting_approval', sendAt: when.at, timeZone: zone })
    }
    await startSending(row, body.data, when.at)
    res.status(202).json({ status: 'scheduled', sendAt: when.at, timeZone: zone })
  })

  router.post('/mailings/:id/approve', async (req, res) => {
    if (!allowed(req, res, 'mailings.approve')) return
    const row = await loadMailing(sql, req, res)
    if (!row) return
    if (row.status !== 'awaiting_approval' || !row.schedule) return send(res, { status: 409, code: 'conflict', field: 'status', message: `status: the mailing is ${row.status}, not awaiting approval` })
    const zone = await subsidiaryZone(row)
    // Approved after the planned time: it goes now rather than never.
    const when = sendInstant(row.schedule, zone)
    const sendAt = 'error' in when ? new Date() : when.at
    await moveMailingStatus(sql, row.id, ['awaiting_approval'], 'awaiting_approval', { approvedBy: caller(req).sub })
    await startSending(row, row.schedule, sendAt)
    res.status(202).json({ status: 'scheduled', sendAt, approvedBy: caller(req).sub })
  })

  const control = (action: 'pause' | 'resume' | 'cancel') => async (req: Request, res: Response) => {
    if (!allowed(req, res, 'mailings.send')) return
    const row = await loadMailing(sql, req, res)
    if (!row) return
    const from = action === 'pause' ? (['scheduled', 'sending'] as const) : action === 'resume' ? (['paused'] as const) : (['awaiting_approval', 'scheduled', 'sending', 'paused'] as const)
    const to = action === 'pause' ? 'paused' : action === 'resume' ? 'sending' : 'cancelled'
    if (!(await moveMailingStatus(sql, row.id, [...from], to))) {
      return send(res, { status: 409, code: 'conflict', field: 'status', message: `status: a ${row.status} mailing cannot be ${action === 'cancel' ? 'cancelled' : `${action}d`}` })
    }
    // The counts affected: what a pause holds, a resume lets go, a cancel drops (never mails already sent).
    const affected = action === 'cancel' ? await cancelQueuedRecipients(sql, row.id) : await queuedRecipients(sql, row.id)
    await signal(row, { action })
    res.json({ status: to, affected, progress: await mailingProgress(sql, row.id) })
  }
  router.post('/mailings/:id/pause', control('pause'))
  router.post('/mailings/:id/resume', control('resume'))
  router.post('/mailings/:id/cancel', control('cancel'))

  router.get('/mailings/:id/progress', async (req, res) => {
    const row = await loadMailing(sql, req, res)
    if (row) res.json({ status: row.status, sendAt: row.send_at, ...(await mailingProgress(sql, row.id)) })
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

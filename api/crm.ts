import { Router } from 'express'
import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { crmAdapter } from '../activities/crm-sync'
import { CrmRefused, CrmUnavailable } from '../crm/adapter'
import { DEFAULT_MAPPINGS, ENRICHMENT_KEYS, fieldMappingsSchema } from '../crm/mapping'
import type { SecretBox } from '../crm/secret-box'
import { activeSyncRun, crmConnection, openConflicts, recentSyncRuns, saveCrmConnection } from '../db/crm'
import { recordProvenance } from '../db/duplicates'
import { syncCrmSchedule, startCrmSync } from '../engine/crm-client'
import { parseDuration } from '../engine/campaign/duration'
import { caller } from './auth'
import { may, type Permission, refusal } from './permissions'
import { invalidInput, notFound, send, type ApiError } from './errors'

// The CRM connection (admin), sync runs and the conflict queue. Permission names in comments, for the
// permission table (issue 13).

export const crmConnectionBody = z.strictObject({
  kind: z.literal('bottlecrm'),
  url: z.url('an http(s) URL such as https://crm.example.com'),
  /** The CRM's API token (BottleCRM: a personal access token bcrm_pat_…). Never answered back. */
  token: z.string().min(8, 'the CRM API token').max(500),
  syncEvery: z.string().refine((text) => text === 'off' || (parseDuration(text) ?? 0) >= 60_000, 'a duration of at least 1m, or "off"').default('15m'),
  handoverMode: z.enum(['crm_lead', 'webhook']).default('crm_lead'),
  fieldMappings: fieldMappingsSchema.optional(),
})
export const conflictResolutionBody = z.strictObject({ keep: z.enum(['product', 'crm']) })
export const conflictParams = z.object({ id: z.uuid('a conflict id') })

const refused = (permission: Permission): ApiError => ({ status: 403, code: 'forbidden', message: refusal(permission) })

function connectionView(row: NonNullable<Awaited<ReturnType<typeof crmConnection>>>) {
  return { kind: row.kind, url: row.base_url, syncEvery: row.sync_every, handoverMode: row.handover_mode, enabled: row.enabled, fieldMappings: { ...DEFAULT_MAPPINGS, ...row.field_mappings }, tokenStored: true, updatedAt: row.updated_at }
}

export function crmRoutes(deps: { sql: Sql; client: Client; taskQueue: string; crmSecrets: SecretBox }): Router {
  const { sql } = deps
  const router = Router()

  // permission: crm.connection.read
  router.get('/crm/connection', async (req, res) => {
    const row = await crmConnection(sql, caller(req).acc)
    if (!row) return send(res, notFound('CRM connection'))
    res.json({ connection: connectionView(row) })
  })

  // permission: crm.connection.write — checks the CRM answers with these credentials before storing them.
  router.put('/crm/connection', async (req, res) => {
    const who = caller(req)
    if (!may(who, 'crm.connection')) return send(res, refused('crm.connection'))
    const parsed = crmConnectionBody.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const body = parsed.data
    const sealed = deps.crmSecrets.seal(JSON.stringify({ token: body.token }), who.acc)
    const candidate = { account_id: who.acc, kind: body.kind, base_url: body.url.replace(/\/+$/, ''), credentials_encrypted: sealed, field_mappings: body.fieldMappings ?? DEFAULT_MAPPINGS, sync_every: body.syncEvery, handover_mode: body.handoverMode, created_by: who.sub }
    try {
      const adapter = crmAdapter({ secrets: deps.crmSecrets }, { ...candidate, enabled: true, created_at: new Date(), updated_at: new Date() })
      await adapter.verify()
      await adapter.ensureCustomFields('contact', Object.values(ENRICHMENT_KEYS).map((f) => ({ ...f, type: 'text' as const })))
    } catch (error) {
      if (error instanceof CrmRefused) return send(res, { status: 422, code: 'crm_refused', field: 'token', message: `token: the CRM refused these credentials (${error.message})` })
      if (error instanceof CrmUnavailable) return send(res, { status: 422, code: 'crm_unreachable', field: 'url', message: `url: ${error.message}` })
      throw error
    }
    const row = await saveCrmConnection(sql, candidate)
    await syncCrmSchedule(deps.client, deps.taskQueue, who.acc, body.syncEvery === 'off' ? null : body.syncEvery)
    res.json({ connection: connectionView(row) })
  })

  // permission: crm.sync.start
  router.post('/crm/sync', async (req, res) => {
    const who = caller(req)
    if (!may(who, 'crm.sync')) return send(res, refused('crm.sync'))
    if (!(await crmConnection(sql, who.acc))) return send(res, notFound('CRM connection'))
    const active = await activeSyncRun(sql, who.acc)
    if (active) return send(res, { status: 409, code: 'sync_running', message: `a sync is under way (run ${active.id}, ${active.status})` })
    const workflowId = await startCrmSync(deps.client, deps.taskQueue, { accountId: who.acc })
    res.status(202).json({ workflowId })
  })

  // permission: crm.sync.read — each run with its counts, status and the reason of the last error.
  router.get('/crm/runs', async (req, res) => {
    const runs = await recentSyncRuns(sql, caller(req).acc)
    res.json({
      runs: runs.map((r) => ({ id: r.id, trigger: r.trigger, status: r.status, stream: r.stream, recordsIn: r.records_in, recordsOut: r.records_out, conflicts: r.conflicts, errors: r.errors, lastError: r.last_error, startedAt: r.started_at, finishedAt: r.finished_at })),
    })
  })

  // permission: crm.conflicts.read
  router.get('/crm/conflicts', async (req, res) => {
    const who = caller(req)
    const rows = await openConflicts(sql, who.acc, who.subs)
    res.json({ conflicts: rows.map((r) => ({ id: r.id, contactId: r.contact_id, contact: { email: r.email, name: [r.first_name, r.last_name].filter(Boolean).join(' ') || null }, field: r.field, productValue: r.product_value, crmValue: r.crm_value, productChangedAt: r.product_changed_at, crmChangedAt: r.crm_changed_at, createdAt: r.created_at })) })
  })

  // permission: crm.conflicts.resolve — the chosen value becomes the contact's; the next sync carries it to the CRM.
  router.post('/crm/conflicts/:id/resolve', async (req, res) => {
    const who = caller(req)
    if (!may(who, 'crm.sync')) return send(res, refused('crm.sync'))
    const params = conflictParams.safeParse(req.params)
    if (!params.success) return send(res, invalidInput(params.error, 'id'))
    const body = conflictResolutionBody.safeParse(req.body)
    if (!body.success) return send(res, invalidInput(body.error))
    const outcome = await sql.begin(async (sql) => {
      const [conflict] = await sql<{ contact_id: string; field: string; crm_value: string | null; product_value: string | null }[]>`
        select k.contact_id, k.field, k.crm_value, k.product_value from crm_conflicts k join contacts c on c.id = k.contact_id join subsidiaries s on s.id = c.subsidiary_id
        where k.id = ${params.data.id} and k.account_id = ${who.acc} and k.status = 'open' and (${who.subs === '*'} or s.code = any(${who.subs === '*' ? [] : who.subs})) for update of k`
      if (!conflict) return null
      const value = body.data.keep === 'crm' ? conflict.crm_value : conflict.product_value
      const column = ({ email: 'email', firstName: 'first_name', lastName: 'last_name', company: 'company' } as Record<string, string>)[conflict.field]
      const attribute = ({ title: 'job_title', phone: 'phone', postalCode: 'postal_code', city: 'city', country: 'country' } as Record<string, string>)[conflict.field]
      if (column) await sql`update contacts set ${sql({ [column]: value })}, updated_at = now() where id = ${conflict.contact_id}`
      else if (attribute) await sql`update contacts set attributes = attributes || ${sql.json({ [attribute]: value } as never)}, updated_at = now() where id = ${conflict.contact_id}`
      await recordProvenance(sql, { accountId: who.acc, contactId: conflict.contact_id, attribute: conflict.field, source: body.data.keep === 'crm' ? 'crm' : 'conflict_resolution', value })
      // The CRM's value becomes "last synced", so the next sync carries the choice over instead of asking again.
      const normalised = conflict.crm_value === null ? null : conflict.field === 'email' ? conflict.crm_value.trim().toLowerCase() : conflict.crm_value.trim()
      await sql`update crm_links set crm_values = crm_values || ${sql.json({ [conflict.field]: normalised } as never)} where contact_id = ${conflict.contact_id} and object_type in ('contact', 'lead')`
      await sql`update crm_conflicts set status = 'resolved', resolution = ${body.data.keep}, resolved_by = ${who.sub}, resolved_at = now() where id = ${params.data.id}`
      return { contactId: conflict.contact_id, field: conflict.field, value }
    })
    if (!outcome) return send(res, notFound('open conflict'))
    res.json({ resolved: outcome })
  })

  return router
}

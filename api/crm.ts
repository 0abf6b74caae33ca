import { Router } from 'express'
import type { Client } from '@temporalio/client'
import type { Sql } from 'postgres'
import { crmAdapter } from '../activities/crm-sync'
import { CrmRefused, CrmUnavailable } from '../crm/adapter'
import { DEFAULT_MAPPINGS, ENRICHMENT_KEYS } from '../crm/mapping'
import type { SecretBox } from '../crm/secret-box'
import { takePersonValues, type PersonColumn } from '../db/contact-crm'
import { activeSyncRun, closeConflict, crmConnection, lockOpenConflict, openConflicts, recentSyncRuns, saveCrmConnection } from '../db/crm'
import { recordProvenance } from '../db/duplicates'
import { syncCrmSchedule, startCrmSync } from '../engine/crm-client'
import { crm } from './contract/crm'
import { route } from './contract/mount'
import { notFound } from './errors'

// The CRM connection (admin), sync runs and the conflict queue, declared in ./contract/crm.

function connectionView(row: NonNullable<Awaited<ReturnType<typeof crmConnection>>>) {
  return { kind: row.kind, url: row.base_url, syncEvery: row.sync_every, handoverMode: row.handover_mode, enabled: row.enabled, fieldMappings: { ...DEFAULT_MAPPINGS, ...row.field_mappings }, tokenStored: true as const, updatedAt: row.updated_at }
}

export function crmRoutes(deps: { sql: Sql; client: Client; taskQueue: string; crmSecrets: SecretBox }): Router {
  const { sql } = deps
  const router = Router()

  route(router, crm.connection, async ({ who }) => {
    const row = await crmConnection(sql, who.acc)
    if (!row) return notFound('CRM connection')
    return { status: 200, body: { connection: connectionView(row) } }
  })

  // Checks the CRM answers with these credentials before storing them.
  route(router, crm.connect, async ({ body, who }) => {
    const sealed = deps.crmSecrets.seal(JSON.stringify({ token: body.token }), who.acc)
    const candidate = { account_id: who.acc, kind: body.kind, base_url: body.url.replace(/\/+$/, ''), credentials_encrypted: sealed, field_mappings: body.fieldMappings ?? DEFAULT_MAPPINGS, sync_every: body.syncEvery, handover_mode: body.handoverMode, created_by: who.sub }
    try {
      const adapter = crmAdapter({ secrets: deps.crmSecrets }, { ...candidate, enabled: true, created_at: new Date(), updated_at: new Date() })
      await adapter.verify()
      await adapter.ensureCustomFields('contact', Object.values(ENRICHMENT_KEYS).map((f) => ({ ...f, type: 'text' as const })))
      // Leads carry consent too (the opt-in fields come with every ensure): a lead's consent arrives like a contact's.
      await adapter.ensureCustomFields('lead', [])
    } catch (error) {
      // A wrong or revoked token is the usual mistake: say so plainly, without the CRM's raw answer.
      if (error instanceof CrmRefused && (error.status === 401 || error.status === 403)) {
        return { status: 422, code: 'crm_refused', field: 'token', message: `token: ${body.url} does not accept this API token (it answered ${error.status}). Copy a valid personal access token (bcrm_pat_…) from the CRM and try again.` }
      }
      if (error instanceof CrmRefused) return { status: 422, code: 'crm_refused', field: 'token', message: `token: the CRM refused these credentials (${error.message})` }
      if (error instanceof CrmUnavailable) return { status: 422, code: 'crm_unreachable', field: 'url', message: `url: ${error.message}` }
      throw error
    }
    const row = await saveCrmConnection(sql, candidate)
    await syncCrmSchedule(deps.client, deps.taskQueue, who.acc, body.syncEvery === 'off' ? null : body.syncEvery)
    return { status: 200, body: { connection: connectionView(row) } }
  })

  route(router, crm.sync, async ({ who }) => {
    if (!(await crmConnection(sql, who.acc))) return notFound('CRM connection')
    const active = await activeSyncRun(sql, who.acc)
    if (active) return { status: 409, code: 'sync_running', message: `a sync is under way (run ${active.id}, ${active.status})` }
    const workflowId = await startCrmSync(deps.client, deps.taskQueue, { accountId: who.acc })
    return { status: 202, body: { workflowId } }
  })

  // Each run with its counts, status and the reason of the last error.
  route(router, crm.runs, async ({ who }) => {
    const runs = await recentSyncRuns(sql, who.acc)
    return { status: 200, body: {
      runs: runs.map((r) => ({ id: r.id, trigger: r.trigger, status: r.status, stream: r.stream, recordsIn: r.records_in, recordsOut: r.records_out, conflicts: r.conflicts, errors: r.errors, retries: r.retries, rateLimited: r.rate_limited, pages: r.pages, lastError: r.last_error, startedAt: r.started_at, finishedAt: r.finished_at })),
    } }
  })

  route(router, crm.conflicts, async ({ who }) => {
    const rows = await openConflicts(sql, who.acc, who.subs)
    return { status: 200, body: { conflicts: rows.map((r) => ({ id: r.id, contactId: r.contact_id, contact: { email: r.email, name: [r.first_name, r.last_name].filter(Boolean).join(' ') || null }, field: r.field, productValue: r.product_value, crmValue: r.crm_value, productChangedAt: r.product_changed_at, crmChangedAt: r.crm_changed_at, createdAt: r.created_at })) } }
  })

  // The chosen value becomes the contact's; the next sync carries it to the CRM.
  route(router, crm.resolve, async ({ params, body, who }) => {
    const outcome = await sql.begin(async (sql) => {
      const conflict = await lockOpenConflict(sql, who.acc, params.id, who.subs)
      if (!conflict) return null
      const value = body.keep === 'crm' ? conflict.crm_value : conflict.product_value
      const column = ({ email: 'email', firstName: 'first_name', lastName: 'last_name', company: 'company' } as Record<string, PersonColumn>)[conflict.field]
      const attribute = ({ title: 'job_title', phone: 'phone', postalCode: 'postal_code', city: 'city', country: 'country' } as Record<string, string>)[conflict.field]
      if (column) await takePersonValues(sql, conflict.contact_id, { [column]: value }, {})
      else if (attribute) await takePersonValues(sql, conflict.contact_id, {}, { [attribute]: value })
      await recordProvenance(sql, { accountId: who.acc, contactId: conflict.contact_id, attribute: conflict.field, source: body.keep === 'crm' ? 'crm' : 'conflict_resolution', value })
      // The CRM's value becomes "last synced", so the next sync carries the choice over instead of asking again.
      const normalised = conflict.crm_value === null ? null : conflict.field === 'email' ? conflict.crm_value.trim().toLowerCase() : conflict.crm_value.trim()
      await closeConflict(sql, { conflictId: params.id, contactId: conflict.contact_id, field: conflict.field, syncedValue: normalised, keep: body.keep, resolvedBy: who.sub })
      return { contactId: conflict.contact_id, field: conflict.field, value }
    })
    if (!outcome) return notFound('open conflict')
    return { status: 200, body: { resolved: outcome } }
  })

  return router
}

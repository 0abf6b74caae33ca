import { Router, text } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { startRecompute } from '../db/attribution'
import { contactWithSubsidiary } from '../db/contact-lookups'
import { productCosts, setProductCost, upsertOpportunity, type OpportunityInput } from '../db/opportunities'
import type { AttributionRefresher } from '../reporting/attribution-refresher'
import { parseAmount, parseDay } from '../reporting/csv-values'
import { caller, type Caller } from './auth'
import type { RowProblem } from './costs'
import { importQuery, opportunities, opportunitiesBody, opportunityBody, productCostBody } from './contract/costs'
import { route } from './contract/mount'
import { parseCsvTable } from './enrolment-csv'
import { invalidInput, send, type ApiError } from './errors'
import { refusal } from './permissions'
import { answered, may, seesSubsidiaryId, subsidiaryScope, type SubsidiaryScope } from './report-scope'

// Revenue by API and CSV import (the CRM sync writes through the same db/opportunities.ts), and the
// production cost per product that makes ROI use real margins.

type OpportunityBody = z.output<typeof opportunityBody>

/** One deal's input checked against the account: contact and subsidiary exist and are the caller's. */
async function resolve(sql: Sql, who: Caller, scope: SubsidiaryScope, body: OpportunityBody, source: 'api' | 'csv', prefix: string): Promise<ApiError | OpportunityInput> {
  let contactId: string | null = null
  let subsidiaryId = body.subsidiary ? scope.byCode.get(body.subsidiary) : undefined
  if (body.subsidiary && !subsidiaryId) return { status: 400, code: 'invalid_input', field: `${prefix}subsidiary`, message: `${prefix}subsidiary: no subsidiary ${body.subsidiary}` }
  if (body.contactEmail) {
    const contact = await contactWithSubsidiary(sql, who.acc, { email: body.contactEmail })
    if (!contact || !seesSubsidiaryId(scope, contact.subsidiary_id)) return { status: 400, code: 'invalid_input', field: `${prefix}contactEmail`, message: `${prefix}contactEmail: no contact ${body.contactEmail}` }
    contactId = contact.id
    subsidiaryId ??= contact.subsidiary_id
  } else if (!body.company) {
    return { status: 400, code: 'invalid_input', field: `${prefix}contactEmail`, message: `${prefix}contactEmail: name the contact (or at least the company)` }
  }
  if (!subsidiaryId) return { status: 400, code: 'invalid_input', field: `${prefix}subsidiary`, message: `${prefix}subsidiary: needed when no contact is named` }
  if (!seesSubsidiaryId(scope, subsidiaryId)) return { status: 403, code: 'forbidden', field: `${prefix}subsidiary`, message: `${prefix}subsidiary: not one of yours` }
  if (body.stage === 'open' && body.closedOn) return { status: 400, code: 'invalid_input', field: `${prefix}closedOn`, message: `${prefix}closedOn: an open deal is not closed` }
  return {
    accountId: who.acc, subsidiaryId, contactId, company: body.company ?? null, name: body.name, amountNet: body.amountNet,
    productionCost: body.productionCost ?? null, products: body.products ?? [], stage: body.stage, crmStage: body.crmStage ?? null,
    createdOn: body.createdOn ? new Date(body.createdOn) : undefined, closedOn: body.closedOn ? new Date(body.closedOn) : null, source, sourceId: body.sourceId ?? null,
  }
}

export function opportunityRoutes(deps: { sql: Sql; attribution?: AttributionRefresher }): Router {
  const { sql } = deps
  const router = Router()

  // permission: opportunities.write. One deal or {"opportunities": [...]}: all are stored, or none.
  route(router, opportunities.add, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'opportunities.write')) return send(res, { status: 403, code: 'forbidden', message: 'only sales and managers record deals' })
    const parsed = opportunitiesBody.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const bodies = 'opportunities' in parsed.data ? parsed.data.opportunities : [parsed.data]
    const scope = await subsidiaryScope(sql, who)
    const inputs: OpportunityInput[] = []
    for (const [index, body] of bodies.entries()) {
      const input = await resolve(sql, who, scope, body, 'api', 'opportunities' in parsed.data ? `opportunities.${index}.` : '')
      if ('status' in input) return send(res, input)
      inputs.push(input)
    }
    const stored = await sql.begin(async (sql) => {
      const out = []
      for (const input of inputs) out.push(await upsertOpportunity(sql, input))
      return out
    })
    deps.attribution?.kick()
    res.status(201).json({ opportunities: stored.map(({ row, created }) => ({ id: row.id, created, stage: row.stage })) })
  }))

  // permission: opportunities.write. Columns: contact_email, company, name, amount, production_cost, products
  // ("|" between), stage, created, closed, subsidiary, source_id. All rows checked first; one bad row imports nothing.
  route(router, opportunities.import, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'opportunities.write')) return send(res, { status: 403, code: 'forbidden', message: 'only sales and managers import deals' })
    const query = importQuery.safeParse(req.query)
    if (!query.success) return send(res, invalidInput(query.error))
    if (typeof req.body !== 'string') return send(res, { status: 415, code: 'unsupported_media_type', field: 'Content-Type', message: 'Content-Type: send the CSV file as text/csv' })
    const table = parseCsvTable(req.body, 100_000)
    if (!table.ok) return send(res, { status: 400, code: 'invalid_csv', field: 'body', message: table.message })
    const column = (name: string) => table.header.findIndex((h) => h.toLowerCase().replace(/[\s-]/g, '_') === name)
    const missing = ['name', 'amount', 'stage'].filter((name) => column(name) < 0)
    if (missing.length) return send(res, { status: 400, code: 'invalid_csv', field: 'body', message: `line 1: the header lacks ${missing.map((m) => `"${m}"`).join(', ')}` })
    const scope = await subsidiaryScope(sql, who)
    const problems: RowProblem[] = []
    const inputs: OpportunityInput[] = []
    for (const row of table.rows) {
      const cell = (name: string) => (column(name) >= 0 ? (row.fields[column(name)] ?? '').trim() : '')
      const problem = (field: string, message: string) => problems.push({ line: row.line, field, message: `line ${row.line}, ${field}: ${message}` })
      const amount = parseAmount(cell('amount'))
      const production = cell('production_cost') ? parseAmount(cell('production_cost')) : null
      const created = cell('created') ? parseDay(cell('created')) : null
      const closed = cell('closed') ? parseDay(cell('closed')) : null
      if (amount === null) problem('amount', `"${cell('amount')}" is not an amount in EUR`)
      if (cell('production_cost') && production === null) problem('production_cost', `"${cell('production_cost')}" is not an amount in EUR`)
      if (cell('created') && !created) problem('created', `"${cell('created')}" is not a date`)
      if (cell('closed') && !closed) problem('closed', `"${cell('closed')}" is not a date`)
      const body = opportunityBody.safeParse({
        contactEmail: cell('contact_email') || undefined, company: cell('company') || undefined, name: cell('name'), amountNet: amount ?? 0,
        productionCost: production, products: cell('products') ? cell('products').split('|').map((p) => p.trim()).filter(Boolean) : undefined,
        stage: cell('stage').toLowerCase(), createdOn: created ? `${created}T00:00:00Z` : undefined, closedOn: closed ? `${closed}T23:59:59.999Z` : undefined, // a deal closed on a day: its touches of that day count
        subsidiary: cell('subsidiary').toUpperCase() || undefined, sourceId: cell('source_id') || undefined,
      })
      if (!body.success) {
        for (const issue of body.error.issues) problem(String(issue.path[0] ?? 'row'), issue.message)
        continue
      }
      if (problems.some((p) => p.line === row.line)) continue
      const input = await resolve(sql, who, scope, body.data, 'csv', '')
      if ('status' in input) problem(input.field ?? 'row', input.message)
      else inputs.push(input)
    }
    const dryRun = query.data.dryRun === 'true'
    if (problems.length) return void res.status(422).json({ error: { code: 'invalid_rows', field: 'body', message: `${problems.length} row(s) cannot be imported; nothing was imported`, rows: problems }, dryRun })
    if (dryRun) return void res.json({ dryRun: true, rows: inputs.length, imported: 0 })
    const stored = await sql.begin(async (sql) => {
      let created = 0
      for (const input of inputs) if ((await upsertOpportunity(sql, input)).created) created++
      return created
    })
    deps.attribution?.kick()
    res.status(201).json({ dryRun: false, rows: inputs.length, imported: inputs.length, created: stored, updated: inputs.length - stored })
  }), { use: [text({ type: ['text/csv', 'text/plain'], limit: '20mb' })] })

  // permission: reports.read
  route(router, opportunities.productCosts, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'reports.read')) return send(res, { status: 403, code: 'forbidden', message: 'product costs are for marketers and managers' })
    res.json({ productCosts: await productCosts(sql, who.acc) })
  }))

  // permission: attribution.configure. A changed margin changes every won deal's production cost: recomputed as a job.
  route(router, opportunities.setProductCost, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'attribution.configure')) return send(res, { status: 403, code: 'forbidden', message: refusal('attribution.configure') })
    const product = z.string().trim().min(1).max(200).safeParse(req.params.product)
    if (!product.success) return send(res, { status: 400, code: 'invalid_input', field: 'product', message: 'product: 1 to 200 characters' })
    const parsed = productCostBody.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    await setProductCost(sql, who.acc, product.data, parsed.data.costRatio)
    const job = await startRecompute(sql, who.acc, `production cost of ${product.data}`, who.sub)
    deps.attribution?.kick()
    res.json({ product: product.data, costRatio: parsed.data.costRatio, recompute: { id: job.id, total: job.total, done: job.done, status: job.status } })
  }))

  return router
}

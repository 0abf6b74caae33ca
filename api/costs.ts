import { Router, text, type Request, type Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import { budgetOf, costItemsOfCampaign, COST_CATEGORIES, deleteCostItem, insertCostItems, setBudget, type CostItemInput } from '../db/costs'
import { parseAmount, parseDay } from '../reporting/csv-values'
import { caller } from './auth'
import { parseCsvTable } from './enrolment-csv'
import { invalidInput, notFound, send } from './errors'
import { refusal } from './permissions'
import { budgetBody, costItemsOf, costs, importQuery } from './contract/costs'
import { route } from './contract/mount'
import { answered, campaignIdsByName, may, seesSubsidiaryId, subsidiaryScope } from './report-scope'

// Campaign costs: items (category, EUR, date, subsidiary, note) by API or CSV import, and the budget.

export interface RowProblem {
  line: number
  field: string
  message: string
}

// Category names as people write them in a spreadsheet, onto the product's categories.
const CATEGORY_ALIASES: Record<string, (typeof COST_CATEGORIES)[number]> = {
  software_license: 'software_licence', licence: 'software_licence', license: 'software_licence', ads: 'ad_placement', advertising: 'ad_placement',
  fair_stand_and_tickets: 'fair', fair_stand: 'fair', trade_fair: 'fair', mailing_list: 'mailing_lists', discount: 'discounts',
}
const category = (value: string) => {
  const key = value.trim().toLowerCase().replace(/[\s-]+/g, '_')
  return (COST_CATEGORIES as readonly string[]).includes(key) ? (key as (typeof COST_CATEGORIES)[number]) : CATEGORY_ALIASES[key]
}

export function costRoutes(deps: { sql: Sql }): Router {
  const { sql } = deps
  const router = Router()

  const campaignOf = async (req: Request, res: Response) => {
    const who = caller(req)
    const params = z.object({ id: z.uuid() }).safeParse(req.params)
    const [row] = params.success ? await sql`select id from campaigns where id = ${params.data.id} and account_id = ${who.acc}` : []
    if (!row) send(res, notFound('campaign'))
    return row ? params.data!.id : null
  }

  // permission: reports.read
  route(router, costs.list, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'reports.read')) return send(res, { status: 403, code: 'forbidden', message: 'costs are for marketers and managers' })
    const campaignId = await campaignOf(req, res)
    if (!campaignId) return
    const scope = await subsidiaryScope(sql, who)
    const items = await costItemsOfCampaign(sql, who.acc, campaignId, scope.ids)
    const actual = items.reduce((sum, item) => sum + Math.round(Number(item.amount) * 100), 0) / 100
    res.json({ campaignId, budget: await budgetOf(sql, campaignId), actual, items: items.map((item) => ({ ...item, amount: Number(item.amount) })) })
  }))

  // permission: costs.write
  route(router, costs.add, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'costs.write')) return send(res, { status: 403, code: 'forbidden', message: 'only marketers and managers enter costs' })
    const campaignId = await campaignOf(req, res)
    if (!campaignId) return
    const parsed = costItemsOf(req.body).safeParse(req.body ?? {})
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    const items = 'items' in parsed.data ? parsed.data.items : [parsed.data]
    const scope = await subsidiaryScope(sql, who)
    const inputs: CostItemInput[] = []
    for (const [index, item] of items.entries()) {
      const field = 'items' in parsed.data ? `items.${index}.subsidiary` : 'subsidiary'
      const subsidiaryId = scope.byCode.get(item.subsidiary)
      if (!subsidiaryId) return send(res, { status: 400, code: 'invalid_input', field, message: `${field}: no subsidiary ${item.subsidiary}` })
      if (!seesSubsidiaryId(scope, subsidiaryId)) return send(res, { status: 403, code: 'forbidden', field, message: `${field}: you do not enter costs for ${item.subsidiary}` })
      inputs.push({ campaignId, subsidiaryId, category: item.category, amount: item.amount, incurredOn: item.date, note: item.note })
    }
    const ids = await insertCostItems(sql, who.acc, inputs, 'api', who.sub)
    res.status(201).json({ ids })
  }))

  // permission: costs.write
  route(router, costs.remove, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'costs.write')) return send(res, { status: 403, code: 'forbidden', message: 'only marketers and managers change costs' })
    const id = z.uuid().safeParse(req.params.id)
    const scope = await subsidiaryScope(sql, who)
    if (!id.success || !(await deleteCostItem(sql, who.acc, id.data, scope.ids))) return send(res, notFound('cost item'))
    res.status(204).end()
  }))

  // permission: budgets.write (the budget is the campaign's, so HQ-wide callers only)
  route(router, costs.budget, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'budgets.write')) return send(res, { status: 403, code: 'forbidden', message: refusal('budgets.write') })
    const campaignId = await campaignOf(req, res)
    if (!campaignId) return
    const parsed = budgetBody.safeParse(req.body)
    if (!parsed.success) return send(res, invalidInput(parsed.error))
    await setBudget(sql, who.acc, campaignId, parsed.data.amount, who.sub)
    res.json({ campaignId, budget: parsed.data.amount })
  }))

  // permission: costs.write. Columns: campaign (id or name), category, amount, date, subsidiary, note.
  // All rows are checked first; one bad row imports nothing and every bad row is named by line and field.
  route(router, costs.import, answered(async (req, res) => {
    const who = caller(req)
    if (!may(who, 'costs.write')) return send(res, { status: 403, code: 'forbidden', message: 'only marketers and managers import costs' })
    const query = importQuery.safeParse(req.query)
    if (!query.success) return send(res, invalidInput(query.error))
    if (typeof req.body !== 'string') return send(res, { status: 415, code: 'unsupported_media_type', field: 'Content-Type', message: 'Content-Type: send the CSV file as text/csv' })
    const table = parseCsvTable(req.body, 50_000)
    if (!table.ok) return send(res, { status: 400, code: 'invalid_csv', field: 'body', message: table.message })
    const column = (name: string) => table.header.findIndex((h) => h.toLowerCase() === name)
    const missing = ['campaign', 'category', 'amount', 'date', 'subsidiary'].filter((name) => column(name) < 0)
    if (missing.length) return send(res, { status: 400, code: 'invalid_csv', field: 'body', message: `line 1: the header lacks ${missing.map((m) => `"${m}"`).join(', ')}` })
    const scope = await subsidiaryScope(sql, who)
    const campaigns = await campaignIdsByName(sql, who.acc)
    const problems: RowProblem[] = []
    const items: CostItemInput[] = []
    for (const row of table.rows) {
      const cell = (name: string) => (row.fields[column(name)] ?? '').trim()
      const problem = (field: string, message: string) => problems.push({ line: row.line, field, message: `line ${row.line}, ${field}: ${message}` })
      const before = problems.length
      const campaignId = campaigns.get(cell('campaign').toLowerCase())
      if (!campaignId) problem('campaign', `no campaign "${cell('campaign')}"`)
      const cat = category(cell('category'))
      if (!cat) problem('category', `"${cell('category')}" is not one of ${COST_CATEGORIES.join(', ')}`)
      const amount = parseAmount(cell('amount'))
      if (amount === null || amount < 0) problem('amount', `"${cell('amount')}" is not an amount in EUR`)
      const day = parseDay(cell('date'))
      if (!day) problem('date', `"${cell('date')}" is not a date (2026-03-31 or 31.03.2026)`)
      const subsidiaryId = scope.byCode.get(cell('subsidiary').toUpperCase())
      if (!subsidiaryId) problem('subsidiary', `no subsidiary "${cell('subsidiary')}"`)
      else if (!seesSubsidiaryId(scope, subsidiaryId)) problem('subsidiary', `you do not enter costs for ${cell('subsidiary')}`)
      if (problems.length === before) {
        items.push({ campaignId: campaignId!, subsidiaryId: subsidiaryId!, category: cat!, amount: amount!, incurredOn: day!, note: column('note') >= 0 ? cell('note') || null : null })
      }
    }
    const dryRun = query.data.dryRun === 'true'
    const total = Math.round(items.reduce((sum, item) => sum + item.amount * 100, 0)) / 100
    if (problems.length) {
      return void res.status(422).json({ error: { code: 'invalid_rows', field: 'body', message: `${problems.length} row(s) cannot be imported; nothing was imported`, rows: problems }, dryRun })
    }
    if (dryRun) return void res.json({ dryRun: true, rows: items.length, total, imported: 0 })
    const ids = await sql.begin((sql) => insertCostItems(sql, who.acc, items, 'csv', who.sub))
    res.status(201).json({ dryRun: false, rows: items.length, total, imported: ids.length })
  }), { use: [text({ type: ['text/csv', 'text/plain'], limit: '10mb' })] })

  return router
}

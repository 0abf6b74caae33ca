import { z } from 'zod'
import { COST_CATEGORIES } from '../../db/costs'
import { reportDay } from './reports'
import { defineRoute, idParams, timestamp, uuid } from './route'

// What campaigns cost and what deals bring in (api/costs.ts, api/opportunities.ts): cost items and budgets,
// deals and production costs, by API and CSV import (every row checked first: one bad row imports nothing).

const subsidiaryCode = z.string().regex(/^[A-Z]{2}$/, 'a subsidiary code such as DE or FR')
/** A moment with offset, within the years Postgres and people agree on. */
const moment = z.iso.datetime({ offset: true }).refine((at) => { const t = Date.parse(at); return t >= Date.UTC(1900, 0, 1) && t < Date.UTC(3000, 0, 1) }, 'a time between 1900 and 2999')

export const costItemBody = z.strictObject({
  category: z.enum(COST_CATEGORIES),
  amount: z.number().nonnegative('must not be negative').max(1e11),
  date: reportDay('a date such as 2026-03-31'),
  subsidiary: subsidiaryCode,
  note: z.string().trim().max(2000).optional(),
})
export const costItemsBody = z.union([costItemBody, z.strictObject({ items: z.array(costItemBody).min(1).max(1000) })])
/** One item or a list, chosen by shape: a union that fits neither would answer "body: invalid input" instead of naming the field. */
export const costItemsOf = (body: unknown) => (body && typeof body === 'object' && 'items' in body ? costItemsBody.options[1] : costItemsBody.options[0])
export const budgetBody = z.strictObject({ amount: z.number().nonnegative('must not be negative').max(1e11) })
export const importQuery = z.object({ dryRun: z.enum(['true', 'false']).optional() })

export const opportunityBody = z.strictObject({
  contactEmail: z.email('must be an e-mail address').optional(),
  company: z.string().trim().max(200).optional(),
  name: z.string().trim().min(1).max(300),
  amountNet: z.number().nonnegative('must not be negative').max(1e11),
  productionCost: z.number().nonnegative('must not be negative').max(1e11).nullable().optional(),
  products: z.array(z.string().trim().min(1).max(200)).max(100).optional(),
  stage: z.enum(['open', 'won', 'lost']),
  crmStage: z.string().trim().max(200).optional(),
  createdOn: moment.optional(),
  closedOn: moment.optional(),
  subsidiary: subsidiaryCode.optional(),
  sourceId: z.string().trim().min(1).max(200).optional(),
})
export const opportunitiesBody = z.union([opportunityBody, z.strictObject({ opportunities: z.array(opportunityBody).min(1).max(1000) })])
export const productCostBody = z.strictObject({ costRatio: z.number().min(0).max(1) })

const csvUpload = { 'text/csv': z.string(), 'text/plain': z.string() }
const rowProblems = z.object({
  error: z.looseObject({ code: z.literal('invalid_rows'), message: z.string(), rows: z.array(z.object({ line: z.number().int(), field: z.string(), message: z.string() })) }),
  dryRun: z.boolean(),
})
const csvErrors = { 400: ['invalid_csv'], 403: ['forbidden'], 415: ['unsupported_media_type'], 422: ['invalid_rows'] } as const
const job = z.object({ id: uuid, total: z.number().int(), done: z.number().int(), status: z.enum(['running', 'done']) })

export const costs = {
  list: defineRoute({
    method: 'get', path: '/campaigns/:id/costs', permission: 'reports.read', params: idParams, notFound: 'campaign',
    summary: "A campaign's cost items (your subsidiaries'), its budget and actual costs",
    responses: {
      200: z.object({
        campaignId: uuid, budget: z.number().nullable(), actual: z.number(),
        items: z.array(z.looseObject({ id: uuid, subsidiary_code: z.string(), category: z.enum(COST_CATEGORIES), amount: z.number(), incurred_on: z.string(), note: z.string().nullable(), created_at: timestamp })),
      }),
    },
  }),
  add: defineRoute({
    method: 'post', path: '/campaigns/:id/costs', permission: 'costs.write', params: idParams, notFound: 'campaign', body: costItemsBody, bodyCheckedBy: 'handler',
    summary: 'Enter one cost item, or several ({"items": [...]}, all or none)',
    responses: { 201: z.object({ ids: z.array(uuid) }) },
    errors: { 403: ['forbidden'] },
  }),
  remove: defineRoute({
    method: 'delete', path: '/costs/:id', permission: 'costs.write', params: idParams, notFound: 'cost item',
    summary: 'Delete a cost item (of your subsidiaries)',
    responses: { 204: null },
  }),
  budget: defineRoute({
    method: 'put', path: '/campaigns/:id/budget', permission: 'budgets.write', params: idParams, notFound: 'campaign', body: budgetBody,
    summary: "Set a campaign's planned budget (HQ)",
    responses: { 200: z.object({ campaignId: uuid, budget: z.number() }) },
  }),
  import: defineRoute({
    method: 'post', path: '/costs/import', permission: 'costs.write', query: importQuery, otherBodies: csvUpload,
    summary: 'Import cost items from CSV (campaign;category;amount;date;subsidiary;note); ?dryRun=true checks and totals without importing',
    responses: { 200: z.object({ dryRun: z.literal(true), rows: z.number().int(), total: z.number(), imported: z.literal(0) }), 201: z.object({ dryRun: z.literal(false), rows: z.number().int(), total: z.number(), imported: z.number().int() }), 422: rowProblems },
    errors: csvErrors,
  }),
}

export const opportunities = {
  add: defineRoute({
    method: 'post', path: '/opportunities', permission: 'opportunities.write', body: opportunitiesBody,
    summary: 'Record one deal, or several ({"opportunities": [...]}, all or none); a sourceId updates the deal it names',
    responses: { 201: z.object({ opportunities: z.array(z.object({ id: uuid, created: z.boolean(), stage: z.enum(['open', 'won', 'lost']) })) }) },
    errors: { 403: ['forbidden'] },
  }),
  import: defineRoute({
    method: 'post', path: '/opportunities/import', permission: 'opportunities.write', query: importQuery, otherBodies: csvUpload,
    summary: 'Import deals from CSV (contact_email,company,name,amount,production_cost,products,stage,created,closed,subsidiary,source_id)',
    responses: {
      200: z.object({ dryRun: z.literal(true), rows: z.number().int(), imported: z.literal(0) }),
      201: z.object({ dryRun: z.literal(false), rows: z.number().int(), imported: z.number().int(), created: z.number().int(), updated: z.number().int() }),
      422: rowProblems,
    },
    errors: csvErrors,
  }),
  productCosts: defineRoute({
    method: 'get', path: '/product-costs', permission: 'reports.read',
    summary: 'Production cost ratio per product (used for deals without their own production cost)',
    responses: { 200: z.object({ productCosts: z.array(z.object({ product: z.string(), costRatio: z.number() })) }) },
  }),
  setProductCost: defineRoute({
    method: 'put', path: '/product-costs/:product', permission: 'attribution.configure', params: z.strictObject({ product: z.string().min(1).max(200) }), body: productCostBody,
    summary: "Set a product's production cost ratio; every won deal's margin and attribution is recomputed, as a job",
    responses: { 200: z.object({ product: z.string(), costRatio: z.number(), recompute: job }) },
  }),
}

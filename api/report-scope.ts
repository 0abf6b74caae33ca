import type { Request, Response } from 'express'
import type { Sql } from 'postgres'
import { z } from 'zod'
import type { Caller } from './auth'

/** A calendar day Postgres and people agree on (zod's ISO date alone lets year 0000 through). */
export const dayInput = (message: string) => z.iso.date(message).refine((day) => day >= '1900-01-01' && day <= '2999-12-31', 'a date between 1900 and 2999')
/** A moment with offset, within the same years. */
export const momentInput = () => z.iso.datetime({ offset: true }).refine((at) => { const t = Date.parse(at); return t >= Date.UTC(1900, 0, 1) && t < Date.UTC(3000, 0, 1) }, 'a time between 1900 and 2999')

// Who sees which figures: the permissions are rows of api/permissions.ts (reports.read, reports.pipeline,
// costs.write, budgets.write, opportunities.write, attribution.configure); here the subsidiary scope:
// managers and HQ marketers (subsidiaries "*") everything, a subsidiary's people only their subsidiaries'
// rows; sales reps only their own pipeline (GET /api/reports/pipeline).

export { may } from './permissions'

export interface SubsidiaryScope {
  /** Subsidiary ids the caller sees, or '*' for all. */
  ids: string[] | '*'
  /** The account's subsidiaries by code (all of them: to tell "unknown" from "not yours"). */
  byCode: Map<string, string>
  codeById: Map<string, string>
}

export async function subsidiaryScope(sql: Sql, who: Caller): Promise<SubsidiaryScope> {
  const rows = await sql<{ id: string; code: string }[]>`select id, code from subsidiaries where account_id = ${who.acc} order by code`
  const byCode = new Map(rows.map((row) => [row.code, row.id]))
  const codeById = new Map(rows.map((row) => [row.id, row.code]))
  const ids = who.subs === '*' ? '*' : rows.filter((row) => (who.subs as string[]).includes(row.code)).map((row) => row.id)
  return { ids, byCode, codeById }
}

export const seesSubsidiaryId = (scope: SubsidiaryScope, id: string) => scope.ids === '*' || scope.ids.includes(id)

/** A campaign of the account named by its id or (case-insensitively) its name. */
export async function campaignIdsByName(sql: Sql, accountId: string): Promise<Map<string, string>> {
  const rows = await sql<{ id: string; name: string }[]>`select id, name from campaigns where account_id = ${accountId}`
  const map = new Map<string, string>()
  for (const row of rows) {
    map.set(row.id, row.id)
    map.set(row.name.trim().toLowerCase(), row.id)
  }
  return map
}

/**
 * A reporting handler that answers through `res` itself (JSON, or CSV with ?format=csv), mounted on its
 * contract (api/contract/reports.ts, costs.ts): the mount asks the permission and checks the input first.
 */
export const answered = (handler: (req: Request, res: Response) => Promise<unknown>) => async ({ req, res }: { req: Request; res: Response }): Promise<undefined> => {
  await handler(req, res)
  return undefined
}

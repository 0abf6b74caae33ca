import type { ISql } from 'postgres'
import { personaInputSchema, type Persona } from '../personas'
import { DEFAULT_SCORING_MODEL, scoringModelSchema, type ScoringModel } from './model'

/** The account's scoring model in force: the newest version, or the default (version 0) when none was saved. */
export async function currentScoringModel(sql: ISql, accountId: string): Promise<{ version: number; model: ScoringModel }> {
  const [row] = await sql<{ version: number; model: unknown }[]>`
    select version, model from scoring_models where account_id = ${accountId} order by version desc limit 1`
  if (!row) return { version: 0, model: DEFAULT_SCORING_MODEL }
  // Stored models were validated on save; parsing again fills defaults added since.
  return { version: row.version, model: scoringModelSchema.parse(row.model) }
}

export async function accountPersonas(sql: ISql, accountId: string): Promise<Persona[]> {
  const rows = await sql<{ id: string; slug: string; name: string; criteria: unknown; threshold: number }[]>`
    select id, slug, name, criteria, threshold from personas where account_id = ${accountId} order by slug`
  return rows.map((row) => ({ id: row.id, ...personaInputSchema.parse({ slug: row.slug, name: row.name, criteria: row.criteria, threshold: row.threshold }) }))
}

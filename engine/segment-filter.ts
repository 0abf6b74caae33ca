import { z } from 'zod'
import { ruleSetIssues, ruleSetShape, type RuleIssue, type RuleSet } from './nodes/contact-rules'

// A saved segment's filter is the rule language of the condition step (engine/nodes/contact-rules.ts):
// attribute, tag, consent and subsidiary rules, all or any of which must hold. Marketers learn one way
// of saying "FR contacts with a HydroStat 2000"; db/segments.ts turns it into SQL with the same meaning.

export const segmentFilterSchema = z.strictObject(ruleSetShape)
export type SegmentFilter = RuleSet

/** A workspace's pool alias: the contact belongs when any of its rule sets holds (db/workspaces.ts). */
export const poolAliasSchema = z.strictObject({ anyOf: z.array(segmentFilterSchema).min(1, 'give at least one rule set').max(20) })

export const segmentNameSchema = z.string().trim().min(1).max(200)

/** What keeps a filter from being saved beyond its shape (rule kinds not available yet, missing values). */
export function segmentFilterIssues(filter: SegmentFilter): RuleIssue[] {
  return ruleSetIssues(filter, 'filter')
}

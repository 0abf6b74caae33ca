import type { z } from 'zod'
import type { campaignCountsSchema, stepCountsSchema } from '../../api/contract/enrolments'
import type { CampaignFlowEdge } from './graph-mapping'

// The live view's numbers, from GET /api/campaigns/:id/steps: per step how many wait there now and how
// many passed through; per branch the share of contacts that took it.

export type StepCounts = z.infer<typeof stepCountsSchema>
export type CampaignCounts = z.infer<typeof campaignCountsSchema>

export function passedThrough(counts: StepCounts | undefined): number {
  return counts ? Math.max(0, counts.entered - counts.waiting) : 0
}

/** "34 % clicked" for an edge leaving a step with several outputs; null when there is nothing to split. */
export function branchShare(edge: Pick<CampaignFlowEdge, 'sourceHandle' | 'label'>, counts: StepCounts | undefined, outputsOfSource: number): string | null {
  if (!counts || outputsOfSource < 2) return null
  const total = Object.values(counts.outputs).reduce((sum, n) => sum + n, 0)
  if (total === 0) return null
  const taken = counts.outputs[edge.sourceHandle ?? 'next'] ?? 0
  const percent = Math.round((taken / total) * 100)
  const label = typeof edge.label === 'string' && edge.label ? ` ${edge.label}` : ''
  return `${percent} %${label}`
}

import type { GraphIssue } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { fromFlow, type CampaignFlowEdge, type CampaignFlowNode } from './graph-mapping'

// The markers on the canvas come from the very function publishing runs on the server
// (engine/campaign/validate.ts), so what the canvas flags is what the Publish button will refuse.

export interface DraftCheck {
  issues: GraphIssue[]
  /** One line per issue for each step it names, for the marker on that step. */
  byNode: Record<string, string[]>
}

export function checkDraft(nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[], templateIds: readonly string[] | null): DraftCheck {
  // Until the template list has arrived, send steps are not judged by their template.
  const known = templateIds ?? nodes.flatMap((node) => (typeof node.data.config.template === 'string' ? [node.data.config.template] : []))
  const result = validateForPublish(fromFlow(nodes, edges), { templateIds: new Set(known) })
  if (result.ok) return { issues: [], byNode: {} }
  const byNode: Record<string, string[]> = {}
  for (const issue of result.issues) {
    if (issue.nodeId) (byNode[issue.nodeId] ??= []).push(issue.message.replace(/^node [^:]+: (config\.[^:]+: )?/, ''))
  }
  return { issues: result.issues, byNode }
}

import type { CampaignGraph } from '../../engine/campaign/graph'

/** A campaign that runs its steps one after the other: trigger → steps → end. Ids are the steps' ids. */
export function linearCampaign(triggerConfig: Record<string, unknown>, steps: { id: string; type: string; config: Record<string, unknown> }[]): CampaignGraph {
  const nodes = [{ id: 'trigger', type: 'trigger', config: triggerConfig }, ...steps, { id: 'end', type: 'end', config: {} }].map((node, i) => ({
    ...node,
    position: { x: 0, y: i * 120 },
  }))
  const edges = nodes.slice(1).map((node, i) => ({ id: `e${i}`, source: nodes[i]!.id, sourceHandle: 'next', target: node.id }))
  return { nodes, edges }
}

import type { CampaignGraph } from './campaign/graph'
import { eventStartsCampaign, trigger, type TriggerConfig } from './nodes/trigger'

/** The trigger of a published graph (publish guarantees exactly one, with a valid config). */
export function campaignTrigger(graph: CampaignGraph): TriggerConfig | undefined {
  const node = graph.nodes.find((candidate) => candidate.type === trigger.type)
  const parsed = node && trigger.configSchema.safeParse(node.config)
  return parsed?.success ? parsed.data : undefined
}

export function eventEntersCampaign(graph: CampaignGraph, event: { type: string; properties: Record<string, unknown> }): boolean {
  const config = campaignTrigger(graph)
  return config !== undefined && eventStartsCampaign(config, event)
}

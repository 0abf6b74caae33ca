import { z } from 'zod'

// The campaign graph is the one shape shared by the API (drafts, publish), the engine (the workflow
// interprets it) and the designer (React Flow nodes/edges map onto it 1:1). Node configs are validated
// by each node type's own schema (engine/nodes), so this file only knows the frame.

export const NODE_ID = /^[A-Za-z0-9_-]{1,64}$/

export const campaignNodeSchema = z.strictObject({
  id: z.string().regex(NODE_ID, 'node id may use letters, digits, "-" and "_" (1-64 characters)'),
  type: z.string().min(1),
  position: z.strictObject({ x: z.number(), y: z.number() }).default({ x: 0, y: 0 }),
  config: z.record(z.string(), z.unknown()).default({}),
})

export const campaignEdgeSchema = z.strictObject({
  id: z.string().min(1).max(200),
  source: z.string().min(1),
  // The output of the source node this edge leaves from ("next", "event", "timeout", ...).
  sourceHandle: z.string().min(1).default('next'),
  target: z.string().min(1),
})

export const campaignGraphSchema = z.strictObject({
  nodes: z.array(campaignNodeSchema).max(2000),
  edges: z.array(campaignEdgeSchema).max(4000),
})

export type CampaignNode = z.infer<typeof campaignNodeSchema>
export type CampaignEdge = z.infer<typeof campaignEdgeSchema>
export type CampaignGraph = z.infer<typeof campaignGraphSchema>

/** One problem that keeps a graph from being published, tied to the node (or edge) it concerns. */
export interface GraphIssue {
  nodeId?: string
  edgeId?: string
  field?: string
  message: string
}

import type { Edge, Node } from '@xyflow/react'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { describeStep, outputLabel, type StepView } from './steps'

// Canvas state ⇄ campaign definition. React Flow nodes and edges map 1:1 onto the campaign graph: the
// flow node's `type` is the step's category (which picks the component), `data` carries the step type
// and its config untouched, and an edge's sourceHandle is the output it leaves from.

export type StepData = {
  stepType: string
  config: Record<string, unknown>
}

export type EntryStepNode = Node<StepData, 'entry'>
export type MessageStepNode = Node<StepData, 'message'>
export type TimingStepNode = Node<StepData, 'timing'>
export type FlowStepNode = Node<StepData, 'flow'>
export type GoalStepNode = Node<StepData, 'goal'>
export type UnknownStepNode = Node<StepData, 'unknown'>
export type CampaignFlowNode = EntryStepNode | MessageStepNode | TimingStepNode | FlowStepNode | GoalStepNode | UnknownStepNode

export type CampaignFlowEdge = Edge<Record<string, never>, 'smoothstep'>

/** Edges leave from a named output; an edge without a handle leaves from the plain "next" output. */
export const DEFAULT_OUTPUT = 'next'

export function toFlowNode(node: CampaignGraph['nodes'][number], view: StepView = describeStep(node.type, node.config)): CampaignFlowNode {
  return {
    id: node.id,
    type: view.category,
    position: { x: node.position.x, y: node.position.y },
    data: { stepType: node.type, config: node.config },
  }
}

export function toFlowEdge(edge: CampaignGraph['edges'][number], sourceView: StepView | undefined): CampaignFlowEdge {
  const label = sourceView ? outputLabel(sourceView, edge.sourceHandle) : ''
  return {
    id: edge.id,
    type: 'smoothstep',
    source: edge.source,
    sourceHandle: edge.sourceHandle,
    target: edge.target,
    ...(label ? { label } : {}),
  }
}

export function toFlow(graph: CampaignGraph): { nodes: CampaignFlowNode[]; edges: CampaignFlowEdge[] } {
  const views = new Map(graph.nodes.map((node) => [node.id, describeStep(node.type, node.config)]))
  return {
    nodes: graph.nodes.map((node) => toFlowNode(node, views.get(node.id))),
    edges: graph.edges.map((edge) => toFlowEdge(edge, views.get(edge.source))),
  }
}

export function fromFlow(nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[]): CampaignGraph {
  return {
    nodes: nodes.map((node) => ({
      id: node.id,
      type: node.data.stepType,
      position: { x: node.position.x, y: node.position.y },
      config: node.data.config,
    })),
    edges: edges.map((edge) => ({
      id: edge.id,
      source: edge.source,
      sourceHandle: edge.sourceHandle ?? DEFAULT_OUTPUT,
      target: edge.target,
    })),
  }
}

/** What React Flow hands over while the user drags a new connection. */
export interface ConnectionAttempt {
  source: string
  target: string
  sourceHandle?: string | null
}

/** Why a connection is refused, in the marketer's words; null when it is allowed. */
export function connectionProblem(
  connection: ConnectionAttempt,
  nodes: readonly CampaignFlowNode[],
  edges: readonly CampaignFlowEdge[],
): string | null {
  const { source, target } = connection
  const output = connection.sourceHandle ?? DEFAULT_OUTPUT
  if (source === target) return 'A step cannot lead to itself.'
  const sourceNode = nodes.find((node) => node.id === source)
  const targetNode = nodes.find((node) => node.id === target)
  if (!sourceNode || !targetNode) return 'Both ends of a connection must be steps on the canvas.'
  const targetView = describeStep(targetNode.data.stepType, targetNode.data.config)
  if (!targetView.hasInput) return `${targetView.label} is where contacts enter; nothing can lead into it.`
  const sourceView = describeStep(sourceNode.data.stepType, sourceNode.data.config)
  if (sourceView.known && !sourceView.outputs.some((candidate) => candidate.id === output)) {
    return `${sourceView.label} has no output “${output}”.`
  }
  if (edges.some((edge) => edge.source === source && (edge.sourceHandle ?? DEFAULT_OUTPUT) === output)) {
    return 'This output is already connected; remove its connection first.'
  }
  return null
}

export function isValidConnection(
  connection: ConnectionAttempt,
  nodes: readonly CampaignFlowNode[],
  edges: readonly CampaignFlowEdge[],
): boolean {
  return connectionProblem(connection, nodes, edges) === null
}

/** The edge a valid connection becomes: labelled with its output, id unique among the edges. */
export function edgeForConnection(
  connection: ConnectionAttempt,
  nodes: readonly CampaignFlowNode[],
  edges: readonly CampaignFlowEdge[],
): CampaignFlowEdge {
  const sourceHandle = connection.sourceHandle ?? DEFAULT_OUTPUT
  const base = `${connection.source}-${sourceHandle}-${connection.target}`
  const taken = new Set(edges.map((edge) => edge.id))
  let id = base
  for (let n = 2; taken.has(id); n++) id = `${base}-${n}`
  const sourceNode = nodes.find((node) => node.id === connection.source)
  const view = sourceNode ? describeStep(sourceNode.data.stepType, sourceNode.data.config) : undefined
  return toFlowEdge({ id, source: connection.source, sourceHandle, target: connection.target }, view)
}

/** A readable id for a new step ("send-email-3") that no step on the canvas uses yet. */
export function newStepId(stepType: string, nodes: readonly CampaignFlowNode[]): string {
  const prefix = stepType.replace(/[^A-Za-z0-9-]+/g, '-').slice(0, 50) || 'step'
  const taken = new Set(nodes.map((node) => node.id))
  let n = 1
  while (taken.has(`${prefix}-${n}`)) n++
  return `${prefix}-${n}`
}

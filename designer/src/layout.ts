import dagre from '@dagrejs/dagre'
import type { CampaignFlowEdge, CampaignFlowNode } from './graph-mapping'
import { describeStep } from './steps'

// "Tidy up": the flow top to bottom with dagre, branches side by side. Goals stand apart from the flow
// (nothing leads into them), so dagre puts them in the top row beside the trigger, which is where the
// example campaigns keep them too.
//
// dagre orders each row to minimise crossings, and among equally good orders it may pick any. Two things
// keep a branching step's outputs in the node type's order (clicked before not clicked, A before B)
// whatever order they were drawn in: the steps are added depth-first along the outputs in that order
// (dagre's starting order), and each pair of neighbouring branch targets is a left/right constraint.

const WIDTH = 260
const HEIGHT = 90

/** The edges sorted by source, then by the position of their output among the source's outputs. */
function edgesInOutputOrder(nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[]): Map<string, CampaignFlowEdge[]> {
  const outputIndex = new Map(
    nodes.map((node) => [node.id, new Map(describeStep(node.data.stepType, node.data.config).outputs.map((output, index) => [output.id, index]))]),
  )
  const bySource = new Map<string, CampaignFlowEdge[]>()
  for (const edge of edges) bySource.set(edge.source, [...(bySource.get(edge.source) ?? []), edge])
  const rank = (edge: CampaignFlowEdge) => outputIndex.get(edge.source)?.get(edge.sourceHandle ?? 'next') ?? Number.MAX_SAFE_INTEGER
  for (const list of bySource.values()) list.sort((a, b) => rank(a) - rank(b))
  return bySource
}

/** Node ids depth-first from the steps nothing leads into, each step's outputs in order. */
function depthFirst(nodes: readonly CampaignFlowNode[], bySource: Map<string, CampaignFlowEdge[]>, edges: readonly CampaignFlowEdge[]): string[] {
  const hasInput = new Set(edges.map((edge) => edge.target))
  const seen = new Set<string>()
  const order: string[] = []
  const visit = (id: string) => {
    if (seen.has(id)) return
    seen.add(id)
    order.push(id)
    for (const edge of bySource.get(id) ?? []) visit(edge.target)
  }
  for (const node of nodes) if (!hasInput.has(node.id)) visit(node.id)
  // Steps only reachable through a loop.
  for (const node of nodes) visit(node.id)
  return order
}

export function autoLayout(nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[]): CampaignFlowNode[] {
  const byId = new Map(nodes.map((node) => [node.id, node]))
  const bySource = edgesInOutputOrder(nodes, edges)
  const graph = new dagre.graphlib.Graph()
  graph.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 70, marginx: 0, marginy: 0 })
  graph.setDefaultEdgeLabel(() => ({}))
  const order = depthFirst(nodes, bySource, edges)
  for (const id of order) {
    const node = byId.get(id)!
    graph.setNode(id, { width: node.measured?.width ?? WIDTH, height: node.measured?.height ?? HEIGHT })
  }
  for (const id of order) for (const edge of bySource.get(id) ?? []) if (graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target)
  // Neighbouring outputs' targets, left before right (dagre applies this among steps of the same row).
  const constraints = [...bySource.values()].flatMap((list) => list.slice(1).map((edge, i) => ({ left: list[i]!.target, right: edge.target })))
  dagre.layout(graph, { constraints: constraints.filter((pair) => pair.left !== pair.right && graph.hasNode(pair.left) && graph.hasNode(pair.right)) })
  return nodes.map((node) => {
    const placed = graph.node(node.id)
    const width = node.measured?.width ?? WIDTH
    const height = node.measured?.height ?? HEIGHT
    // dagre gives centres; React Flow positions are top-left corners, on the 10 px grid.
    const position = { x: Math.round((placed.x - width / 2) / 10) * 10, y: Math.round((placed.y - height / 2) / 10) * 10 }
    return position.x === node.position.x && position.y === node.position.y ? node : { ...node, position }
  })
}

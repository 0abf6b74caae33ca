import dagre from '@dagrejs/dagre'
import type { CampaignFlowEdge, CampaignFlowNode } from './graph-mapping'

// "Tidy up": the flow top to bottom with dagre, branches side by side. Goals stand apart from the flow
// (nothing leads into them), so dagre puts them in the top row beside the trigger, which is where the
// example campaigns keep them too.

const WIDTH = 260
const HEIGHT = 90

export function autoLayout(nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[]): CampaignFlowNode[] {
  const graph = new dagre.graphlib.Graph()
  graph.setGraph({ rankdir: 'TB', nodesep: 50, ranksep: 70, marginx: 0, marginy: 0 })
  graph.setDefaultEdgeLabel(() => ({}))
  for (const node of nodes) graph.setNode(node.id, { width: node.measured?.width ?? WIDTH, height: node.measured?.height ?? HEIGHT })
  for (const edge of edges) if (graph.hasNode(edge.source) && graph.hasNode(edge.target)) graph.setEdge(edge.source, edge.target)
  dagre.layout(graph)
  return nodes.map((node) => {
    const placed = graph.node(node.id)
    const width = node.measured?.width ?? WIDTH
    const height = node.measured?.height ?? HEIGHT
    // dagre gives centres; React Flow positions are top-left corners, on the 10 px grid.
    const position = { x: Math.round((placed.x - width / 2) / 10) * 10, y: Math.round((placed.y - height / 2) / 10) * 10 }
    return position.x === node.position.x && position.y === node.position.y ? node : { ...node, position }
  })
}

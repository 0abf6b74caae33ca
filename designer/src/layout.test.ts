import { describe, expect, it } from 'vitest'
import { crossSellGraph } from '../../engine/examples/cross-sell'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { toFlow } from './graph-mapping'
import { autoLayout } from './layout'
import { describeStep } from './steps'

// Tidy-up must keep each branching step's outputs in their order from left to right (clicked before
// not clicked, A before B), whatever order the steps and edges were drawn in, so branch edges never cross.

/** Every branching step whose targets share a row: are they left to right in output order? */
function branchOrderProblems(graph: CampaignGraph): string[] {
  const flow = toFlow(graph)
  const placed = new Map(autoLayout(flow.nodes, flow.edges).map((node) => [node.id, node.position]))
  const problems: string[] = []
  for (const node of graph.nodes) {
    const outputs = describeStep(node.type, node.config).outputs.map((output) => output.id)
    const targets = outputs.flatMap((output) => graph.edges.filter((edge) => edge.source === node.id && edge.sourceHandle === output).map((edge) => edge.target))
    for (let i = 1; i < targets.length; i++) {
      const [left, right] = [placed.get(targets[i - 1]!)!, placed.get(targets[i]!)!]
      if (left.x >= right.x) problems.push(`${node.id}: ${targets[i - 1]} (x ${left.x}) is not left of ${targets[i]} (x ${right.x})`)
    }
  }
  return problems
}

const reversed = (graph: CampaignGraph): CampaignGraph => ({ nodes: [...graph.nodes].reverse(), edges: [...graph.edges].reverse() })

describe('tidy-up keeps branches in order', () => {
  it('lays the cross-sell campaign out with every branch left to right in output order', () => {
    expect(branchOrderProblems(crossSellGraph())).toEqual([])
  })

  it('keeps that order when the steps and connections were drawn in reverse', () => {
    expect(branchOrderProblems(reversed(crossSellGraph()))).toEqual([])
  })

  it('orders an A/B split and a wait for a click drawn timeout-first', () => {
    const graph: CampaignGraph = {
      nodes: [
        { id: 'start', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'purchase', filter: {} } },
        { id: 'split', type: 'ab_split', position: { x: 0, y: 0 }, config: { arms: [{ weight: 50 }, { weight: 50 }] } },
        { id: 'b-wait', type: 'wait_for_event', position: { x: 0, y: 0 }, config: { eventType: 'click', filter: {}, timeout: '1d' } },
        { id: 'a-end', type: 'end', position: { x: 0, y: 0 }, config: {} },
        { id: 'z-clicked', type: 'end', position: { x: 0, y: 0 }, config: {} },
        { id: 'a-timeout', type: 'end', position: { x: 0, y: 0 }, config: {} },
      ],
      edges: [
        { id: 'e1', source: 'start', sourceHandle: 'next', target: 'split' },
        { id: 'e3', source: 'split', sourceHandle: 'b', target: 'b-wait' },
        { id: 'e2', source: 'split', sourceHandle: 'a', target: 'a-end' },
        { id: 'e5', source: 'b-wait', sourceHandle: 'timeout', target: 'a-timeout' },
        { id: 'e4', source: 'b-wait', sourceHandle: 'event', target: 'z-clicked' },
      ],
    }
    expect(branchOrderProblems(graph)).toEqual([])
    expect(branchOrderProblems(reversed(graph))).toEqual([])
  })
  it('still lays out branches whose orders contradict each other', () => {
    const wait = (id: string) => ({ id, type: 'wait_for_event', position: { x: 0, y: 0 }, config: { eventType: 'click', filter: {}, timeout: '1d' } })
    const end = (id: string) => ({ id, type: 'end', position: { x: 0, y: 0 }, config: {} })
    const graph: CampaignGraph = {
      nodes: [{ id: 'start', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'purchase', filter: {} } }, { id: 'split', type: 'ab_split', position: { x: 0, y: 0 }, config: { arms: [{ weight: 50 }, { weight: 50 }] } }, wait('w1'), wait('w2'), end('p'), end('q')],
      edges: [
        { id: 'e0', source: 'start', sourceHandle: 'next', target: 'split' },
        { id: 'e1', source: 'split', sourceHandle: 'a', target: 'w1' },
        { id: 'e2', source: 'split', sourceHandle: 'b', target: 'w2' },
        { id: 'e3', source: 'w1', sourceHandle: 'event', target: 'p' },
        { id: 'e4', source: 'w1', sourceHandle: 'timeout', target: 'q' },
        { id: 'e5', source: 'w2', sourceHandle: 'event', target: 'q' },
        { id: 'e6', source: 'w2', sourceHandle: 'timeout', target: 'p' },
      ],
    }
    const flow = toFlow(graph)
    const placed = autoLayout(flow.nodes, flow.edges)
    expect(new Set(placed.map((node) => `${node.position.x},${node.position.y}`)).size).toBe(6)
  })
})

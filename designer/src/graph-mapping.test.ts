import { describe, expect, it } from 'vitest'
import { campaignGraphSchema, type CampaignGraph } from '../../engine/campaign/graph'
import {
  connectionProblem,
  edgeForConnection,
  fromFlow,
  isValidConnection,
  newStepId,
  toFlow,
} from './graph-mapping'

// The onboarding flow as the demo seeds it: trigger → mail → wait for a click → two branches.
const onboarding: CampaignGraph = {
  nodes: [
    { id: 'trigger', type: 'trigger', position: { x: 0, y: 0 }, config: { eventType: 'purchase', filter: { product: 'HydroStat 2000' } } },
    { id: 'welcome', type: 'send_email', position: { x: 0, y: 140 }, config: { template: 'onboarding-welcome' } },
    { id: 'wait-click', type: 'wait_for_event', position: { x: 0, y: 280 }, config: { eventType: 'click', filter: {}, timeout: '3d', anyCampaign: false } },
    { id: 'care-tips', type: 'send_email', position: { x: -180, y: 440 }, config: { template: 'onboarding-care-tips' } },
    { id: 'reminder', type: 'send_email', position: { x: 180.5, y: 440.25 }, config: { template: 'onboarding-reminder' } },
    { id: 'end-a', type: 'end', position: { x: -180, y: 580 }, config: {} },
    { id: 'end-b', type: 'end', position: { x: 180, y: 580 }, config: {} },
  ],
  edges: [
    { id: 'e1', source: 'trigger', sourceHandle: 'next', target: 'welcome' },
    { id: 'e2', source: 'welcome', sourceHandle: 'next', target: 'wait-click' },
    { id: 'e3', source: 'wait-click', sourceHandle: 'event', target: 'care-tips' },
    { id: 'e4', source: 'wait-click', sourceHandle: 'timeout', target: 'reminder' },
    { id: 'e5', source: 'care-tips', sourceHandle: 'next', target: 'end-a' },
    { id: 'e6', source: 'reminder', sourceHandle: 'next', target: 'end-b' },
  ],
}

describe('toFlow / fromFlow', () => {
  it('round-trips ids, types, positions, configs and handles', () => {
    const { nodes, edges } = toFlow(onboarding)
    const back = fromFlow(nodes, edges)
    expect(back).toEqual(onboarding)
    expect(campaignGraphSchema.parse(back)).toEqual(onboarding)
  })

  it('picks the node component from the registry category', () => {
    const { nodes } = toFlow(onboarding)
    expect(Object.fromEntries(nodes.map((node) => [node.id, node.type]))).toEqual({
      trigger: 'entry',
      welcome: 'message',
      'wait-click': 'timing',
      'care-tips': 'message',
      reminder: 'message',
      'end-a': 'flow',
      'end-b': 'flow',
    })
  })

  it('labels branch edges with the output labels of the source node type', () => {
    const { edges } = toFlow(onboarding)
    const labels = Object.fromEntries(edges.map((edge) => [edge.id, edge.label]))
    expect(labels.e3).toBe('clicked')
    expect(labels.e4).toBe('not clicked within 3 days')
    expect(labels.e1).toBeUndefined() // plain "next" outputs carry no label
  })

  it('keeps steps of unknown types and configs that do not parse, unchanged', () => {
    const odd: CampaignGraph = {
      nodes: [
        { id: 'x', type: 'sms', position: { x: 1, y: 2 }, config: { text: 'hi' } },
        { id: 'w', type: 'wait_for_event', position: { x: 3, y: 4 }, config: { eventType: 'click', timeout: 'soon' } },
      ],
      edges: [{ id: 'e', source: 'x', sourceHandle: 'next', target: 'w' }],
    }
    const { nodes, edges } = toFlow(odd)
    expect(nodes[0]?.type).toBe('unknown')
    expect(fromFlow(nodes, edges)).toEqual(odd)
  })

  it('gives edges without a handle the plain "next" output', () => {
    const graph = fromFlow([], [{ id: 'e', type: 'smoothstep', source: 'a', target: 'b', sourceHandle: null }])
    expect(graph.edges[0]?.sourceHandle).toBe('next')
  })
})

describe('connection rules', () => {
  const { nodes, edges } = toFlow(onboarding)
  const withoutE3 = edges.filter((edge) => edge.id !== 'e3')

  it('refuses an edge into a trigger', () => {
    const attempt = { source: 'welcome', sourceHandle: 'next', target: 'trigger' }
    expect(isValidConnection(attempt, nodes, [])).toBe(false)
    expect(connectionProblem(attempt, nodes, [])).toMatch(/nothing can lead into it/)
  })

  it('refuses a second edge from the same output', () => {
    const attempt = { source: 'wait-click', sourceHandle: 'timeout', target: 'end-a' }
    expect(isValidConnection(attempt, nodes, edges)).toBe(false)
    expect(connectionProblem(attempt, nodes, edges)).toMatch(/already connected/)
  })

  it('refuses a step leading to itself and outputs the step does not have', () => {
    expect(isValidConnection({ source: 'reminder', sourceHandle: 'next', target: 'reminder' }, nodes, [])).toBe(false)
    expect(isValidConnection({ source: 'welcome', sourceHandle: 'timeout', target: 'reminder' }, nodes, [])).toBe(false)
  })

  it('accepts connecting a free output to a step with an input', () => {
    expect(isValidConnection({ source: 'wait-click', sourceHandle: 'event', target: 'care-tips' }, nodes, withoutE3)).toBe(true)
    // a missing handle means the plain "next" output
    expect(isValidConnection({ source: 'trigger', sourceHandle: null, target: 'reminder' }, nodes, [])).toBe(true)
  })

  it('turns a connection into a labelled edge with a fresh id', () => {
    const edge = edgeForConnection({ source: 'wait-click', sourceHandle: 'event', target: 'care-tips' }, nodes, withoutE3)
    expect(edge).toMatchObject({ source: 'wait-click', sourceHandle: 'event', target: 'care-tips', label: 'clicked' })
    const again = edgeForConnection({ source: 'wait-click', sourceHandle: 'event', target: 'care-tips' }, nodes, [...withoutE3, edge])
    expect(again.id).not.toBe(edge.id)
  })

  it('names new steps after their type without reusing ids', () => {
    const id = newStepId('send_email', nodes)
    expect(id).toBe('send-email-1')
    expect(newStepId('send_email', [...nodes, { ...nodes[1]!, id }])).toBe('send-email-2')
  })
})

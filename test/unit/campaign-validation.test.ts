import { describe, expect, it } from 'vitest'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { onboardingGraph } from '../../engine/examples/onboarding'

const templates = { templateIds: new Set(['onboarding-welcome', 'onboarding-care-tips', 'onboarding-reminder']) }
const clone = (graph: CampaignGraph): CampaignGraph => structuredClone(graph)
const issuesOf = (graph: unknown) => {
  const result = validateForPublish(graph, templates)
  return result.ok ? [] : result.issues
}

describe('publishing a campaign graph', () => {
  it('accepts the onboarding example and completes configs with their defaults', () => {
    const result = validateForPublish(onboardingGraph(), templates)
    expect(result.ok).toBe(true)
    if (!result.ok) return
    const wait = result.graph.nodes.find((node) => node.id === 'guide-clicked')!
    expect(wait.config).toEqual({ eventType: 'click', filter: {}, timeout: '3d', anyCampaign: false })
  })

  it('refuses a dangling edge, naming the edge and the node it leaves', () => {
    const graph = clone(onboardingGraph())
    graph.edges.push({ id: 'e-ghost', source: 'care-tips', sourceHandle: 'next', target: 'ghost' })
    graph.edges = graph.edges.filter((edge) => edge.id !== 'e-care-end')
    graph.nodes = graph.nodes.filter((node) => node.id !== 'done-clicked')
    const issues = issuesOf(graph)
    expect(issues).toContainEqual(expect.objectContaining({ edgeId: 'e-ghost', nodeId: 'care-tips', message: expect.stringContaining('"ghost" does not exist') }))
  })

  it('refuses a send step whose template does not exist, naming node and field', () => {
    const graph = clone(onboardingGraph())
    graph.nodes.find((node) => node.id === 'reminder')!.config = { template: 'onboarding-remindr' }
    expect(issuesOf(graph)).toEqual([
      { nodeId: 'reminder', field: 'config.template', message: 'node reminder: template "onboarding-remindr" does not exist' },
    ])
  })

  it('refuses a loop that has no wait in it, and accepts the same loop with a wait', () => {
    const graph = clone(onboardingGraph())
    // reminder → welcome again, skipping the wait: it would mail as fast as the worker can.
    graph.edges = graph.edges.filter((edge) => edge.id !== 'e-reminder-end' && edge.id !== 'e-welcome-wait')
    graph.nodes = graph.nodes.filter((node) => node.id !== 'done-reminded')
    graph.edges.push({ id: 'e-loop', source: 'reminder', sourceHandle: 'next', target: 'welcome' })
    graph.edges.push({ id: 'e-welcome-reminder', source: 'welcome', sourceHandle: 'next', target: 'reminder' })
    const loopIssues = issuesOf(graph).filter((issue) => issue.message.includes('has no wait'))
    expect(loopIssues).toHaveLength(1)
    expect(['welcome', 'reminder']).toContain(loopIssues[0]!.nodeId)

    const withWait = clone(onboardingGraph())
    withWait.edges = withWait.edges.filter((edge) => edge.id !== 'e-reminder-end')
    withWait.nodes = withWait.nodes.filter((node) => node.id !== 'done-reminded')
    withWait.edges.push({ id: 'e-loop', source: 'reminder', sourceHandle: 'next', target: 'welcome' })
    expect(issuesOf(withWait)).toEqual([])
  })

  it('refuses an output that leads nowhere and a node nothing leads to', () => {
    const graph = clone(onboardingGraph())
    graph.edges = graph.edges.filter((edge) => edge.id !== 'e-not-clicked')
    const issues = issuesOf(graph)
    expect(issues).toContainEqual(expect.objectContaining({ nodeId: 'guide-clicked', field: 'outputs.timeout' }))
    expect(issues).toContainEqual(expect.objectContaining({ nodeId: 'reminder', message: 'node reminder cannot be reached from the trigger' }))
  })

  it('refuses a bad duration and an unknown node type with the node concerned', () => {
    const graph = clone(onboardingGraph())
    graph.nodes.find((node) => node.id === 'guide-clicked')!.config.timeout = 'three days'
    graph.nodes.push({ id: 'sms', type: 'send_sms', position: { x: 0, y: 0 }, config: {} })
    const issues = issuesOf(graph)
    expect(issues).toContainEqual(expect.objectContaining({ nodeId: 'guide-clicked', field: 'config.timeout' }))
    expect(issues).toContainEqual(expect.objectContaining({ nodeId: 'sms', field: 'type' }))
  })

  it('needs exactly one trigger and no edge into it', () => {
    const none = clone(onboardingGraph())
    none.nodes = none.nodes.filter((node) => node.type !== 'trigger')
    none.edges = none.edges.filter((edge) => edge.source !== 'purchase')
    expect(issuesOf(none)).toContainEqual({ message: 'the campaign needs a trigger: add one where contacts enter' })

    const into = clone(onboardingGraph())
    into.edges = into.edges.filter((edge) => edge.id !== 'e-care-end')
    into.nodes = into.nodes.filter((node) => node.id !== 'done-clicked')
    into.edges.push({ id: 'e-back', source: 'care-tips', sourceHandle: 'next', target: 'purchase' })
    expect(issuesOf(into)).toContainEqual(expect.objectContaining({ nodeId: 'purchase', edgeId: 'e-back' }))
  })

  it('refuses a condition on an attribute no contact has, unless a step of the campaign sets it', () => {
    const graph = clone(onboardingGraph())
    graph.nodes.push({ id: 'big-customer', type: 'condition', position: { x: 0, y: 0 }, config: { mode: 'yes_no', match: 'all', rules: [{ kind: 'attribute', attribute: 'industy', operator: 'equals', value: 'machine tools' }] } })
    graph.edges = graph.edges.filter((edge) => edge.id !== 'e-care-end')
    graph.edges.push(
      { id: 'e-care-check', source: 'care-tips', sourceHandle: 'next', target: 'big-customer' },
      { id: 'e-yes', source: 'big-customer', sourceHandle: 'yes', target: 'done-clicked' },
      { id: 'e-no', source: 'big-customer', sourceHandle: 'no', target: 'done-clicked' },
    )
    const known = { ...templates, attributes: new Set(['industry', 'company_size']) }
    const refused = validateForPublish(graph, known)
    expect(refused.ok ? [] : refused.issues).toEqual([{ nodeId: 'big-customer', field: 'config', message: 'node big-customer: no contact has an attribute "industy"; check the name' }])

    // The same campaign setting the attribute itself first may read it.
    graph.nodes.push({ id: 'mark', type: 'update_contact', position: { x: 0, y: 0 }, config: { setAttributes: { industy: 'x' } } })
    graph.edges = graph.edges.filter((edge) => edge.id !== 'e-care-check')
    graph.edges.push({ id: 'e-care-mark', source: 'care-tips', sourceHandle: 'next', target: 'mark' }, { id: 'e-mark-check', source: 'mark', sourceHandle: 'next', target: 'big-customer' })
    expect(validateForPublish(graph, known).ok).toBe(true)
  })

  it('refuses a malformed graph with the field path', () => {
    expect(issuesOf({ nodes: [{ id: 'a b', type: 'end' }], edges: [] })).toContainEqual(expect.objectContaining({ field: 'graph.nodes.0.id' }))
  })
})

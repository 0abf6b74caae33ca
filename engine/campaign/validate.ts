import type { z } from 'zod'
import { findNodeType } from '../nodes'
import type { ValidationContext } from '../nodes/node-type'
import { campaignGraphSchema, type CampaignGraph, type GraphIssue } from './graph'

export type GraphCheck = { ok: true; graph: CampaignGraph } | { ok: false; issues: GraphIssue[] }

/** Turns a zod error into issues that name the field path ("nodes.3.config.timeout"). */
export function zodIssues(error: z.ZodError, prefix = ''): GraphIssue[] {
  return error.issues.map((issue) => {
    const field = [prefix, ...issue.path.map(String)].filter(Boolean).join('.')
    return { field, message: `${field || 'body'}: ${issue.message}` }
  })
}

/**
 * The shape every draft must have to be stored: nodes and edges well-formed. Drafts may still be
 * incomplete (unconnected outputs, no template chosen); publishing asks for more (validateForPublish).
 */
export function parseDraftGraph(raw: unknown): GraphCheck {
  const parsed = campaignGraphSchema.safeParse(raw)
  return parsed.success ? { ok: true, graph: parsed.data } : { ok: false, issues: zodIssues(parsed.error, 'graph') }
}

/**
 * Everything that keeps a graph from running, each issue naming its node: unknown types, bad configs,
 * dangling or misplaced edges, unconnected outputs, unreachable nodes, and loops that would spin without
 * a wait. On success the graph comes back with every node config completed by its defaults, which is
 * what a published version stores.
 */
export function validateForPublish(raw: unknown, context: ValidationContext): GraphCheck {
  const frame = parseDraftGraph(raw)
  if (!frame.ok) return frame
  const { nodes, edges } = frame.graph
  const issues: GraphIssue[] = []
  const byId = new Map<string, CampaignGraph['nodes'][number]>()
  const outputsOf = new Map<string, string[]>()
  const normalized: CampaignGraph = { nodes: [], edges }

  for (const node of nodes) {
    if (byId.has(node.id)) {
      issues.push({ nodeId: node.id, field: 'id', message: `node id "${node.id}" is used twice` })
      continue
    }
    byId.set(node.id, node)
    const type = findNodeType(node.type)
    if (!type) {
      issues.push({ nodeId: node.id, field: 'type', message: `node ${node.id}: unknown node type "${node.type}"` })
      continue
    }
    const config = type.configSchema.safeParse(node.config)
    if (!config.success) {
      for (const issue of zodIssues(config.error, 'config')) issues.push({ ...issue, nodeId: node.id, message: `node ${node.id}: ${issue.message}` })
      continue
    }
    for (const issue of type.validate?.(config.data, context) ?? []) {
      const field = issue.field ? `config.${issue.field}` : undefined
      issues.push({ nodeId: node.id, field, message: `node ${node.id}: ${issue.message}` })
    }
    outputsOf.set(node.id, type.outputs(config.data).map((output) => output.id))
    normalized.nodes.push({ ...node, config: config.data as Record<string, unknown> })
  }

  const categoryOf = (node: { type: string }) => findNodeType(node.type)?.category
  const entries = nodes.filter((node) => categoryOf(node) === 'entry')
  if (entries.length === 0) issues.push({ message: 'the campaign needs a trigger: add one where contacts enter' })
  for (const extra of entries.slice(1)) issues.push({ nodeId: extra.id, message: `node ${extra.id}: a campaign has one trigger; remove this one` })

  const edgeIds = new Set<string>()
  const taken = new Map<string, string>() // "node/output" → edge id
  const next = new Map<string, string[]>()
  for (const edge of edges) {
    if (edgeIds.has(edge.id)) issues.push({ edgeId: edge.id, message: `edge id "${edge.id}" is used twice` })
    edgeIds.add(edge.id)
    const source = byId.get(edge.source)
    const target = byId.get(edge.target)
    if (!source || !target) {
      const missing = !source ? edge.source : edge.target
      issues.push({ edgeId: edge.id, nodeId: source?.id ?? target?.id, message: `edge ${edge.id} is dangling: node "${missing}" does not exist` })
      continue
    }
    const outputs = outputsOf.get(source.id)
    if (outputs && !outputs.includes(edge.sourceHandle)) {
      issues.push({ nodeId: source.id, edgeId: edge.id, message: `node ${source.id} has no output "${edge.sourceHandle}"` })
      continue
    }
    if (findNodeType(target.type)?.hasInput === false) {
      const what = categoryOf(target) === 'goal' ? 'a goal, reached by behaviour rather than by the flow,' : 'a trigger'
      issues.push({ nodeId: target.id, edgeId: edge.id, message: `node ${target.id} is ${what} and cannot be entered from node ${source.id}` })
      continue
    }
    const slot = `${source.id}/${edge.sourceHandle}`
    if (taken.has(slot)) {
      issues.push({ nodeId: source.id, edgeId: edge.id, message: `node ${source.id}: output "${edge.sourceHandle}" is connected twice` })
      continue
    }
    taken.set(slot, edge.id)
    next.set(source.id, [...(next.get(source.id) ?? []), target.id])
  }

  for (const [nodeId, outputs] of outputsOf) {
    for (const output of outputs) {
      if (!taken.has(`${nodeId}/${output}`)) {
        issues.push({ nodeId, field: `outputs.${output}`, message: `node ${nodeId}: output "${output}" leads nowhere; connect it (an End node finishes the flow)` })
      }
    }
  }

  const entry = entries[0]
  if (entry) {
    const reached = new Set([entry.id])
    const queue = [entry.id]
    while (queue.length) for (const target of next.get(queue.shift()!) ?? []) if (!reached.has(target)) reached.add(target), queue.push(target)
    for (const node of nodes) {
      if (!reached.has(node.id) && categoryOf(node) !== 'goal') issues.push({ nodeId: node.id, message: `node ${node.id} cannot be reached from the trigger` })
    }
  }

  if (context.attributes) {
    // A campaign may read what it writes itself (update contact → condition later on).
    const known = new Set([...context.attributes, ...normalized.nodes.flatMap((node) => findNodeType(node.type)?.writesAttributes?.(node.config) ?? [])])
    for (const node of normalized.nodes) {
      for (const attribute of findNodeType(node.type)?.readsAttributes?.(node.config) ?? []) {
        if (!known.has(attribute)) issues.push({ nodeId: node.id, field: 'config', message: `node ${node.id}: no contact has an attribute "${attribute}"; check the name` })
      }
    }
  }

  for (const cycle of loopsWithoutWait(byId, next)) {
    issues.push({ nodeId: cycle[0], message: `node ${cycle[0]}: the loop ${[...cycle, cycle[0]].join(' → ')} has no wait, so it would repeat without pause` })
  }

  return issues.length ? { ok: false, issues } : { ok: true, graph: normalized }
}

/** Cycles made only of nodes that do not wait: strongly connected components (Tarjan) of that subgraph. */
function loopsWithoutWait(byId: Map<string, { type: string }>, next: Map<string, string[]>): string[][] {
  const instant = (id: string) => findNodeType(byId.get(id)?.type ?? '')?.waits === false
  const index = new Map<string, number>()
  const low = new Map<string, number>()
  const stack: string[] = []
  const onStack = new Set<string>()
  const loops: string[][] = []
  let counter = 0
  const visit = (id: string) => {
    index.set(id, counter)
    low.set(id, counter++)
    stack.push(id)
    onStack.add(id)
    for (const target of next.get(id) ?? []) {
      if (!instant(target)) continue
      if (!index.has(target)) {
        visit(target)
        low.set(id, Math.min(low.get(id)!, low.get(target)!))
      } else if (onStack.has(target)) low.set(id, Math.min(low.get(id)!, index.get(target)!))
    }
    if (low.get(id) === index.get(id)) {
      const component: string[] = []
      let member: string
      do {
        member = stack.pop()!
        onStack.delete(member)
        component.unshift(member)
      } while (member !== id)
      if (component.length > 1 || (next.get(id) ?? []).includes(id)) loops.push(component)
    }
  }
  for (const id of byId.keys()) if (instant(id) && !index.has(id)) visit(id)
  return loops
}

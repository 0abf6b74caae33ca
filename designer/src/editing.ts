import { DEFAULT_OUTPUT, newStepId, type CampaignFlowEdge, type CampaignFlowNode } from './graph-mapping'

// Undo/redo and copy/paste as plain functions over canvas snapshots; the store only keeps the stacks.

export interface Snapshot {
  nodes: CampaignFlowNode[]
  edges: CampaignFlowEdge[]
}

export interface History {
  past: Snapshot[]
  future: Snapshot[]
}

export const HISTORY_LIMIT = 100
export const EMPTY_HISTORY: History = { past: [], future: [] }

/** Before an edit: the current canvas goes on the undo stack and the redo stack is dropped. */
export function remember(history: History, current: Snapshot): History {
  return { past: [...history.past.slice(-(HISTORY_LIMIT - 1)), current], future: [] }
}

export function undo(history: History, current: Snapshot): { history: History; canvas: Snapshot } | null {
  const previous = history.past.at(-1)
  if (!previous) return null
  return { history: { past: history.past.slice(0, -1), future: [current, ...history.future] }, canvas: previous }
}

export function redo(history: History, current: Snapshot): { history: History; canvas: Snapshot } | null {
  const next = history.future[0]
  if (!next) return null
  return { history: { past: [...history.past, current], future: history.future.slice(1) }, canvas: next }
}

/** The selected steps and the connections between them (a connection to a step left behind is not copied). */
export function copySelection(nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[]): Snapshot | null {
  const chosen = nodes.filter((node) => node.selected)
  if (chosen.length === 0) return null
  const ids = new Set(chosen.map((node) => node.id))
  return {
    nodes: structuredClone(chosen.map(({ id, type, position, data }) => ({ id, type, position, data }) as CampaignFlowNode)),
    edges: edges.filter((edge) => ids.has(edge.source) && ids.has(edge.target)).map(({ id, type, source, sourceHandle, target, label }) => ({ id, type, source, sourceHandle, target, ...(label ? { label } : {}) }) as CampaignFlowEdge),
  }
}

/** The clipboard as new steps (fresh ids, shifted by `offset`), selected; everything else unselected. */
export function pasteSnapshot(clipboard: Snapshot, nodes: readonly CampaignFlowNode[], edges: readonly CampaignFlowEdge[], offset = 40): Snapshot {
  const placed = [...nodes]
  const renamed = new Map<string, string>()
  const pasted: CampaignFlowNode[] = []
  for (const node of clipboard.nodes) {
    const id = newStepId(node.data.stepType.replace(/_/g, '-'), placed)
    renamed.set(node.id, id)
    const copy = { ...structuredClone(node), id, position: { x: node.position.x + offset, y: node.position.y + offset }, selected: true } as CampaignFlowNode
    placed.push(copy)
    pasted.push(copy)
  }
  const takenEdges = new Set(edges.map((edge) => edge.id))
  const pastedEdges = clipboard.edges.map((edge) => {
    const source = renamed.get(edge.source)!
    const target = renamed.get(edge.target)!
    let id = `${source}-${edge.sourceHandle ?? DEFAULT_OUTPUT}-${target}`
    for (let n = 2; takenEdges.has(id); n++) id = `${source}-${edge.sourceHandle ?? DEFAULT_OUTPUT}-${target}-${n}`
    takenEdges.add(id)
    return { ...edge, id, source, target, selected: false }
  })
  return {
    nodes: [...nodes.map((node) => (node.selected ? { ...node, selected: false } : node)), ...pasted],
    edges: [...edges.map((edge) => (edge.selected ? { ...edge, selected: false } : edge)), ...pastedEdges],
  }
}

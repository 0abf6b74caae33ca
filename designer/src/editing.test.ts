import { describe, expect, it } from 'vitest'
import { copySelection, EMPTY_HISTORY, pasteSnapshot, redo, remember, undo, type Snapshot } from './editing'
import { toFlow } from './graph-mapping'
import { autoLayout } from './layout'
import { branchShare, passedThrough } from './live'
import { preferredLanguage, translate } from './i18n'
import { checkDraft } from './validation'

const flow = toFlow({
  nodes: [
    { id: 'start', type: 'trigger', position: { x: 0, y: 0 }, config: { kind: 'event', eventType: 'purchase', filter: {} } },
    { id: 'mail', type: 'send_email', position: { x: 0, y: 0 }, config: { template: 'welcome' } },
    { id: 'click', type: 'wait_for_event', position: { x: 0, y: 0 }, config: { eventType: 'click', filter: {}, timeout: '3d' } },
    { id: 'yes', type: 'end', position: { x: 0, y: 0 }, config: {} },
    { id: 'no', type: 'end', position: { x: 0, y: 0 }, config: {} },
  ],
  edges: [
    { id: 'a', source: 'start', sourceHandle: 'next', target: 'mail' },
    { id: 'b', source: 'mail', sourceHandle: 'next', target: 'click' },
    { id: 'c', source: 'click', sourceHandle: 'event', target: 'yes' },
    { id: 'd', source: 'click', sourceHandle: 'timeout', target: 'no' },
  ],
})

describe('editing the canvas', () => {
  it('undoes and redoes whole canvases', () => {
    const before: Snapshot = { nodes: flow.nodes, edges: flow.edges }
    const after: Snapshot = { nodes: flow.nodes.slice(1), edges: [] }
    const history = remember(EMPTY_HISTORY, before)
    const undone = undo(history, after)!
    expect(undone.canvas).toBe(before)
    const redone = redo(undone.history, undone.canvas)!
    expect(redone.canvas).toBe(after)
    expect(undo(EMPTY_HISTORY, after)).toBeNull()
  })

  it('pastes copied steps with new ids and the connections between them', () => {
    const selected = flow.nodes.map((node) => ({ ...node, selected: node.id === 'click' || node.id === 'yes' }))
    const clipboard = copySelection(selected, flow.edges)!
    expect(clipboard.nodes.map((node) => node.id)).toEqual(['click', 'yes'])
    expect(clipboard.edges.map((edge) => edge.id)).toEqual(['c'])
    const pasted = pasteSnapshot(clipboard, selected, flow.edges)
    const fresh = pasted.nodes.filter((node) => node.selected)
    expect(fresh.map((node) => node.id)).toEqual(['wait-for-event-1', 'end-1'])
    expect(pasted.edges.at(-1)).toMatchObject({ source: 'wait-for-event-1', sourceHandle: 'event', target: 'end-1' })
    expect(fresh[0]!.position).toEqual({ x: 40, y: 40 })
  })

  it('lays the flow out top to bottom with branches side by side', () => {
    const placed = new Map(autoLayout(flow.nodes, flow.edges).map((node) => [node.id, node.position]))
    expect(placed.get('start')!.y).toBeLessThan(placed.get('mail')!.y)
    expect(placed.get('mail')!.y).toBeLessThan(placed.get('click')!.y)
    expect(placed.get('yes')!.y).toBe(placed.get('no')!.y)
    expect(placed.get('yes')!.x).not.toBe(placed.get('no')!.x)
  })

  it('marks steps with the issues publishing would raise', () => {
    const check = checkDraft(flow.nodes, flow.edges.slice(0, 3), ['welcome'])
    expect(check.byNode.click).toEqual([expect.stringContaining('output "timeout" leads nowhere')])
    expect(check.byNode.no).toEqual([expect.stringContaining('cannot be reached')])
    expect(checkDraft(flow.nodes, flow.edges, ['other']).byNode.mail).toEqual(['template "welcome" does not exist'])
    expect(checkDraft(flow.nodes, flow.edges, ['welcome']).issues).toEqual([])
  })
})

describe('live view and language', () => {
  it('counts who passed and the share of each branch', () => {
    const counts = { entered: 10, waiting: 2, outputs: { event: 3, timeout: 5 } }
    expect(passedThrough(counts)).toBe(8)
    expect(branchShare({ sourceHandle: 'event', label: 'clicked' }, counts, 2)).toBe('38 % clicked')
    expect(branchShare({ sourceHandle: 'next', label: '' }, counts, 1)).toBeNull()
  })

  it('speaks German to German browsers and fills in values', () => {
    expect(preferredLanguage(['de-AT', 'en'])).toBe('de')
    expect(preferredLanguage(['pt-PT'])).toBe('en')
    expect(translate('de', 'publish.live', { version: 3 })).toBe('Version 3 ist live')
    expect(translate('en', 'publish.live', { version: 3 })).toBe('Version 3 is live')
  })
})

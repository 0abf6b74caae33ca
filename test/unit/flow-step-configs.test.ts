import { describe, expect, it } from 'vitest'
import type { CampaignGraph } from '../../engine/campaign/graph'
import { validateForPublish } from '../../engine/campaign/validate'
import { updateContact } from '../../engine/nodes/update-contact'
import { waitUntil } from '../../engine/nodes/wait-until'
import { linearCampaign } from '../helpers/graphs'

const issuesOf = (graph: CampaignGraph, nodeId: string) => {
  const result = validateForPublish(graph, { templateIds: new Set() })
  return result.ok ? [] : result.issues.filter((issue) => issue.nodeId === nodeId)
}
const single = (type: string, config: Record<string, unknown>) => linearCampaign({ eventType: 'purchase' }, [{ id: 'step', type, config }])

describe('update_contact configuration', () => {
  it('summarises the changes and completes defaults at publish', () => {
    const config = updateContact.configSchema.parse({ setAttributes: { stage: 'customer', trial_ends: null }, addTags: ['onboarded'] })
    expect(updateContact.summary(config)).toBe('stage = customer, clear trial_ends, tag onboarded')
    const result = validateForPublish(single('update_contact', { addTags: ['onboarded'] }), { templateIds: new Set() })
    expect(result.ok && result.graph.nodes.find((node) => node.id === 'step')!.config).toEqual({ setAttributes: {}, addTags: ['onboarded'], removeTags: [] })
  })

  it('refuses a step that changes nothing and a tag both added and removed', () => {
    expect(issuesOf(single('update_contact', {}), 'step')).toEqual([{ nodeId: 'step', message: 'node step: choose at least one attribute to set or tag to add or remove' }])
    expect(issuesOf(single('update_contact', { addTags: ['vip'], removeTags: ['vip'] }), 'step')).toEqual([
      { nodeId: 'step', field: 'config.removeTags', message: 'node step: tag "vip" is both added and removed' },
    ])
  })
})

describe('wait_until configuration', () => {
  it('labels the date outputs and describes both modes', () => {
    const date = waitUntil.configSchema.parse({ mode: 'date', attribute: 'maintenance_due', offset: '-60d' })
    expect(waitUntil.outputs(date).map(({ id, label }) => ({ id, label }))).toEqual([
      { id: 'next', label: '60 days before maintenance_due' },
      { id: 'missing', label: 'no maintenance_due' },
    ])
    expect(waitUntil.summary(waitUntil.configSchema.parse({ mode: 'date', attribute: 'contract_end' }))).toBe('until on contract_end')
    expect(waitUntil.summary(waitUntil.configSchema.parse({ mode: 'date', attribute: 'contract_end', offset: '+2w' }))).toBe('until 2 weeks after contract_end')
    const window = waitUntil.configSchema.parse(waitUntil.defaults)
    expect(waitUntil.outputs(window)).toEqual([{ id: 'next', label: '' }])
    expect(waitUntil.summary(window)).toBe('until Mon–Fri 08:00–17:00, contact’s time')
  })

  it('refuses a window that ends before it starts, a bad time and a bad offset, naming the node', () => {
    expect(issuesOf(single('wait_until', { mode: 'send_window', from: '17:00', until: '08:00' }), 'step')).toEqual([
      { nodeId: 'step', field: 'config.until', message: 'node step: the window ends (08:00) before it starts (17:00)' },
    ])
    expect(issuesOf(single('wait_until', { mode: 'send_window', from: '8am' }), 'step')).toContainEqual(expect.objectContaining({ field: 'config.from' }))
    expect(issuesOf(single('wait_until', { mode: 'date', attribute: 'due', offset: 'two months' }), 'step')).toContainEqual(expect.objectContaining({ field: 'config.offset' }))
  })

  it('needs the "missing" output connected in date mode', () => {
    expect(issuesOf(single('wait_until', { mode: 'date', attribute: 'maintenance_due', offset: '-60d' }), 'step')).toEqual([
      expect.objectContaining({ field: 'outputs.missing' }),
    ])
  })
})

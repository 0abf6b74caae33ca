import { randomUUID } from 'node:crypto'
import { describe, expect, it } from 'vitest'
import { validateForPublish } from '../../engine/campaign/validate'
import { abSplit, chooseArm, splitPosition } from '../../engine/nodes/ab-split'
import { linearCampaign } from '../helpers/graphs'

const shares = (arms: { name: string; weight: number }[], keys: string[]) => {
  const counts = Object.fromEntries(arms.map((arm) => [arm.name, 0]))
  for (const key of keys) counts[chooseArm(arms, key)]!++
  return Object.fromEntries(Object.entries(counts).map(([name, count]) => [name, count / keys.length]))
}

describe('A/B split bucketing', () => {
  it('puts the same contact in the same arm every time, and positions in [0, 1)', () => {
    const arms = [
      { name: 'A', weight: 50 },
      { name: 'B', weight: 50 },
    ]
    for (let i = 0; i < 100; i++) {
      const key = `campaign/split/${randomUUID()}`
      expect(chooseArm(arms, key)).toBe(chooseArm(arms, key))
      expect(splitPosition(key)).toBeGreaterThanOrEqual(0)
      expect(splitPosition(key)).toBeLessThan(1)
    }
    // Pinned: a change of the hash would move running experiments' contacts to other arms.
    expect(splitPosition('c1/split/contact-1')).toBeCloseTo(0.66102572, 8)
    expect(['contact-1', 'contact-2', 'contact-3', 'contact-4'].map((id) => chooseArm(arms, `c1/split/${id}`))).toEqual(['B', 'B', 'B', 'A'])
  })

  it('lands within 2 points of the weights over 10,000 random contacts', () => {
    const keys = Array.from({ length: 10_000 }, () => `campaign/split/${randomUUID()}`)
    const fifty = shares([{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }], keys)
    expect(Math.abs(fifty.A! - 0.5)).toBeLessThan(0.02)
    const three = shares([{ name: 'A', weight: 20 }, { name: 'B', weight: 30 }, { name: 'C', weight: 50 }], keys)
    expect(Math.abs(three.A! - 0.2)).toBeLessThan(0.02)
    expect(Math.abs(three.B! - 0.3)).toBeLessThan(0.02)
    expect(Math.abs(three.C! - 0.5)).toBeLessThan(0.02)
  })

  it('spreads sequential ids too, and two steps split independently', () => {
    const arms = [{ name: 'A', weight: 50 }, { name: 'B', weight: 50 }]
    const ids = Array.from({ length: 10_000 }, (_, i) => `contact-${i}`)
    expect(Math.abs(shares(arms, ids.map((id) => `c/first/${id}`)).A! - 0.5)).toBeLessThan(0.02)
    // Being in A at the first split says nothing about the second: about a quarter are A at both.
    const both = ids.filter((id) => chooseArm(arms, `c/first/${id}`) === 'A' && chooseArm(arms, `c/second/${id}`) === 'A').length / ids.length
    expect(Math.abs(both - 0.25)).toBeLessThan(0.02)
  })

  it('labels outputs by arm and refuses weights that do not add up to 100 or duplicate names', () => {
    const config = abSplit.configSchema.parse({ arms: [{ name: 'A', weight: 70 }, { name: 'B', weight: 30 }] })
    expect(abSplit.outputs(config)).toEqual([
      { id: 'A', label: 'A (70%)' },
      { id: 'B', label: 'B (30%)' },
    ])
    const graph = linearCampaign({ eventType: 'purchase' }, [{ id: 'split', type: 'ab_split', config: { arms: [{ name: 'A', weight: 60 }, { name: 'A', weight: 60 }] } }])
    const result = validateForPublish(graph, { templateIds: new Set() })
    expect(result.ok).toBe(false)
    if (result.ok) return
    expect(result.issues).toContainEqual({ nodeId: 'split', field: 'config.arms', message: 'node split: the weights add up to 120%; make them add up to 100%' })
    expect(result.issues).toContainEqual(expect.objectContaining({ nodeId: 'split', field: 'config.arms.1.name' }))
  })
})

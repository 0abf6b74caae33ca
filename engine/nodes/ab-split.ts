import { z } from 'zod'
import { defineNodeType } from './node-type'
import { duplicateNameIssues, outputNameSchema } from './output-name'

const config = z.strictObject({
  arms: z
    .array(z.strictObject({ name: outputNameSchema, weight: z.number().int('a weight is a whole percentage').min(1).max(100) }))
    .min(2, 'a split needs at least two arms')
    .max(10),
})

export type AbSplitConfig = z.output<typeof config>

/**
 * Where a key falls in [0, 1): FNV-1a over the key, then murmur3's finaliser so that keys differing in
 * one character (sequential ids) still spread evenly. Plain arithmetic: no crypto in the workflow sandbox.
 */
export function splitPosition(key: string): number {
  let hash = 0x811c9dc5
  for (let i = 0; i < key.length; i++) {
    hash ^= key.charCodeAt(i)
    hash = Math.imul(hash, 0x01000193)
  }
  hash ^= hash >>> 16
  hash = Math.imul(hash, 0x85ebca6b)
  hash ^= hash >>> 13
  hash = Math.imul(hash, 0xc2b2ae35)
  hash ^= hash >>> 16
  return (hash >>> 0) / 2 ** 32
}

/**
 * The arm a contact takes: always the same for the same campaign, step and contact (re-enrolments and
 * workflow replays agree), independent between steps and campaigns, and in proportion to the weights.
 */
export function chooseArm(arms: readonly { name: string; weight: number }[], key: string): string {
  const total = arms.reduce((sum, arm) => sum + arm.weight, 0)
  let point = splitPosition(key) * total
  for (const arm of arms) {
    if (point < arm.weight) return arm.name
    point -= arm.weight
  }
  return arms[arms.length - 1]!.name
}

/** Splits contacts into test arms (A/B/C …) by weight. The arm taken is the step's output in the enrolment's path. */
export const abSplit = defineNodeType({
  type: 'ab_split',
  label: 'A/B split',
  description: 'Sends each contact down one of several arms at random, by weight, e.g. half to A and half to B.',
  category: 'flow',
  configSchema: config,
  defaults: {
    arms: [
      { name: 'A', weight: 50 },
      { name: 'B', weight: 50 },
    ],
  },
  hasInput: true,
  waits: false,
  outputs: (c) => c.arms.map((arm) => ({ id: arm.name, label: `${arm.name} (${arm.weight}%)` })),
  summary: (c) => c.arms.map((arm) => `${arm.name} ${arm.weight}%`).join(' / '),
  validate: (c) => {
    const total = c.arms.reduce((sum, arm) => sum + arm.weight, 0)
    const weights = total === 100 ? [] : [{ field: 'arms', message: `the weights add up to ${total}%; make them add up to 100%` }]
    return [...weights, ...duplicateNameIssues(c.arms, 'arms', 'arms')]
  },
  // The campaign id is part of the key so that a contact who is in arm A of one campaign's "split" step
  // is not also in arm A of every other campaign's step of that name.
  step: async (c, context) => ({ next: chooseArm(c.arms, `${context.enrolment.campaignId}/${context.nodeId}/${context.enrolment.contactId}`) }),
})

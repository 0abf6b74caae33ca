import { z } from 'zod'
import { formatDuration, parseDuration } from '../campaign/duration'
import { defineNodeType, NEXT } from './node-type'

export const durationSchema = z
  .string()
  .refine((text) => parseDuration(text) !== null, 'duration is a number and a unit: 45s, 30m, 12h, 3d or 2w')

const config = z.strictObject({
  duration: durationSchema,
})

/** Waits a fixed time (a durable Temporal timer: survives restarts, costs nothing while it runs). */
export const wait = defineNodeType({
  type: 'wait',
  label: 'Wait',
  description: 'Pauses the contact here for a fixed time, e.g. 3 days.',
  category: 'timing',
  configSchema: config,
  defaults: { duration: '3d' },
  hasInput: true,
  waits: true,
  outputs: () => [NEXT],
  summary: (c) => `wait ${formatDuration(c.duration)}`,
  step: async (c, context) => {
    await context.sleep(parseDuration(c.duration)!)
    return { next: NEXT.id }
  },
})

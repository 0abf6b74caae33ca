import { z } from 'zod'
import { defineNodeType } from './node-type'

/** Ends the contact's enrolment: the campaign is done with them. */
export const end = defineNodeType({
  type: 'end',
  label: 'End',
  description: 'The contact leaves the campaign here.',
  category: 'flow',
  configSchema: z.strictObject({}),
  defaults: {},
  hasInput: true,
  waits: false,
  outputs: () => [],
  summary: () => 'leaves the campaign',
  step: async () => ({ end: true }),
})

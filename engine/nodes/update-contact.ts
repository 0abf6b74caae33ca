import { z } from 'zod'
import { attributeNameSchema, tagSchema } from './contact-rules'
import { defineNodeType, NEXT } from './node-type'

const config = z.strictObject({
  // null clears the attribute.
  setAttributes: z.record(attributeNameSchema, z.union([z.string().max(2000), z.number(), z.boolean(), z.null()])).default({}),
  addTags: z.array(tagSchema).max(50).default([]),
  removeTags: z.array(tagSchema).max(50).default([]),
})

export type UpdateContactConfig = z.output<typeof config>

function describeChanges(c: UpdateContactConfig): string[] {
  return [
    ...Object.entries(c.setAttributes).map(([name, value]) => (value === null ? `clear ${name}` : `${name} = ${value}`)),
    ...c.addTags.map((tag) => `tag ${tag}`),
    ...c.removeTags.map((tag) => `untag ${tag}`),
  ]
}

/** Records what the campaign learnt about the contact: attributes set or cleared, tags added or removed. */
export const updateContact = defineNodeType({
  type: 'update_contact',
  label: 'Update contact',
  description: 'Sets attributes and adds or removes tags on the contact, e.g. tag "onboarded" at the end of onboarding.',
  category: 'flow',
  configSchema: config,
  defaults: { setAttributes: {}, addTags: [], removeTags: [] },
  writesAttributes: (c) => Object.keys(c.setAttributes),
  hasInput: true,
  waits: false,
  outputs: () => [NEXT],
  summary: (c) => describeChanges(c).join(', ') || 'no changes yet',
  validate: (c) => {
    const issues: { field?: string; message: string }[] = []
    if (describeChanges(c).length === 0) issues.push({ message: 'choose at least one attribute to set or tag to add or remove' })
    for (const tag of c.addTags) if (c.removeTags.includes(tag)) issues.push({ field: 'removeTags', message: `tag "${tag}" is both added and removed` })
    return issues
  },
  step: async (c, context) => {
    const { accountId, contactId } = context.enrolment
    await context.activities.updateContact({ accountId, contactId, setAttributes: c.setAttributes, addTags: c.addTags, removeTags: c.removeTags })
    return { next: NEXT.id }
  },
})

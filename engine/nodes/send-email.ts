import { z } from 'zod'
import { defineNodeType, NEXT } from './node-type'

const config = z.strictObject({
  template: z.string().min(1, 'choose a mail template'),
})

/** Sends one mail from a template, localised for the contact's subsidiary; at most once per enrolment, step and pass. */
export const sendEmail = defineNodeType({
  type: 'send_email',
  label: 'Send email',
  description: 'Sends a mail from a template, in the language of the contact’s subsidiary.',
  category: 'message',
  configSchema: config,
  defaults: { template: '' },
  hasInput: true,
  waits: false,
  outputs: () => [NEXT],
  summary: (c) => c.template || 'no template chosen',
  validate: (c, context) =>
    context.templateIds.has(c.template) ? [] : [{ field: 'template', message: `template "${c.template}" does not exist` }],
  step: async (c, context) => {
    context.startMailAttribution()
    const { enrolment, nodeId, visit } = context
    const result = await context.activities.sendCampaignEmail({
      ...enrolment,
      nodeId,
      visit,
      template: c.template,
    })
    // A contact without consent, or whose server refuses our mail, stays out of the rest of the flow.
    if (result.outcome === 'suppressed' || result.outcome === 'rejected') return { exit: result.reason }
    return { next: NEXT.id }
  },
})
